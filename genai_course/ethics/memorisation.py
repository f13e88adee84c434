"""Has a generator copied its training data? Detectors for text, melodies and images.

- **Text and token sequences** (characters, note tokens): the longest stretch of a
  generated sequence that appears *verbatim* in the training corpus, and the fraction of
  its n-grams that do. A long verbatim run is the textual version of a near-copy: a
  language model that reproduces 200 characters of its training text is quoting, not
  writing.
- **Images**: the nearest training image of each sample (the same distance as
  :mod:`genai_course.metrics.novelty`, plus *which* training image, so you can look).

How the longest overlap is found fast. The training corpus has ~465,000 characters, a
generated text a few hundred. "Is there a common substring of length L?" is answered for
all positions at once by hashing every length-L window of both sequences (a polynomial
rolling hash, computed with NumPy in one pass) and intersecting the two sets of hashes.
If a common substring of length L exists, one of length L - 1 does too, so the longest
length is found by doubling L and then by binary search: about 2 log2(L) set
intersections instead of comparing every pair of positions. The hashes of the corpus
are cached per L in a :class:`CorpusIndex`, so checking many texts costs little more than
checking one. The final answer is checked character by character (hashes can collide).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

from genai_course.validation import check_positive_int, check_tensor

_BASE = np.uint64(0x9E3779B97F4A7C15 | 1)  # odd, so it has an inverse modulo 2**64


def _inverse_mod_2_64(a: int) -> int:
    return pow(a, -1, 2**64)


def _as_codes(sequence, name: str) -> np.ndarray:
    """A string or a sequence of integer tokens as an array of non-negative codes."""
    if isinstance(sequence, str):
        return np.frombuffer(sequence.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if isinstance(sequence, torch.Tensor):
        sequence = sequence.detach().cpu().numpy()
    try:
        array = np.asarray(sequence)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{name} must be a string or a sequence of integer tokens.") from error
    if array.ndim != 1 or (array.size and not np.issubdtype(array.dtype, np.integer)):
        raise TypeError(
            f"{name} must be a string or a 1-D sequence of integer tokens, got "
            f"{type(sequence).__name__} with shape {array.shape} and dtype {array.dtype}."
        )
    if array.size and array.min() < 0:
        raise ValueError(f"{name} holds negative token ids; token ids must be >= 0.")
    return array.astype(np.uint64)


class _Hasher:
    """Polynomial hashes of every window of a sequence, modulo 2**64 (NumPy wraps)."""

    def __init__(self, codes: np.ndarray):
        n = len(codes)
        inverse = np.uint64(_inverse_mod_2_64(int(_BASE)))
        with np.errstate(over="ignore"):
            self.power = (
                np.cumprod(np.concatenate([[np.uint64(1)], np.full(n, _BASE)]))[:-1]
                if n
                else np.zeros(0, np.uint64)
            )
            inverse_power = (
                np.cumprod(np.concatenate([[np.uint64(1)], np.full(n, inverse)]))[:-1]
                if n
                else np.zeros(0, np.uint64)
            )
            # prefix[i] = sum_{j < i} (code_j + 1) * BASE**(-j)
            self.prefix = np.concatenate([[np.uint64(0)], np.cumsum((codes + 1) * inverse_power)])
        self.n = n

    def windows(self, length: int) -> np.ndarray:
        """Hash of window [i, i + length) for every start i, independent of i."""
        if length > self.n:
            return np.zeros(0, np.uint64)
        with np.errstate(over="ignore"):
            return (self.prefix[length:] - self.prefix[:-length]) * self.power[
                : self.n - length + 1
            ]


class CorpusIndex:
    """A training corpus prepared for overlap queries (build it once, query many times).

    ``corpus`` is one string, one sequence of integer tokens, or a list of documents
    (strings or token sequences, e.g. one melody each). Documents are joined with a
    separator that no query contains, so a match never spans two documents.
    """

    def __init__(self, corpus):
        if isinstance(corpus, CorpusIndex):
            raise TypeError("corpus is already a CorpusIndex; use it directly.")
        documents = [corpus] if isinstance(corpus, str) or _is_token_sequence(corpus) else corpus
        if not isinstance(documents, (list, tuple)) or not documents:
            raise TypeError(
                "corpus must be a string, a sequence of integer tokens, or a "
                f"non-empty list of them; got {type(corpus).__name__}."
            )
        pieces, starts, position = [], [], 0
        self.is_text = all(isinstance(d, str) for d in documents)
        separator = np.array([np.iinfo(np.uint64).max - 1], dtype=np.uint64)
        for i, document in enumerate(documents):
            codes = _as_codes(document, f"corpus document {i}")
            if i:
                pieces.append(separator)
                position += 1
            starts.append(position)
            pieces.append(codes)
            position += len(codes)
        self.codes = np.concatenate(pieces)
        if len(self.codes) == 0:
            raise ValueError("corpus is empty: there is nothing to compare against.")
        self.document_starts = np.array(starts)
        self.documents = list(documents)
        self._hasher = _Hasher(self.codes)
        self._sorted: dict[int, np.ndarray] = {}
        self._bytes: bytes | None = None

    def __len__(self) -> int:
        return len(self.codes)

    def __repr__(self) -> str:
        return f"CorpusIndex({len(self.documents)} document(s), {len(self)} tokens)"

    def window_hashes(self, length: int) -> np.ndarray:
        """Sorted hashes of every length-``length`` window of the corpus (cached)."""
        if length not in self._sorted:
            if len(self._sorted) > 48:
                self._sorted.pop(next(iter(self._sorted)))
            self._sorted[length] = np.sort(self._hasher.windows(length))
        return self._sorted[length]

    def found(self, query_hashes: np.ndarray, length: int) -> np.ndarray:
        """Which of ``query_hashes`` (windows of ``length``) occur in the corpus."""
        table = self.window_hashes(length)
        if len(table) == 0 or len(query_hashes) == 0:
            return np.zeros(len(query_hashes), dtype=bool)
        where = np.searchsorted(table, query_hashes).clip(max=len(table) - 1)
        return table[where] == query_hashes

    def locate(self, query_codes: np.ndarray) -> int:
        """Start of the first exact occurrence of ``query_codes`` in the corpus, or -1."""
        if len(query_codes) == 0:
            return 0
        if self._bytes is None:
            self._bytes = self.codes.tobytes()
        pattern = np.ascontiguousarray(query_codes, dtype=np.uint64).tobytes()
        position = self._bytes.find(pattern)
        while position >= 0 and position % 8:  # a match must start on a token boundary
            position = self._bytes.find(pattern, position + 1)
        return position // 8 if position >= 0 else -1

    def document_of(self, position: int) -> int:
        """Index of the document holding corpus position ``position``."""
        return int(np.searchsorted(self.document_starts, position, side="right") - 1)


def _is_token_sequence(value) -> bool:
    if isinstance(value, torch.Tensor):
        return value.ndim == 1
    if isinstance(value, np.ndarray):
        return value.ndim == 1
    return (
        isinstance(value, Sequence)
        and not isinstance(value, str)
        and len(value) > 0
        and all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in value)
    )


def _index(corpus) -> CorpusIndex:
    return corpus if isinstance(corpus, CorpusIndex) else CorpusIndex(corpus)


@dataclass(frozen=True)
class Overlap:
    """The longest stretch of ``generated`` found verbatim in the training corpus."""

    length: int  # tokens (characters for text) in the longest common stretch
    generated_start: int  # where it starts in the generated sequence
    corpus_start: int  # where it starts in the joined corpus (-1 when length is 0)
    document: int  # which training document it comes from (-1 when length is 0)
    match: object  # the copied stretch itself (a string for text)

    def __str__(self) -> str:
        shown = repr(self.match) if isinstance(self.match, str) else str(list(self.match))
        if len(shown) > 90:
            shown = shown[:87] + "..."
        return f"longest verbatim overlap: {self.length} tokens {shown}"


def _longest_length(query: np.ndarray, index: CorpusIndex) -> tuple[int, int]:
    """Longest L such that some length-L window of ``query`` is in the corpus; its start."""
    hasher = _Hasher(query)

    def hit(length: int) -> int:
        hashes = hasher.windows(length)
        found = np.flatnonzero(index.found(hashes, length))
        for start in found:  # confirm exactly: a hash can collide
            if index.locate(query[start : start + length]) >= 0:
                return int(start)
        return -1

    if len(query) == 0 or hit(1) < 0:
        return 0, 0
    low, low_start, high = 1, hit(1), None  # invariant: hit(low) >= 0, hit(high) < 0
    step = 8
    while high is None:
        probe = min(low + step, len(query))
        start = hit(probe)
        if start >= 0:
            low, low_start = probe, start
            if probe == len(query):
                return low, low_start
            step *= 2
        else:
            high = probe
    while high - low > 1:
        middle = (low + high) // 2
        start = hit(middle)
        if start >= 0:
            low, low_start = middle, start
        else:
            high = middle
    return low, low_start


def longest_verbatim_overlap(generated, corpus) -> Overlap:
    """The longest part of ``generated`` that occurs word for word in ``corpus``.

    ``generated`` is a string or a sequence of integer tokens; ``corpus`` is a
    :class:`CorpusIndex` (fastest when checking several texts) or anything it accepts.
    """
    index = _index(corpus)
    query = _as_codes(generated, "generated")
    length, start = _longest_length(query, index)
    if length == 0:
        return Overlap(0, 0, -1, -1, "" if isinstance(generated, str) else [])
    corpus_start = index.locate(query[start : start + length])
    match = generated[start : start + length]
    if isinstance(match, torch.Tensor):
        match = match.tolist()
    return Overlap(length, start, corpus_start, index.document_of(corpus_start), match)


def ngram_copies(generated, corpus, n: int) -> np.ndarray:
    """For each n-gram of ``generated`` (one per start position), whether it also occurs in
    the training corpus: a boolean array of ``len(generated) - n + 1`` entries.

    Found by hash (no character-by-character check), so a collision could in principle mark
    a new n-gram as copied; with 64-bit hashes that is vanishingly rare.
    """
    n = check_positive_int("n", n)
    index = _index(corpus)
    query = _as_codes(generated, "generated")
    if len(query) < n:
        raise ValueError(
            f"generated holds {len(query)} tokens, fewer than n={n}; "
            "use a shorter n or a longer sequence."
        )
    return index.found(_Hasher(query).windows(n), n)


def repeated_targets(ids, corpus, length: int) -> torch.Tensor:
    """For next-token prediction on ``ids``: which targets continue a passage of the corpus.

    Entry ``i`` (one per prediction, ``len(ids) - 1`` in all) is True when the ``length``
    tokens ending at the target ``ids[i + 1]`` occur verbatim in ``corpus``: a model that
    has stored the corpus (an n-gram's table) can read that target off. Targets with fewer
    than ``length`` tokens up to them are False.
    """
    length = check_positive_int("length", length)
    query = _as_codes(ids, "ids")
    repeated = torch.zeros(max(len(query) - 1, 0), dtype=torch.bool)
    if len(query) >= max(length, 2):
        found = torch.as_tensor(ngram_copies(query, corpus, length))
        # the window starting at s ends at ids[s + length - 1], the target of prediction
        # s + length - 2 (for length 1 the first window has no prediction: skip it)
        shift = length - 2
        repeated[max(shift, 0) :] = found[max(-shift, 0) :]
    return repeated


def ngram_copy_fraction(generated, corpus, n: int) -> float:
    """Fraction of the n-grams of ``generated`` that also occur in the training corpus.

    For melodies (note tokens) or text. Even a new sequence shares many short n-grams
    with its training data (common words, scale steps); compare against held-out real
    data of the same length to know what "normal" is.
    """
    return float(ngram_copies(generated, corpus, n).mean())


@torch.no_grad()
def nearest_training_examples(samples, training, *, chunk: int = 1024):
    """For each sample: distance to its nearest training example, and that example's index.

    The same Euclidean distance as :func:`genai_course.metrics.nearest_neighbour_distances`
    (pixel by pixel for images); the index lets you show each sample beside its closest
    training image and judge the copy yourself.
    """
    samples = check_tensor("samples", samples, min_len=1)
    training = check_tensor("training", training, min_len=1)
    if samples.ndim < 2 or training.ndim < 2:
        raise ValueError("samples and training must have one row per example (shape (N, ...)).")
    a = samples.reshape(len(samples), -1).float()
    b = training.reshape(len(training), -1).float()
    if a.shape[1] != b.shape[1]:
        raise ValueError(
            f"samples have {a.shape[1]} values per example but training has "
            f"{b.shape[1]}; compare examples of the same shape."
        )
    distances, indices = [], []
    for part in a.split(chunk):
        d = torch.cdist(part, b, compute_mode="donot_use_mm_for_euclid_dist")
        best = d.min(dim=1)
        distances.append(best.values)
        indices.append(best.indices)
    return torch.cat(distances), torch.cat(indices)
