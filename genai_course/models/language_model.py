"""What every next-token model of the course shares, in makemore's interface.

- ``forward(idx, targets=None) -> (logits, loss)``: logits of shape (batch, T, vocab) for
  the token after each position; the loss is the mean cross-entropy when targets are given.
- ``loss((idx, targets))``: what :func:`genai_course.fit` minimises.
- ``generate(idx, n, temperature=, top_k=, top_p=, ...)``: sample ``n`` more tokens.

A subclass writes only ``forward``: how the tokens so far become next-token logits.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class LanguageModel(nn.Module):
    """Base class of the n-gram, MLP, recurrent and transformer language models."""

    block_size: int | None = None  # how many previous tokens the model sees (None: all)

    def check_idx(self, idx) -> torch.Tensor:
        """Token ids must be a long tensor (batch, T) of ids the vocabulary knows."""
        if not isinstance(idx, torch.Tensor) or idx.dtype != torch.long or idx.ndim != 2:
            raise ValueError("idx must be a long tensor of shape (batch, T), got "
                             f"{getattr(idx, 'dtype', type(idx).__name__)} "
                             f"{tuple(getattr(idx, 'shape', ()))}.")
        vocab_size = self.config.vocab_size
        if idx.numel() and (idx.min() < 0 or idx.max() >= vocab_size):
            raise ValueError(f"token ids must lie in [0, {vocab_size}), got "
                             f"[{int(idx.min())}, {int(idx.max())}]. Was the text encoded with "
                             "the model's own tokenizer?")
        return idx

    @staticmethod
    def next_token_loss(logits: torch.Tensor, targets: torch.Tensor | None) -> torch.Tensor | None:
        """Mean cross-entropy (nats per token) of the targets under the logits, or None."""
        if targets is None:
            return None
        return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))

    def loss(self, batch) -> torch.Tensor:
        """Mean cross-entropy of predicting each next token (nats per token)."""
        idx, targets = batch
        return self(idx, targets)[1]

    def generate(self, idx: torch.Tensor, n: int, **decoding) -> torch.Tensor:
        """Append ``n`` sampled tokens to ``idx``; see :func:`genai_course.sampling.generate`."""
        from genai_course.sampling import generate

        return generate(self, idx, n, **decoding)
