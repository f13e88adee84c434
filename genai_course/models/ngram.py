"""A count-based n-gram language model: the baseline every neural language model must beat.

An n-gram model predicts the next token from the previous ``n - 1`` tokens by counting:

    p(c | h) = count(h, c) / count(h)

where ``h`` is the context. Two problems, two fixes:

- a pair never seen in training gets probability 0 (an infinite loss on new text), so we
  add ``k`` pseudo-counts (**add-k smoothing**);
- a long context is often seen rarely or never, so those pseudo-counts are not spread
  uniformly but according to the next-shorter context's prediction (**backoff /
  interpolation**): with ``backoff=True``

      p_m(c | h) = (count(h, c) + k V p_{m-1}(c | h')) / (count(h) + k V)

  where ``h'`` drops the oldest token of ``h`` and ``V`` is the vocabulary size. An unseen
  context falls back entirely to the shorter one; a context seen often trusts its counts.
  The recursion ends at the uniform distribution 1/V. With ``backoff=False`` it is plain
  add-k: ``(count(h, c) + k) / (count(h) + k V)``.

The model shares the makemore interface of the neural models (``forward(idx, targets)
-> (logits, loss)``, ``block_size = n - 1``, ``generate``), but it is fitted by counting
(:meth:`NGramLM.fit_counts`), not by gradient descent.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from genai_course.models.language_model import LanguageModel, sequence_loss
from genai_course.validation import check_number, check_positive_int


@dataclass
class NGramConfig:
    vocab_size: int
    n: int = 2  # 2 = bigram: the next token given the previous one
    k: float = 0.1  # pseudo-counts per token (add-k smoothing)
    backoff: bool = True


class NGramLM(LanguageModel):
    """Counts of every context of length 0..n-1 and the token that followed it."""

    def __init__(self, config: NGramConfig | None = None, **overrides):
        super().__init__()
        config = config or NGramConfig(**overrides)
        check_positive_int("vocab_size", config.vocab_size)
        n = check_positive_int("n", config.n)
        if config.vocab_size ** (n - 1) >= 2**62:
            raise ValueError(
                f"n={n} is too large for a vocabulary of {config.vocab_size}: "
                "the contexts cannot be indexed. Use a smaller n."
            )
        check_number("k", config.k, low=0, low_inclusive=False)
        self.config = config
        self._orders = 0  # how many tables fit_counts has stored

    @property
    def tables(self) -> list[tuple[torch.Tensor, torch.Tensor]]:
        """tables[m] = (sorted context keys, counts (contexts, V)) for context length m.

        Stored as buffers, so ``model.to("cuda")`` moves the counts with the model."""
        return [
            (getattr(self, f"keys_{m}"), getattr(self, f"counts_{m}")) for m in range(self._orders)
        ]

    @property
    def block_size(self) -> int:
        return self.config.n - 1

    @property
    def table_size(self) -> int:
        """How many counts the model stores: it grows fast with n (up to V^n)."""
        return sum(counts.numel() for _, counts in self.tables)

    def _keys(self, idx: torch.Tensor, m: int) -> torch.Tensor:
        """An integer per position t naming the context idx[t-m+1..t] (valid for t >= m-1)."""
        V = self.config.vocab_size
        key = torch.zeros_like(idx)
        for j in range(m):  # idx[t - j] weighted by V^j
            key[..., m - 1 :] += idx[..., m - 1 - j : idx.shape[-1] - j] * V**j
        return key

    def fit_counts(self, ids: torch.Tensor) -> NGramLM:
        """Count every (context, next token) pair of the 1-D sequence ``ids``."""
        ids = self.check_idx(ids, ndim=1, name="ids")
        if len(ids) < self.config.n:
            raise ValueError(
                f"ids hold {len(ids)} tokens; an {self.config.n}-gram needs at least "
                f"{self.config.n}."
            )
        V = self.config.vocab_size
        ids = ids.to(self.device)
        for m in range(self.config.n):  # context length m = 0 (unigram) .. n-1
            if m == 0:  # the empty context: plain token frequencies
                context, target = torch.zeros_like(ids), ids
            else:  # the m tokens before each target ids[t], t >= m
                context, target = self._keys(ids[:-1], m)[m - 1 :], ids[m:]
            keys, row = torch.unique(context, return_inverse=True)
            counts = torch.zeros(len(keys), V, device=ids.device)
            counts.index_put_(
                (row, target), torch.ones(len(target), device=ids.device), accumulate=True
            )
            self.register_buffer(f"keys_{m}", keys, persistent=False)
            self.register_buffer(f"counts_{m}", counts, persistent=False)
        self._orders = self.config.n
        return self

    @property
    def device(self) -> torch.device:
        return self.keys_0.device if self._orders else torch.device("cpu")

    def _lookup(self, idx: torch.Tensor, m: int) -> torch.Tensor:
        """Counts (B, T, V) following the length-m context ending at each position (0 if unseen)."""
        keys, counts = self.tables[m]
        query = self._keys(idx, m) if m else torch.zeros_like(idx)
        pos = torch.searchsorted(keys, query).clamp(max=len(keys) - 1)
        found = (keys[pos] == query).unsqueeze(-1)
        return counts[pos] * found

    def forward(self, idx: torch.Tensor, targets: torch.Tensor | None = None):
        """Log-probabilities of the next token at every position (they serve as logits)."""
        if not self.tables:
            raise RuntimeError("This n-gram model has no counts yet: call fit_counts(ids) first.")
        idx = self.check_idx(idx)
        V, k = self.config.vocab_size, self.config.k
        B, T = idx.shape
        dev = self.keys_0.device
        idx = idx.to(dev)
        positions = torch.arange(T, device=dev).view(1, T, 1)
        prob = torch.full((B, T, V), 1.0 / V, device=dev)
        for m in range(self.config.n):
            counts = self._lookup(idx, m)
            if self.config.backoff:
                shorter = prob
            else:
                shorter = torch.full_like(prob, 1.0 / V)
            new = (counts + k * V * shorter) / (counts.sum(-1, keepdim=True) + k * V)
            # a position t has only t + 1 tokens of context: keep the shorter estimate there
            available = positions >= m - 1
            prob = torch.where(available, new, prob)
        logits = prob.log()
        return logits, self.next_token_loss(logits, targets)

    def counts(self, context_length: int = 1) -> torch.Tensor:
        """The full count table for one context length: (V, V) for bigrams (row = previous token)."""
        if not self.tables:
            raise RuntimeError("Call fit_counts(ids) first.")
        if context_length not in (0, 1):
            raise ValueError(
                "counts() returns dense tables for context_length 0 or 1 only "
                f"(longer ones would hold V^{context_length + 1} entries)."
            )
        keys, counts = self.tables[context_length]
        V = self.config.vocab_size
        table = torch.zeros(V if context_length else 1, V, device=counts.device)
        table[keys] = counts
        return table


def best_ngram(
    train_ids: torch.Tensor,
    valid_ids: torch.Tensor,
    orders=(2, 3, 4, 5),
    ks=(0.01, 0.1, 1.0),
    *,
    vocab_size: int | None = None,
    backoff: bool = True,
):
    """Fit an n-gram for every order and k; return the one with the lowest validation loss.

    Returns ``(model, validation_loss)``; ``model.search`` lists every (n, k, loss) tried.
    """
    if not orders or not ks:
        raise ValueError("orders and ks must each hold at least one value.")
    V = vocab_size or int(max(train_ids.max(), valid_ids.max())) + 1
    search = []
    best = (math.inf, None)
    for n in orders:
        model = NGramLM(NGramConfig(V, n=n, k=ks[0], backoff=backoff)).fit_counts(train_ids)
        for k in ks:
            model.config.k = check_number("k", k, low=0, low_inclusive=False)
            loss = sequence_loss(model, valid_ids)
            search.append((n, k, loss))
            if loss < best[0]:
                best = (loss, (n, k))
    n, k = best[1]
    model = NGramLM(NGramConfig(V, n=n, k=k, backoff=backoff)).fit_counts(train_ids)
    model.search = search
    return model, best[0]
