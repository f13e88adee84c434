"""Byte-pair encoding (BPE): the sub-word tokens of GPT-2, GPT-3, GPT-4, Llama and BLOOM.

Written for learners, after Karpathy's minbpe. Text becomes UTF-8 bytes (ids 0..255, so
nothing is ever "unknown"); training then repeats one step: find the most frequent
adjacent pair of ids and replace it everywhere by a new id. Each merge adds one token to
the vocabulary and shortens the text. Encoding new text replays the merges in the order
they were learned; decoding concatenates each token's bytes.

As in GPT-2 (Radford et al. 2019), text is first cut into chunks (words with their
leading space, runs of punctuation, single digits, whitespace) and pairs never cross a
chunk boundary, so "dog." and "dog!" share the token " dog". Digits are kept one per
chunk, as Llama's tokenizer does (Touvron et al. 2023), so numbers are never merged into
arbitrary pieces. ``pattern=None`` treats the whole text as one chunk (minbpe's
``BasicTokenizer``). Training counts each distinct chunk once, weighted by its frequency,
which is what makes it fast enough for a lesson.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from genai_course.validation import check_positive_int

Pair = tuple[int, int]

# a word with its leading space, one digit, a run of other symbols, or whitespace
CHUNK_PATTERN = r" ?[A-Za-z]+| ?[0-9]| ?[^\sA-Za-z0-9]+|\s+(?!\S)|\s+"


def pair_counts(ids: Iterable[int], counts: Counter | None = None, weight: int = 1) -> Counter:
    """How often each adjacent pair occurs: ``[1, 2, 1, 2]`` -> ``{(1, 2): 2, (2, 1): 1}``."""
    counts = Counter() if counts is None else counts
    ids = list(ids)
    for pair in zip(ids, ids[1:], strict=False):
        counts[pair] += weight
    return counts


def merge_pair(ids: list[int], pair: Pair, new_id: int) -> list[int]:
    """Replace every non-overlapping occurrence of ``pair``, left to right, by ``new_id``."""
    out, i = [], 0
    while i < len(ids):
        if i + 1 < len(ids) and ids[i] == pair[0] and ids[i + 1] == pair[1]:
            out.append(new_id)
            i += 2
        else:
            out.append(ids[i])
            i += 1
    return out


class BPETokenizer:
    """A trained byte-pair tokenizer: ``encode(text) -> list[int]``, ``decode(ids) -> str``."""

    def __init__(self, merges: Iterable[Pair] = (), *, pattern: str | None = CHUNK_PATTERN):
        self.merges: dict[Pair, int] = {}
        self.vocab: dict[int, bytes] = {i: bytes([i]) for i in range(256)}
        for pair in merges:
            a, b = (int(x) for x in pair)
            if a not in self.vocab or b not in self.vocab:
                raise ValueError(
                    f"merge {pair} uses an id that no earlier merge made; merges "
                    "must be listed in the order they were learned."
                )
            new_id = 256 + len(self.merges)
            self.merges[(a, b)] = new_id
            self.vocab[new_id] = self.vocab[a] + self.vocab[b]
        self.pattern = pattern
        self._split = (
            re.compile(pattern).findall if pattern else (lambda text: [text] if text else [])
        )
        self._cache: dict[str, list[int]] = {}

    @classmethod
    def train(
        cls, text: str, vocab_size: int, *, pattern: str | None = CHUNK_PATTERN
    ) -> BPETokenizer:
        """Learn ``vocab_size - 256`` merges from ``text``, most frequent pair first.

        A tie goes to the pair counted first, so training is deterministic.
        Stops early when no pair occurs twice (nothing left worth merging).
        """
        if not isinstance(text, str) or not text:
            raise ValueError("text must be a non-empty string to learn merges from.")
        vocab_size = check_positive_int("vocab_size", vocab_size)
        if vocab_size < 256:
            raise ValueError(
                f"vocab_size must be at least 256 (one token per byte), got {vocab_size}."
            )
        tokenizer = cls(pattern=pattern)
        chunks = Counter(tokenizer._split(text))  # each distinct chunk once, with its count
        words = [(list(chunk.encode("utf-8")), n) for chunk, n in chunks.items()]
        counts = Counter()
        for ids, n in words:
            pair_counts(ids, counts, n)
        merges = []
        for new_id in range(256, vocab_size):
            if not counts:
                break
            pair, n = max(counts.items(), key=lambda item: item[1])  # first seen wins a tie
            if n < 2:
                break
            merges.append(pair)
            for w, (ids, n) in enumerate(words):  # only words holding the pair change
                if (
                    len(ids) < 2
                    or pair[0] not in ids
                    or pair not in zip(ids, ids[1:], strict=False)
                ):
                    continue
                merged = merge_pair(ids, pair, new_id)
                pair_counts(ids, counts, -n)  # take the old pairs out, put the new ones in
                pair_counts(merged, counts, n)
                words[w] = (merged, n)
            counts = +counts  # drop pairs whose count fell to zero
        return cls(merges, pattern=pattern)

    @property
    def vocab_size(self) -> int:
        return len(self.vocab)

    def _encode_chunk(self, chunk: str) -> list[int]:
        if chunk in self._cache:
            return self._cache[chunk]
        ids = list(chunk.encode("utf-8"))
        while len(ids) > 1:  # apply the earliest-learned merge present, as training did
            pair = min(
                zip(ids, ids[1:], strict=False), key=lambda p: self.merges.get(p, float("inf"))
            )
            if pair not in self.merges:
                break
            ids = merge_pair(ids, pair, self.merges[pair])
        self._cache[chunk] = ids
        return ids

    def encode(self, text: str) -> list[int]:
        if not isinstance(text, str):
            raise TypeError(f"text must be a string, got {type(text).__name__}.")
        return [i for chunk in self._split(text) for i in self._encode_chunk(chunk)]

    def decode(self, ids: Iterable[int]) -> str:
        ids = [int(i) for i in ids]
        unknown = [i for i in ids if i not in self.vocab]
        if unknown:
            raise ValueError(
                f"ids {unknown[:5]} are not in this tokenizer's vocabulary of "
                f"{self.vocab_size}; were they made by another tokenizer?"
            )
        return b"".join(self.vocab[i] for i in ids).decode("utf-8", errors="replace")

    def tokens(self, text: str) -> list[str]:
        """The pieces ``text`` is cut into, as strings (for looking at tokens)."""
        return [self.vocab[i].decode("utf-8", errors="replace") for i in self.encode(text)]

    def to_dict(self) -> dict:
        return {"merges": [list(pair) for pair in self.merges], "pattern": self.pattern}

    @classmethod
    def from_dict(cls, data: dict) -> BPETokenizer:
        return cls([tuple(pair) for pair in data["merges"]], pattern=data.get("pattern"))

    def __repr__(self) -> str:
        return f"BPETokenizer(vocab_size={self.vocab_size}, pattern={'words' if self.pattern else None})"


def compression_ratio(tokenizer: BPETokenizer, text: str) -> float:
    """UTF-8 bytes per token: how many times shorter the text is as tokens than as bytes."""
    return len(text.encode("utf-8")) / max(1, len(tokenizer.encode(text)))
