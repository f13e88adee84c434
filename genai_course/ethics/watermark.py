"""A statistical watermark for generated text (Kirchenbauer et al., 2023).

"A Watermark for Large Language Models" (ICML 2023, arXiv:2301.10226) marks text *while it
is sampled*, invisibly, and lets anyone who holds the key detect it without the model:

1. **Green list.** Before choosing token t, seed a random generator with the secret key and
   the previous token t-1, and use it to split the vocabulary: a fraction ``gamma`` of the
   tokens is "green", the rest "red". The split looks random but is reproducible.
2. **Soft rule.** Add ``delta`` to the logits of the green tokens, then sample as usual.
   Where the model is unsure (many plausible next tokens) this tips the choice towards
   green; where it is sure (one obvious next token) the text barely changes.
3. **Detection.** Without the watermark a token is green with probability ``gamma``. Count
   the green tokens |s|_G among the T scored tokens and compute the one-proportion z-test
   of the paper,

       z = (|s|_G - gamma T) / sqrt(T gamma (1 - gamma)).

   Ordinary text gives z near 0; watermarked text gives a large z (the paper flags text
   with z > 4, a one-sided false-positive probability of about 3e-5 under the normal
   approximation).

Edits weaken the watermark: changing one token changes the green list of the next one,
so each edit can spoil two scored positions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from genai_course.validation import check_number, check_positive_int

DEFAULT_KEY = 15485863  # any secret integer; this large prime is the paper's code default


@dataclass(frozen=True)
class Detection:
    """The outcome of the z-test on one text."""

    green: int  # tokens that fell in their green list
    scored: int  # tokens scored (all but the first, which has no previous token)
    z: float  # (green - gamma * scored) / sqrt(scored * gamma * (1 - gamma))
    p_value: float  # one-sided, normal approximation: P(Z >= z) for unmarked text
    threshold: float  # z above which the text is called watermarked

    @property
    def watermarked(self) -> bool:
        return self.z > self.threshold

    @property
    def green_fraction(self) -> float:
        return self.green / self.scored

    def __str__(self) -> str:
        verdict = "watermarked" if self.watermarked else "not detected"
        return (
            f"{self.green}/{self.scored} green ({self.green_fraction:.0%}), "
            f"z = {self.z:.2f}, p = {self.p_value:.1e}: {verdict}"
        )


class GreenListWatermark:
    """A keyed green list over a vocabulary of ``vocab_size`` tokens.

    Use ``logits_hook`` (or the object itself) as the ``logits_hook=`` of
    :func:`genai_course.sampling.generate` to watermark while sampling, and
    :meth:`detect` to test a token sequence.
    """

    def __init__(
        self,
        vocab_size: int,
        *,
        gamma: float = 0.25,
        delta: float = 2.0,
        key: int = DEFAULT_KEY,
        z_threshold: float = 4.0,
    ):
        self.vocab_size = check_positive_int("vocab_size", vocab_size)
        if vocab_size < 2:
            raise ValueError("vocab_size must be at least 2 to split it into green and red.")
        self.gamma = check_number(
            "gamma", gamma, low=0, high=1, low_inclusive=False, high_inclusive=False
        )
        self.delta = check_number("delta", delta, low=0)
        self.key = check_positive_int("key", key, allow_zero=True)
        self.z_threshold = check_number("z_threshold", z_threshold)
        self.green_size = max(1, min(vocab_size - 1, round(self.gamma * vocab_size)))
        self._masks = self._all_green_lists()

    def __repr__(self) -> str:
        return (
            f"GreenListWatermark(vocab_size={self.vocab_size}, gamma={self.gamma}, "
            f"delta={self.delta}, green tokens per step={self.green_size})"
        )

    def green_list(self, previous_token: int) -> torch.Tensor:
        """The green token ids after ``previous_token`` (a random permutation's first gamma*V)."""
        g = torch.Generator().manual_seed(self.key * (int(previous_token) + 1) % (2**63 - 1))
        return torch.randperm(self.vocab_size, generator=g)[: self.green_size]

    def _all_green_lists(self) -> torch.Tensor:
        # Character vocabularies are small, so every green list is computed once:
        # masks[p, t] is True when token t is green after token p.
        masks = torch.zeros(self.vocab_size, self.vocab_size, dtype=torch.bool)
        for previous in range(self.vocab_size):
            masks[previous, self.green_list(previous)] = True
        return masks

    def _check_tokens(self, tokens) -> torch.Tensor:
        if isinstance(tokens, torch.Tensor):
            tokens = tokens.detach().cpu()
        else:
            tokens = torch.as_tensor(tokens)
        if tokens.ndim != 1 or tokens.dtype not in (
            torch.int64,
            torch.int32,
            torch.int16,
            torch.uint8,
        ):
            raise ValueError(
                "tokens must be a 1-D sequence of integer token ids, got "
                f"{tokens.dtype} of shape {tuple(tokens.shape)}."
            )
        if len(tokens) and (tokens.min() < 0 or tokens.max() >= self.vocab_size):
            raise ValueError(
                f"token ids must lie in [0, {self.vocab_size}), got "
                f"[{int(tokens.min())}, {int(tokens.max())}]."
            )
        return tokens.long()

    def logits_hook(self, logits: torch.Tensor, idx: torch.Tensor) -> torch.Tensor:
        """Add ``delta`` to the green logits of each row, keyed by that row's last token."""
        if logits.ndim != 2 or logits.shape[-1] != self.vocab_size:
            raise ValueError(
                f"logits must have shape (batch, {self.vocab_size}), got "
                f"{tuple(logits.shape)}; is the watermark's vocab_size the model's?"
            )
        green = self._masks[idx[:, -1].cpu()].to(logits.device)
        return logits + self.delta * green.to(logits.dtype)

    __call__ = logits_hook

    def green_flags(self, tokens) -> torch.Tensor:
        """For tokens[1:], whether each fell in the green list of the token before it."""
        tokens = self._check_tokens(tokens)
        return self._masks[tokens[:-1], tokens[1:]]

    def detect(self, tokens, *, ignore_repeated: bool = False) -> Detection:
        """The z-test of the paper on a sequence of token ids.

        The test assumes every scored token is an independent draw. Real text repeats
        itself (indentation, "the", table rules), and a repeated (previous, next) pair is
        green every time or never. ``ignore_repeated=True`` scores each distinct pair once,
        as the paper's code can, which keeps the false-positive rate near its nominal value.
        """
        flags = self.green_flags(tokens)
        if ignore_repeated:
            tokens = self._check_tokens(tokens)
            pairs = (tokens[:-1] * self.vocab_size + tokens[1:]).tolist()
            first = {}
            for position, pair in enumerate(pairs):
                first.setdefault(pair, position)
            flags = flags[sorted(first.values())]
        scored = len(flags)
        if scored < 1:
            raise ValueError(
                "Need at least 2 tokens to score a watermark (the first token "
                "has no previous token); pass a longer text."
            )
        green = int(flags.sum())
        z = (green - self.gamma * scored) / math.sqrt(scored * self.gamma * (1 - self.gamma))
        p_value = 0.5 * math.erfc(z / math.sqrt(2))
        return Detection(green, scored, z, p_value, self.z_threshold)


def random_edits(
    tokens, fraction: float, vocab_size: int, *, generator: torch.Generator | None = None
) -> torch.Tensor:
    """Replace a random ``fraction`` of the tokens by random other tokens (an edit attack)."""
    fraction = check_number("fraction", fraction, low=0, high=1)
    vocab_size = check_positive_int("vocab_size", vocab_size)
    tokens = torch.as_tensor(tokens).long().clone()
    if tokens.ndim != 1:
        raise ValueError(f"tokens must be 1-D, got shape {tuple(tokens.shape)}.")
    n_edits = round(fraction * len(tokens))
    where = torch.randperm(len(tokens), generator=generator)[:n_edits]
    shift = torch.randint(1, vocab_size, (n_edits,), generator=generator)
    tokens[where] = (tokens[where] + shift) % vocab_size  # always a different token
    return tokens
