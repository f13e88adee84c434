"""A fixed-context neural language model (Bengio et al., 2003), makemore style.

To predict the next token it looks up a learned vector (an *embedding*) for each of the
last ``block_size`` tokens, concatenates them and passes them through a small MLP.
Unlike an n-gram table, which needs a row for every context it has seen, the network
shares what it learns between similar contexts, so a longer context costs only a few
more weights (``block_size x embed_dim`` more inputs), not V times more counts.

Positions near the start of a sequence have fewer than ``block_size`` tokens before them:
they are padded with an extra "start" token (id ``vocab_size``), as in makemore.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from genai_course.models.language_model import LanguageModel
from genai_course.validation import check_positive_int


@dataclass
class MLPConfig:
    vocab_size: int
    block_size: int = 8  # how many previous tokens the model sees
    embed_dim: int = 16
    hidden: int = 128

    def __post_init__(self):
        for name in ("vocab_size", "block_size", "embed_dim", "hidden"):
            check_positive_int(name, getattr(self, name))


class MLPLM(LanguageModel):
    """Next-token model over a fixed window: ``forward(idx, targets) -> (logits, loss)``."""

    def __init__(self, config: MLPConfig | None = None, **overrides):
        super().__init__()
        config = config or MLPConfig(**overrides)
        self.config = config
        self.block_size = config.block_size
        self.embed = nn.Embedding(config.vocab_size + 1, config.embed_dim)  # +1: the start token
        self.mlp = nn.Sequential(
            nn.Linear(config.block_size * config.embed_dim, config.hidden),
            nn.Tanh(),
            nn.Linear(config.hidden, config.vocab_size),
        )

    def forward(self, idx: torch.Tensor, targets: torch.Tensor | None = None):
        idx = self.check_idx(idx)
        B, T = idx.shape
        start = torch.full(
            (B, self.block_size - 1), self.config.vocab_size, dtype=torch.long, device=idx.device
        )
        padded = torch.cat([start, idx], dim=1)  # (B, block_size - 1 + T)
        windows = padded.unfold(1, self.block_size, 1)  # (B, T, block_size): tokens up to t
        x = self.embed(windows).flatten(2)  # (B, T, block_size * embed_dim)
        logits = self.mlp(x)  # (B, T, vocab)
        return logits, self.next_token_loss(logits, targets)
