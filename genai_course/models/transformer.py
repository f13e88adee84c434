"""A small causal transformer language model, in the spirit of minGPT and nanoGPT.

GPT-3, BLOOM and LaMDA are this architecture, scaled up. Each position looks at all earlier
positions through **causal self-attention**: position t computes a weighted average of
the earlier positions' values, with weights from how well its query matches their keys
(scaled dot products, then a softmax); a triangular mask forbids looking at later
positions, so the model predicts the next token from the past only, like every
autoregressive model. Positions are told apart by a learned position embedding, so the
context is at most ``block_size`` tokens. Lesson 07 writes attention out line by line;
this file is the reusable, tested version.

Configuration uses the course's one vocabulary: ``hidden`` (width), ``layers``,
``heads``, ``block_size``, ``vocab_size``, ``dropout``. Old configs and checkpoints that
say ``n_embd``, ``n_layer``, ``n_head`` (minGPT's names) still load, with a warning.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import InitVar, dataclass

import torch
import torch.nn.functional as F
from torch import nn

from genai_course.models.language_model import LanguageModel
from genai_course.validation import check_number, check_positive_int

OLD_NAMES = {"n_embd": "hidden", "n_layer": "layers", "n_head": "heads"}  # minGPT -> course


@dataclass
class TransformerConfig:
    """Shape of a :class:`TransformerLM`; checked when built, also when rebuilt from JSON."""

    vocab_size: int
    block_size: int = 128
    layers: int = 2
    heads: int = 4
    hidden: int = 128
    dropout: float = 0.0
    # minGPT's names, accepted so that old configs and checkpoints keep loading
    n_layer: InitVar[int | None] = None
    n_head: InitVar[int | None] = None
    n_embd: InitVar[int | None] = None

    def __post_init__(self, n_layer, n_head, n_embd):
        for old, value in (("n_layer", n_layer), ("n_head", n_head), ("n_embd", n_embd)):
            if value is not None:
                warnings.warn(
                    f"TransformerConfig({old}=...) is the old name; use "
                    f"{OLD_NAMES[old]}={value} instead.",
                    DeprecationWarning,
                    stacklevel=3,
                )
                setattr(self, OLD_NAMES[old], value)
        for name in ("vocab_size", "block_size", "layers", "heads", "hidden"):
            setattr(self, name, check_positive_int(name, getattr(self, name)))
        self.dropout = float(
            check_number("dropout", self.dropout, low=0, high=1, high_inclusive=False)
        )
        if self.hidden % self.heads:
            raise ValueError(
                f"hidden ({self.hidden}) must be a multiple of heads ({self.heads}): "
                "each head gets hidden // heads dimensions. Change one of them."
            )


class CausalSelfAttention(nn.Module):
    """Every position mixes the values of itself and the positions before it."""

    def __init__(self, config: TransformerConfig):
        super().__init__()
        self.heads = config.heads
        self.dropout = config.dropout
        self.qkv = nn.Linear(config.hidden, 3 * config.hidden)  # queries, keys, values at once
        self.proj = nn.Linear(config.hidden, config.hidden)
        self.drop = nn.Dropout(config.dropout)
        mask = torch.tril(torch.ones(config.block_size, config.block_size, dtype=torch.bool))
        self.register_buffer("mask", mask, persistent=False)

    def forward(self, x: torch.Tensor, return_weights: bool = False):
        B, T, C = x.shape
        q, k, v = self.qkv(x).split(C, dim=2)
        q, k, v = (t.view(B, T, self.heads, C // self.heads).transpose(1, 2) for t in (q, k, v))
        if return_weights:  # written out, to look at the weights
            scores = q @ k.transpose(-2, -1) / math.sqrt(k.shape[-1])  # (B, heads, T, T)
            scores = scores.masked_fill(~self.mask[:T, :T], float("-inf"))  # no looking ahead
            weights = scores.softmax(dim=-1)
            y = self.drop(weights) @ v
        else:  # the same maths in one fused call: faster, and what fit() trains with
            weights = None
            y = F.scaled_dot_product_attention(
                q, k, v, is_causal=True, dropout_p=self.dropout if self.training else 0.0
            )
        y = self.proj(y.transpose(1, 2).reshape(B, T, C))
        return (y, weights) if return_weights else y


class Block(nn.Module):
    """Attention (mix information across positions), then an MLP (per position)."""

    def __init__(self, config: TransformerConfig):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(config.hidden), nn.LayerNorm(config.hidden)
        self.attn = CausalSelfAttention(config)
        self.mlp = nn.Sequential(
            nn.Linear(config.hidden, 4 * config.hidden),
            nn.GELU(),
            nn.Linear(4 * config.hidden, config.hidden),
            nn.Dropout(config.dropout),
        )

    def forward(self, x: torch.Tensor, return_weights: bool = False):
        mixed = self.attn(self.ln1(x), return_weights)
        mixed, weights = mixed if return_weights else (mixed, None)
        x = x + mixed
        x = x + self.mlp(self.ln2(x))
        return (x, weights) if return_weights else x


class TransformerLM(LanguageModel):
    """Next-token model: ``forward(idx, targets) -> (logits, loss)``, makemore style."""

    def __init__(self, config: TransformerConfig | None = None, **overrides):
        super().__init__()
        if config is not None and overrides:
            raise TypeError("Pass either a TransformerConfig or keyword settings, not both.")
        config = config if config is not None else TransformerConfig(**overrides)
        if not isinstance(config, TransformerConfig):
            raise TypeError(
                f"config must be a TransformerConfig, got {type(config).__name__}; "
                "build one with TransformerConfig(vocab_size=..., hidden=..., ...)."
            )
        self.config = config
        self.block_size = config.block_size
        self.token = nn.Embedding(config.vocab_size, config.hidden)
        self.position = nn.Embedding(config.block_size, config.hidden)
        self.blocks = nn.ModuleList(Block(config) for _ in range(config.layers))
        self.ln = nn.LayerNorm(config.hidden)
        self.head = nn.Linear(config.hidden, config.vocab_size)

    def _embed(self, idx: torch.Tensor) -> torch.Tensor:
        B, T = self.check_idx(idx).shape
        if T > self.block_size:
            raise ValueError(
                f"The context holds at most block_size={self.block_size} tokens, got {T}; "
                "crop it (generate() does this for you)."
            )
        return self.token(idx) + self.position(torch.arange(T, device=idx.device))

    def forward(self, idx: torch.Tensor, targets: torch.Tensor | None = None):
        x = self._embed(idx)
        for block in self.blocks:
            x = block(x)
        logits = self.head(self.ln(x))
        return logits, self.next_token_loss(logits, targets)

    @torch.no_grad()
    def attention_maps(self, idx: torch.Tensor) -> list[torch.Tensor]:
        """One (batch, heads, T, T) tensor of attention weights per layer; row t sums to 1."""
        x, maps = self._embed(idx), []
        for block in self.blocks:
            x, weights = block(x, return_weights=True)
            maps.append(weights)
        return maps
