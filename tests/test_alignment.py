"""SFT data formatting and the DPO loss: hand-computed values, masking, a frozen reference."""

import math

import pytest
import torch

from genai_course.alignment import (
    END,
    IGNORE,
    DPOObjective,
    answer,
    dpo_loss,
    format_example,
    preference_tensors,
    sequence_logprob,
    sft_tensors,
)
from genai_course.models.transformer import TransformerConfig, TransformerLM
from genai_course.tokenizer import CharTokenizer
from genai_course.training import fit

TOKENIZER = CharTokenizer.from_text("QA: \nabcdefghijklmnopqrstuvwxyz?.,")


def tiny() -> TransformerLM:
    torch.manual_seed(0)
    return TransformerLM(
        TransformerConfig(TOKENIZER.vocab_size, block_size=64, layers=1, heads=2, hidden=16)
    )


def test_dpo_loss_on_hand_computed_values():
    t = torch.tensor
    # beta 0.5: rewards 0.5*(-1+1.5) = 0.25 and 0.5*(-2+1.5) = -0.25, margin 0.5
    loss, stats = dpo_loss(t([-1.0]), t([-2.0]), t([-1.5]), t([-1.5]), beta=0.5)
    assert loss.item() == pytest.approx(math.log1p(math.exp(-0.5)), abs=1e-6)
    assert stats["chosen_reward"] == pytest.approx(0.25) and stats[
        "rejected_reward"
    ] == pytest.approx(-0.25)
    assert stats["accuracy"] == 1.0
    # the policy equal to the reference: loss log 2 whatever beta
    loss, _ = dpo_loss(t([-3.0, -1.0]), t([-2.0, -5.0]), t([-3.0, -1.0]), t([-2.0, -5.0]), beta=2.0)
    assert loss.item() == pytest.approx(math.log(2), abs=1e-6)
    # only relative log-probabilities matter: shifting policy and reference together changes nothing
    a, _ = dpo_loss(t([-1.0]), t([-2.0]), t([-1.2]), t([-1.9]), beta=0.3)
    b, _ = dpo_loss(t([-11.0]), t([-2.0]), t([-11.2]), t([-1.9]), beta=0.3)
    assert a.item() == pytest.approx(b.item(), abs=1e-6)
    with pytest.raises(ValueError, match="beta"):
        dpo_loss(t([0.0]), t([0.0]), t([0.0]), t([0.0]), beta=0)


def test_dpo_gradient_raises_chosen_and_lowers_rejected():
    chosen, rejected = (
        torch.tensor([-1.0], requires_grad=True),
        torch.tensor([-1.0], requires_grad=True),
    )
    loss, _ = dpo_loss(chosen, rejected, torch.tensor([-1.0]), torch.tensor([-1.0]), beta=0.1)
    loss.backward()
    assert chosen.grad.item() < 0 < rejected.grad.item()


def test_sft_tensors_count_only_the_response():
    prompt, response = format_example("abc?", "xyz")
    assert prompt == "Q: abc?\nA: " and response == "xyz" + END
    idx, targets = sft_tensors([(prompt, response), format_example("a", "b")], TOKENIZER.encode)
    assert idx.shape == targets.shape and idx.dtype == targets.dtype == torch.long
    kept = TOKENIZER.decode(targets[0][targets[0] != IGNORE].tolist())
    assert kept == response, "the targets are exactly the response and its end marker"
    kept_at = (targets[0] != IGNORE).nonzero()[:-1, 0]
    assert torch.equal(targets[0, kept_at], idx[0, kept_at + 1]), (
        "each target is the next input token"
    )
    assert (targets[1, -3:] == IGNORE).all(), "padding is ignored"
    with pytest.raises(ValueError, match="empty"):
        sft_tensors([], TOKENIZER.encode)


def test_sequence_logprob_matches_a_direct_sum():
    model = tiny().eval()
    idx, targets = sft_tensors([format_example("ab", "cd")], TOKENIZER.encode)
    logp = torch.log_softmax(model(idx)[0], -1)[0]
    direct = sum(logp[t, targets[0, t]] for t in range(targets.shape[1]) if targets[0, t] != IGNORE)
    assert sequence_logprob(model, idx, targets).item() == pytest.approx(float(direct), abs=1e-5)


def test_dpo_objective_keeps_the_reference_frozen_and_learns_the_preference():
    policy = tiny()
    objective = DPOObjective(policy, beta=0.5)
    assert all(p is not q for p in objective.parameters() for q in objective.reference.parameters())
    assert sum(p.numel() for p in objective.parameters()) == sum(
        p.numel() for p in policy.parameters()
    )
    before = [p.clone() for p in objective.reference.parameters()]
    pairs = [("say hi", "hi.", "gosh hi."), ("say yes", "yes.", "gosh yes.")]
    batch = preference_tensors(pairs, TOKENIZER.encode)
    start = objective.loss(batch).item()
    assert start == pytest.approx(math.log(2), abs=1e-5), "policy == reference at the start"
    fit(objective, lambda n, g: batch, steps=30, lr=3e-3, progress=False, device="cpu")
    assert objective.loss(batch).item() < start - 0.1
    assert objective.last_stats["accuracy"] == 1.0
    assert all(
        torch.equal(a, b) for a, b in zip(before, objective.reference.parameters(), strict=True)
    )


def test_answer_cuts_at_the_end_marker():
    texts = answer(
        tiny(), TOKENIZER, "hello", n=3, max_chars=20, generator=torch.Generator().manual_seed(0)
    )
    assert len(texts) == 3 and all(END not in t and len(t) <= 20 for t in texts)
    status = answer(tiny(), TOKENIZER, "hello", n=2, max_chars=5, with_status=True)
    assert all(isinstance(done, bool) and len(text) <= 5 for text, done in status)
