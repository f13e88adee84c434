import pytest
import torch

from genai_course.sampling import (
    apply_temperature,
    generate,
    next_token_probabilities,
    sample_next,
    top_k_filter,
    top_p_filter,
)

LOGITS = torch.tensor([[2.0, 1.0, 0.5, 0.0, -1.0, 3.0], [0.0, 0.1, 0.2, 0.3, 0.4, 0.5]])


@pytest.mark.parametrize("k", [1, 2, 3, 6])
def test_top_k_keeps_exactly_k_candidates(k):
    kept = torch.isfinite(top_k_filter(LOGITS, k))
    assert kept.sum(dim=-1).tolist() == [k, k]
    # and they are the k largest
    for row, keep in zip(LOGITS, kept, strict=True):
        assert set(keep.nonzero().flatten().tolist()) == set(row.topk(k).indices.tolist())
    ties = torch.zeros(1, 5)  # all equal: still exactly k
    assert int(torch.isfinite(top_k_filter(ties, 2)).sum()) == 2


def test_top_p_keeps_the_smallest_set_reaching_p():
    probs = torch.tensor([0.5, 0.3, 0.15, 0.05])
    logits = probs.log()

    def kept(p):
        return torch.isfinite(top_p_filter(logits, p)).nonzero().flatten().tolist()

    assert kept(0.4) == [0]  # the top token alone reaches 0.4
    assert kept(0.5) == [0]  # exactly reaching p is enough
    assert kept(0.6) == [0, 1]
    assert kept(0.8) == [0, 1]
    assert kept(0.81) == [0, 1, 2]
    assert kept(0.96) == [0, 1, 2, 3]
    assert kept(1.0) == [0, 1, 2, 3]
    shuffled = logits[[2, 0, 3, 1]]  # order in the vocabulary does not matter
    assert torch.isfinite(top_p_filter(shuffled, 0.6)).tolist() == [False, True, False, True]


def test_filtered_distributions_renormalise():
    probs = next_token_probabilities(LOGITS, top_k=3, top_p=0.9)
    assert torch.allclose(probs.sum(-1), torch.ones(2))
    assert (probs > 0).sum(-1).max() <= 3


def test_temperature_towards_zero_approaches_greedy_and_high_flattens():
    cold = next_token_probabilities(LOGITS, temperature=0.01)
    assert torch.equal(cold.argmax(-1), LOGITS.argmax(-1))
    assert cold.max(-1).values.min() > 0.99
    hot = next_token_probabilities(LOGITS, temperature=100.0)
    assert torch.allclose(hot, torch.full_like(hot, 1 / 6), atol=0.01)
    draws = sample_next(
        LOGITS.expand(3, 2, 6).reshape(6, 6),
        temperature=1e-3,
        generator=torch.Generator().manual_seed(0),
    )
    assert draws.tolist() == sample_next(LOGITS, greedy=True).tolist() * 3
    assert torch.allclose(apply_temperature(LOGITS, 2.0), LOGITS / 2)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: apply_temperature(LOGITS, 0), r"temperature must lie in \(0"),
        (lambda: apply_temperature(LOGITS, -1.0), r"temperature must lie in \(0"),
        (lambda: top_k_filter(LOGITS, 0), "top_k must be a positive integer"),
        (lambda: top_k_filter(LOGITS, 7), "between 1 and the vocabulary size 6"),
        (lambda: top_k_filter(LOGITS, 2.5), "top_k must be an integer"),
        (lambda: top_p_filter(LOGITS, 0), r"top_p must lie in \(0"),
        (lambda: top_p_filter(LOGITS, 1.5), r"top_p must lie in \(0"),
        (lambda: sample_next(torch.zeros(2, 3, 4)), "logits must be a tensor of shape"),
    ],
)
def test_invalid_settings_raise_clear_errors(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()


class Counter(torch.nn.Module):
    """A toy model: the next token is most often (last + 1) mod V."""

    block_size = 2

    def __init__(self, vocab=5):
        super().__init__()
        self.vocab = vocab
        self.seen = []

    def forward(self, idx, targets=None):
        self.seen.append(idx.shape[1])
        logits = torch.zeros(*idx.shape, self.vocab)
        logits.scatter_(-1, ((idx + 1) % self.vocab)[..., None], 1.0)
        return logits, None


def test_generate_is_reproducible_under_a_seed_and_crops_context():
    model = Counter()
    prompt = torch.zeros(3, 4, dtype=torch.long)
    a = generate(model, prompt, 20, generator=torch.Generator().manual_seed(0))
    b = generate(model, prompt, 20, generator=torch.Generator().manual_seed(0))
    c = generate(model, prompt, 20, generator=torch.Generator().manual_seed(1))
    assert a.shape == (3, 24) and torch.equal(a, b) and not torch.equal(a, c)
    assert max(model.seen) == 2  # never more than block_size tokens of context
    greedy = generate(model, prompt[:1], 6, greedy=True)
    assert greedy[0, 4:].tolist() == [1, 2, 3, 4, 0, 1]
    with pytest.raises(ValueError, match="Encode a prompt first"):
        generate(model, torch.zeros(1, 0, dtype=torch.long), 3)
    hooked = generate(
        model,
        prompt[:1],
        3,
        greedy=True,
        logits_hook=lambda logits, idx: logits.index_fill(-1, torch.tensor([1]), 99.0),
    )
    assert hooked[0, 4:].tolist() == [1, 1, 1]
