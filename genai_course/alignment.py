"""From next-token predictor to assistant: supervised fine-tuning and DPO, small and readable.

ChatGPT was made from a pretrained GPT in two more steps (Ouyang et al. 2022, InstructGPT):

1. **Supervised fine-tuning (SFT)**: keep training on (instruction, response) pairs
   written in one format. The loss counts only the response's tokens: the model learns
   to answer, not to write questions.
2. **Preference tuning**: people compare two responses to the same prompt. InstructGPT
   fitted a reward model and ran reinforcement learning (PPO); **direct preference
   optimisation** (DPO, Rafailov et al. 2023) reaches the same objective with one loss
   on the pairs themselves:

   ``loss = -log sigmoid(beta * [(log pi(y_w|x) - log ref(y_w|x)) - (log pi(y_l|x) - log ref(y_l|x))])``

   where ``y_w`` is the preferred ("chosen") response, ``y_l`` the rejected one, ``pi`` the
   model being tuned and ``ref`` a frozen copy of the SFT model. Raising the chosen
   response's probability *relative to the reference* and lowering the rejected one's
   lowers the loss; ``beta`` sets how far from the reference the model may move.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence

import torch
import torch.nn.functional as F
from torch import nn

from genai_course.validation import check_number, check_positive_int

IGNORE = -100  # target id that cross-entropy skips (F.cross_entropy's ignore_index)
END = "\n\n"  # a response ends with a blank line: the model learns when to stop


def format_prompt(instruction: str) -> str:
    """The one template every instruction is written in (the model learns this format)."""
    if not isinstance(instruction, str) or not instruction.strip():
        raise ValueError(f"instruction must be a non-empty string, got {instruction!r}.")
    return f"Q: {instruction.strip()}\nA: "


def format_example(instruction: str, response: str) -> tuple[str, str]:
    """(prompt, response + END): the two parts of one training example."""
    if not isinstance(response, str) or not response.strip():
        raise ValueError(f"response must be a non-empty string, got {response!r}.")
    return format_prompt(instruction), response.strip() + END


def _ids(encode: Callable, text: str) -> list[int]:
    ids = encode(text)
    return ids.tolist() if isinstance(ids, torch.Tensor) else list(ids)


def sft_tensors(
    examples: Sequence[tuple[str, str]], encode: Callable, *, device=None
) -> tuple[torch.Tensor, torch.Tensor]:
    """Token ids and targets for fine-tuning on (prompt, response) text pairs.

    ``idx[i, t]`` predicts ``targets[i, t]``. Targets inside the prompt and in the padding
    are ``IGNORE``, so only the response's tokens (and its END) count in the loss. Rows are
    right-padded with token 0 to the longest example.
    """
    if not examples:
        raise ValueError("examples is empty: give at least one (prompt, response) pair.")
    rows = []
    for prompt, response in examples:
        p, r = _ids(encode, prompt), _ids(encode, response)
        if not p or not r:
            raise ValueError(
                f"prompt and response must both encode to tokens, got {prompt!r}, {response!r}."
            )
        full = p + r
        rows.append((full[:-1], [IGNORE] * (len(p) - 1) + r))
    width = max(len(x) for x, _ in rows)
    idx = torch.tensor(
        [x + [0] * (width - len(x)) for x, _ in rows], dtype=torch.long, device=device
    )
    targets = torch.tensor(
        [y + [IGNORE] * (width - len(y)) for _, y in rows], dtype=torch.long, device=device
    )
    return idx, targets


def sequence_logprob(model: nn.Module, idx: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Sum over each row of log p(target token | tokens before), skipping IGNORE: shape (batch,)."""
    logits, _ = model(idx)
    logp = F.log_softmax(logits, dim=-1)
    keep = targets != IGNORE
    picked = logp.gather(-1, targets.clamp(min=0)[..., None])[..., 0]
    return (picked * keep).sum(dim=1)


def dpo_loss(
    policy_chosen: torch.Tensor,
    policy_rejected: torch.Tensor,
    reference_chosen: torch.Tensor,
    reference_rejected: torch.Tensor,
    beta: float = 0.1,
) -> tuple[torch.Tensor, dict[str, float]]:
    """The DPO loss (Rafailov et al. 2023, eq. 7) from sequence log-probabilities.

    Returns the mean loss and, for logging, the mean implicit rewards
    ``beta * (log pi - log ref)`` of chosen and rejected responses and how often the
    chosen one has the higher reward (the preference accuracy).
    """
    beta = check_number("beta", beta, low=0, low_inclusive=False)
    chosen_reward = beta * (policy_chosen - reference_chosen)
    rejected_reward = beta * (policy_rejected - reference_rejected)
    margin = chosen_reward - rejected_reward
    loss = -F.logsigmoid(margin).mean()
    stats = {
        "chosen_reward": float(chosen_reward.detach().mean()),
        "rejected_reward": float(rejected_reward.detach().mean()),
        "accuracy": float((margin.detach() > 0).float().mean()),
    }
    return loss, stats


class DPOObjective(nn.Module):
    """Wraps a policy for :func:`genai_course.fit`: ``loss(batch)`` is the DPO loss.

    The reference is a frozen copy of the policy taken at construction, kept outside this
    module's parameters so the optimiser never moves it. ``batch`` is
    ``(chosen_idx, chosen_targets, rejected_idx, rejected_targets)`` from
    :func:`preference_tensors`.
    """

    def __init__(self, policy: nn.Module, beta: float = 0.1):
        super().__init__()
        self.policy = policy
        reference = copy.deepcopy(policy).eval()
        reference.requires_grad_(False)
        self._reference = (reference,)  # a tuple: not registered as a sub-module
        self.beta = check_number("beta", beta, low=0, low_inclusive=False)
        self.last_stats: dict[str, float] = {}

    @property
    def reference(self) -> nn.Module:
        return self._reference[0]

    def loss(self, batch) -> torch.Tensor:
        chosen_idx, chosen_targets, rejected_idx, rejected_targets = batch
        reference = self.reference.to(chosen_idx.device)
        with torch.no_grad():
            ref_chosen = sequence_logprob(reference, chosen_idx, chosen_targets)
            ref_rejected = sequence_logprob(reference, rejected_idx, rejected_targets)
        loss, self.last_stats = dpo_loss(
            sequence_logprob(self.policy, chosen_idx, chosen_targets),
            sequence_logprob(self.policy, rejected_idx, rejected_targets),
            ref_chosen,
            ref_rejected,
            self.beta,
        )
        return loss


def preference_tensors(pairs: Sequence[tuple[str, str, str]], encode: Callable, *, device=None):
    """(chosen_idx, chosen_targets, rejected_idx, rejected_targets) from (instruction, chosen, rejected)."""
    if not pairs:
        raise ValueError("pairs is empty: give (instruction, chosen, rejected) triples.")
    for pair in pairs:
        if len(pair) != 3:
            raise ValueError(
                f"each preference pair is (instruction, chosen, rejected), got {pair!r}."
            )
    chosen = sft_tensors([format_example(i, c) for i, c, _ in pairs], encode, device=device)
    rejected = sft_tensors([format_example(i, r) for i, _, r in pairs], encode, device=device)
    return (*chosen, *rejected)


@torch.no_grad()
def answer(
    model: nn.Module,
    tokenizer,
    instruction: str,
    *,
    n: int = 1,
    max_chars: int = 80,
    generator: torch.Generator | None = None,
    with_status: bool = False,
    **decoding,
) -> list:
    """Sample ``n`` responses to an instruction, each cut at END (or ``max_chars``).

    With ``with_status=True`` each item is ``(text, finished)``, ``finished`` telling
    whether the model ended its answer (wrote END) within ``max_chars``.
    """
    n = check_positive_int("n", n)
    device = next(model.parameters()).device
    prompt = tokenizer.encode(format_prompt(instruction)).to(device)[None].repeat(n, 1)
    out = model.generate(prompt, max_chars, generator=generator, **decoding)
    texts = [tokenizer.decode(row[prompt.shape[1] :].tolist()) for row in out]
    replies = [(text.split(END)[0].strip(), END in text) for text in texts]
    return replies if with_status else [text for text, _ in replies]
