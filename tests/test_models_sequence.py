import math

import pytest
import torch

from genai_course.models.language_model import token_losses
from genai_course.models.mlp_lm import MLPLM, MLPConfig
from genai_course.models.ngram import NGramConfig, NGramLM, best_ngram, sequence_loss
from genai_course.models.recurrent import RecurrentLM, RNNConfig
from genai_course.models.transformer import TransformerConfig, TransformerLM
from genai_course.pretrained import CheckpointError, load_pretrained, save_checkpoint
from genai_course.seeding import seed_everything
from genai_course.tokenizer import CharTokenizer
from genai_course.training import fit

V = 7


def models():
    seed_everything(0)
    ids = torch.randint(V, (500,))
    return [
        NGramLM(NGramConfig(V, n=3, k=0.5)).fit_counts(ids),
        MLPLM(MLPConfig(V, block_size=4, embed_dim=4, hidden=16)),
        RecurrentLM(RNNConfig(V, embed_dim=4, hidden=16)),
        TransformerLM(TransformerConfig(V, block_size=16, layers=1, heads=2, hidden=16)),
    ]


@pytest.mark.parametrize("index", [0, 1, 2, 3])
def test_shapes_loss_and_causality(index):
    model = models()[index]
    idx = torch.randint(V, (3, 12))
    targets = torch.randint(V, (3, 12))
    logits, loss = model(idx, targets)
    assert logits.shape == (3, 12, V) and loss.ndim == 0 and math.isfinite(float(loss.detach()))
    assert model(idx)[1] is None
    for t in (0, 5, 11):  # changing token t never changes a prediction made before it
        changed = idx.clone()
        changed[:, t] = (changed[:, t] + 1) % V
        new_logits, _ = model(changed)
        assert torch.allclose(new_logits[:, :t], logits[:, :t]), t
        assert not torch.allclose(new_logits[:, t], logits[:, t])
    out = model.generate(idx[:, :2], 5, generator=torch.Generator().manual_seed(0))
    assert out.shape == (3, 7) and torch.equal(out[:, :2], idx[:, :2])
    with pytest.raises(ValueError, match=r"token ids must lie in \[0, 7\)"):
        model(torch.full((1, 3), V))
    with pytest.raises(ValueError, match="long tensor"):
        model(torch.zeros(1, 3))


def test_ngram_probabilities_are_smoothed_counts():
    ids = torch.tensor([0, 1, 0, 1, 0, 2, 0, 1])  # after 0: 1 three times, 2 once
    plain = NGramLM(NGramConfig(3, n=2, k=1.0, backoff=False)).fit_counts(ids)
    probs = plain(torch.tensor([[0]]))[0][0, 0].exp()
    assert torch.allclose(probs, torch.tensor([1, 4, 2]) / 7)  # (count + 1) / (4 + 3)
    assert plain.counts(1)[0].tolist() == [0, 3, 1]
    backoff = NGramLM(NGramConfig(3, n=2, k=1.0)).fit_counts(ids)
    unigram = (torch.tensor([4, 3, 1]) + 1) / (8 + 3)
    expected = (torch.tensor([0, 3, 1]) + 3 * unigram) / (4 + 3)
    assert torch.allclose(backoff(torch.tensor([[0]]))[0][0, 0].exp(), expected)
    for model in (plain, backoff):
        assert torch.allclose(model(torch.tensor([[2, 1, 0]]))[0].exp().sum(-1), torch.ones(1, 3))


def test_longer_context_helps_on_structured_text_and_best_ngram_picks_it():
    text = "the cat sat on the mat. " * 40 + "a dog sat on a log. " * 40
    tokenizer = CharTokenizer.from_text(text)
    ids = tokenizer.encode(text)
    train, valid = ids[:1500], ids[1500:]
    losses = {
        n: sequence_loss(
            NGramLM(NGramConfig(tokenizer.vocab_size, n=n)).fit_counts(train), valid, block_size=64
        )
        for n in (1, 2, 4)
    }
    assert losses[1] > losses[2] > losses[4]
    model, loss = best_ngram(train, valid, orders=(1, 2, 4), ks=(0.01, 1.0))
    assert model.config.n == 4 and loss == pytest.approx(min(row[2] for row in model.search))
    with pytest.raises(RuntimeError, match="fit_counts"):
        NGramLM(NGramConfig(5))(torch.zeros(1, 2, dtype=torch.long))
    with pytest.raises(ValueError, match="too large"):
        NGramLM(NGramConfig(1000, n=8))


def test_token_losses_score_each_next_token_in_fixed_windows():
    seed_everything(0)
    ids = torch.randint(V, (70,))
    model = NGramLM(NGramConfig(V, n=2, k=0.5, backoff=False)).fit_counts(ids)  # plain add-k
    losses = token_losses(model, ids, block_size=16)
    assert losses.shape == (64,)  # 4 whole windows of 16; the last 5 tokens are not scored
    table = model.counts(1) + 0.5
    probabilities = table / table.sum(1, keepdim=True)
    for i in (5, 15, 16, 63):  # entry i predicts ids[i + 1], across window boundaries too
        assert losses[i] == pytest.approx(float(-probabilities[ids[i], ids[i + 1]].log()), rel=1e-5)
    assert float(losses.mean()) == pytest.approx(sequence_loss(model, ids, block_size=16))


def test_mlp_and_gru_learn_a_pattern():
    seed_everything(0)
    ids = torch.tensor([0, 1, 2, 3, 4, 5, 6] * 50)
    from genai_course.data import text_batches

    for model in models()[1:]:
        fit(model, text_batches(ids, 8), steps=150, lr=1e-2, progress=False)
        assert sequence_loss(model, ids, block_size=8) < 0.2  # a deterministic cycle


def test_transformer_context_is_limited_to_block_size():
    model = models()[3]
    with pytest.raises(ValueError, match="at most block_size=16"):
        model(torch.zeros(1, 17, dtype=torch.long))
    out = model.generate(torch.zeros(1, 10, dtype=torch.long), 20, greedy=True)  # crops itself
    assert out.shape == (1, 30)


def test_recurrent_step_matches_forward():
    model = models()[2]
    idx = torch.randint(V, (2, 9))
    full, _ = model(idx)
    first, state = model.step(idx[:, :4], None)
    rest, _ = model.step(idx[:, 4:], state)
    assert torch.allclose(torch.cat([first, rest], 1), full, atol=1e-6)


def test_char_gru_round_trip_and_errors(tmp_path):
    tokenizer = CharTokenizer.from_text("hello world")
    small = RecurrentLM(RNNConfig(tokenizer.vocab_size, embed_dim=4, hidden=8))
    config = {**small.config.__dict__, "tokenizer": tokenizer.to_dict()}
    save_checkpoint(small, tmp_path / "char-gru", {"config": config})
    loaded = load_pretrained("char-gru", tmp_path)
    assert loaded.tokenizer.chars == tokenizer.chars
    idx = tokenizer.encode("hello")[None]
    assert torch.allclose(loaded(idx)[0], small(idx)[0])
    save_checkpoint(small, tmp_path / "char-gru", {"config": {**config, "hidden": 16}})
    with pytest.raises(CheckpointError, match="char-gru.safetensors does not match RecurrentLM"):
        load_pretrained("char-gru", tmp_path)


def test_shipped_char_gru_beats_the_ngram_baseline():
    model = load_pretrained("char-gru")
    meta = model.pretrained_metadata
    assert meta["metrics"]["val_loss_nats_per_char"] < meta["baseline"]["val_loss_nats_per_char"]
    assert sum(p.numel() for p in model.parameters()) < 400_000
    prompt = model.tokenizer.encode("def ")[None]
    text = model.tokenizer.decode(
        model.generate(prompt, 40, generator=torch.Generator().manual_seed(0))[0]
    )
    assert text.startswith("def ") and len(text) == 44


def test_mixture_losses_mix_probabilities_not_losses():
    from genai_course.models.language_model import mixture_losses

    a = torch.tensor([0.1, 5.0, 2.0])
    b = torch.tensor([5.0, 0.1, 2.0])
    mixed = mixture_losses(a, b, 0.5)
    expected = -torch.log(0.5 * torch.exp(-a) + 0.5 * torch.exp(-b))
    assert torch.allclose(mixed, expected)
    # each model good where the other is bad: the mixture beats the mean of the losses
    assert mixed[:2].mean() < 0.5 * (a[:2] + b[:2]).mean()
    assert torch.allclose(mixture_losses(a, a, 0.3), a)  # a model mixed with itself
    assert mixture_losses(a, b, 0.9)[0] < mixture_losses(a, b, 0.1)[0]  # weight goes to a
    # a target one model finds impossible costs only -log(weight) more than the other's
    far = mixture_losses(torch.tensor([1e4]), torch.tensor([1.0]), 0.25)
    assert torch.isfinite(far) and float(far) == pytest.approx(1.0 - math.log(0.75))
    for weight in (0, 1, 1.5):
        with pytest.raises(ValueError, match="weight"):
            mixture_losses(a, b, weight)
    with pytest.raises(ValueError, match="same ids and windows"):
        mixture_losses(a, b[:2], 0.5)


def test_repeated_characters_line_up_with_the_predictions_of_the_split():
    from genai_course.recipes import char_gru

    _, train_ids, _, test_ids = char_gru.corpus_splits()
    repeated = char_gru.repeated_characters("test", 32)
    assert repeated.dtype == torch.bool and len(repeated) == len(test_ids) - 1
    text = char_gru.corpus_splits()[0].decode
    train_text = text(train_ids)
    hits = repeated.nonzero().flatten()[:: max(1, int(repeated.sum()) // 20)]
    for i in hits.tolist():  # prediction i's target is character i + 1
        assert text(test_ids[i + 1 - 31 : i + 2]) in train_text
    misses = (~repeated[40:]).nonzero().flatten()[:20] + 40
    for i in misses.tolist():
        assert text(test_ids[i + 1 - 31 : i + 2]) not in train_text
    # a shorter stretch occurs more often
    assert char_gru.repeated_characters("test", 9).sum() > repeated.sum()
