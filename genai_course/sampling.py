"""Decoding: how a next-token distribution becomes a token, and the generation loop.

A language model gives *logits* (unnormalised log-probabilities) for the next token.
The rules below reshape that distribution before we draw from it:

- **greedy**: always take the most likely token (deterministic, often repetitive);
- **temperature** T: divide logits by T; T < 1 sharpens, T > 1 flattens (T -> 0 is greedy);
- **top-k**: keep only the k most likely tokens;
- **top-p** (nucleus): keep the smallest set of most likely tokens whose probabilities
  add up to at least p.
"""

from __future__ import annotations

from collections.abc import Callable

import torch

from genai_course.models.contract import multinomial
from genai_course.validation import check_number, check_positive_int

LogitsHook = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


def _check_logits(logits) -> torch.Tensor:
    if not isinstance(logits, torch.Tensor) or logits.ndim not in (1, 2):
        shape = tuple(logits.shape) if isinstance(logits, torch.Tensor) else type(logits).__name__
        raise ValueError(
            f"logits must be a tensor of shape (vocab,) or (batch, vocab), got {shape}."
        )
    return logits


def apply_temperature(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """Divide the logits by ``temperature`` (> 0)."""
    temperature = check_number("temperature", temperature, low=0, low_inclusive=False)
    return _check_logits(logits) / temperature


def top_k_filter(logits: torch.Tensor, k: int) -> torch.Tensor:
    """Keep exactly the ``k`` largest logits of each row; set the others to -inf."""
    logits = _check_logits(logits)
    vocab = logits.shape[-1]
    k = check_positive_int("top_k", k)
    if k > vocab:
        raise ValueError(f"top_k must lie between 1 and the vocabulary size {vocab}, got {k}.")
    keep = torch.zeros_like(logits, dtype=torch.bool).scatter(
        -1, torch.topk(logits, k, dim=-1).indices, True
    )
    return logits.masked_fill(~keep, float("-inf"))


def top_p_filter(logits: torch.Tensor, p: float) -> torch.Tensor:
    """Keep the smallest set of most likely tokens whose total probability reaches ``p``."""
    logits = _check_logits(logits)
    p = check_number("top_p", p, low=0, high=1, low_inclusive=False)
    if p == 1:  # every token is needed to reach a total of 1
        return logits
    sorted_logits, order = torch.sort(logits, dim=-1, descending=True)
    sorted_probs = sorted_logits.softmax(dim=-1)
    before = sorted_probs.cumsum(dim=-1) - sorted_probs  # probability of the tokens ranked above
    # A token is dropped when the tokens ranked above it already reach p (the most likely
    # token is always kept; the 1e-6 absorbs rounding in the running sum).
    drop_sorted = before >= p - 1e-6
    drop_sorted[..., 0] = False
    drop = torch.zeros_like(drop_sorted).scatter(-1, order, drop_sorted)  # back to vocab order
    return logits.masked_fill(drop, float("-inf"))


def next_token_probabilities(
    logits: torch.Tensor,
    *,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float | None = None,
) -> torch.Tensor:
    """The distribution we actually sample from, after temperature, top-k and top-p."""
    logits = apply_temperature(logits, temperature)
    if top_k is not None:
        logits = top_k_filter(logits, top_k)
    if top_p is not None:
        logits = top_p_filter(logits, top_p)
    return logits.softmax(dim=-1)


def sample_next(
    logits: torch.Tensor,
    *,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float | None = None,
    greedy: bool = False,
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """Choose the next token for each row of ``logits`` (shape (batch, vocab)) -> (batch,)."""
    logits = _check_logits(logits)
    squeeze = logits.ndim == 1
    logits = logits[None] if squeeze else logits
    if greedy:
        chosen = logits.argmax(dim=-1)
    else:
        probs = next_token_probabilities(logits, temperature=temperature, top_k=top_k, top_p=top_p)
        chosen = multinomial(probs, 1, generator=generator)[:, 0]  # generator on any device
    return chosen[0] if squeeze else chosen


@torch.no_grad()
def generate(
    model: torch.nn.Module,
    idx: torch.Tensor,
    n: int,
    *,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float | None = None,
    greedy: bool = False,
    generator: torch.Generator | None = None,
    logits_hook: LogitsHook | None = None,
) -> torch.Tensor:
    """Extend each row of ``idx`` (batch, T) by ``n`` tokens, one at a time.

    Works for any model whose ``forward(idx)`` returns ``(logits, loss)`` with logits of
    shape (batch, T, vocab). A model with a fixed context (``model.block_size``) sees only
    its last ``block_size`` tokens. A recurrent model offering ``step(tokens, state)``
    carries its state instead of re-reading the whole sequence. ``logits_hook(logits,
    idx)`` may change the logits before decoding (the ethics lesson's watermark does).
    """
    n = check_positive_int("n", n, allow_zero=True)
    if (
        not isinstance(idx, torch.Tensor)
        or idx.dtype != torch.long
        or idx.ndim != 2
        or idx.shape[1] == 0
    ):
        raise ValueError(
            "idx must be a long tensor of token ids with shape (batch, T), T >= 1; "
            f"got {getattr(idx, 'dtype', type(idx).__name__)} "
            f"{tuple(getattr(idx, 'shape', ()))}. Encode a prompt first."
        )
    device = next((t.device for t in list(model.parameters()) + list(model.buffers())), idx.device)
    idx = idx.to(device)  # new tokens follow the model
    was_training = model.training
    model.eval()
    stateful = hasattr(model, "step")
    state = None
    if stateful:
        logits, state = model.step(idx, None)
    for _ in range(n):
        if not stateful:
            context = (
                idx if getattr(model, "block_size", None) is None else idx[:, -model.block_size :]
            )
            logits, _ = model(context)
        last = logits[:, -1, :]
        if logits_hook is not None:
            last = logits_hook(last, idx)
        token = sample_next(
            last,
            temperature=temperature,
            top_k=top_k,
            top_p=top_p,
            greedy=greedy,
            generator=generator,
        )[:, None]
        idx = torch.cat([idx, token], dim=1)
        if stateful:
            logits, state = model.step(token, state)
    model.train(was_training)
    return idx
