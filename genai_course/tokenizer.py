"""A character tokenizer: text <-> a sequence of integer ids, one id per character.

A language model works with numbers, not letters. The simplest tokenizer gives every
distinct character of a corpus its own id (its position in the sorted list of
characters). Large models use sub-word tokens (GPT-3 has about 50,000 of them), but
the idea is the same: a fixed vocabulary, ``encode`` to ids, ``decode`` back to text.

A character the tokenizer never saw has no id. Rather than failing deep inside the
model, :meth:`CharTokenizer.encode` lists those characters and says what to do:
``errors="replace"`` maps them to a replacement character of the vocabulary,
``errors="ignore"`` drops them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import torch

from genai_course.validation import check_choice

ERRORS = ("strict", "replace", "ignore")


class CharTokenizer:
    """One id per character: ``encode(str) -> LongTensor``, ``decode(ids) -> str``."""

    def __init__(self, chars: Iterable[str], *, replacement: str | None = None):
        chars = list(chars)
        if not chars or not all(isinstance(c, str) and len(c) == 1 for c in chars):
            raise ValueError("chars must be a non-empty sequence of single characters.")
        if len(set(chars)) != len(chars):
            raise ValueError("chars must not repeat a character.")
        self.chars = chars
        self.stoi = {c: i for i, c in enumerate(chars)}
        if replacement is None:  # a sensible default stand-in for unknown characters
            replacement = next((c for c in ("?", " ", chars[0]) if c in self.stoi), chars[0])
        if replacement not in self.stoi:
            raise ValueError(
                f"replacement {replacement!r} is not in the vocabulary; "
                "choose one of its characters."
            )
        self.replacement = replacement

    @classmethod
    def from_text(cls, text: str, *, replacement: str | None = None) -> CharTokenizer:
        """The vocabulary of ``text``: its distinct characters, sorted."""
        if not isinstance(text, str) or not text:
            raise ValueError(
                f"text must be a non-empty string, got {type(text).__name__} "
                f"of length {len(text) if isinstance(text, str) else 'n/a'}."
            )
        return cls(sorted(set(text)), replacement=replacement)

    def extended(self, text: str) -> CharTokenizer:
        """This vocabulary plus the new characters of ``text``, added after the old ones (so
        every old id is unchanged): the tokenizer for fine-tuning a model on new text, with
        :func:`genai_course.models.language_model.grow_vocabulary`."""
        new = sorted(set(text) - set(self.chars))
        return CharTokenizer(self.chars + new, replacement=self.replacement)

    @property
    def vocab_size(self) -> int:
        return len(self.chars)

    def __len__(self) -> int:
        return self.vocab_size

    def __repr__(self) -> str:
        return f"CharTokenizer(vocab_size={self.vocab_size})"

    def unknown_characters(self, text: str) -> Counter:
        """The characters of ``text`` outside the vocabulary, with how often each occurs."""
        return Counter(c for c in text if c not in self.stoi)

    def encode(self, text: str, *, errors: str = "strict") -> torch.Tensor:
        """Turn ``text`` into a 1-D tensor of ids (dtype ``torch.long``).

        ``errors``: ``"strict"`` raises on characters outside the vocabulary (naming
        them), ``"replace"`` maps them to ``self.replacement``, ``"ignore"`` drops them.
        """
        if not isinstance(text, str):
            raise TypeError(f"encode() takes a string, got {type(text).__name__}.")
        check_choice("errors", errors, ERRORS)
        unknown = self.unknown_characters(text)
        if unknown and errors == "strict":
            listed = ", ".join(f"{c!r} ({n}x)" for c, n in unknown.most_common(10))
            more = f" and {len(unknown) - 10} more" if len(unknown) > 10 else ""
            raise ValueError(
                f"The tokenizer cannot encode {len(unknown)} character(s) outside its "
                f"vocabulary of {self.vocab_size}: {listed}{more}. Pass errors='replace' to map "
                f"them to {self.replacement!r}, or errors='ignore' to drop them."
            )
        if errors == "replace":
            ids = [self.stoi.get(c, self.stoi[self.replacement]) for c in text]
        else:
            ids = [self.stoi[c] for c in text if c in self.stoi]
        return torch.tensor(
            ids, dtype=torch.long, device="cpu"
        )  # data live on the CPU, as datasets do

    def decode(self, ids) -> str:
        """Turn ids (a 1-D tensor or a list of ints) back into text."""
        if isinstance(ids, torch.Tensor):
            if ids.ndim != 1:
                raise ValueError(
                    f"decode() takes a 1-D sequence of ids, got shape {tuple(ids.shape)}; "
                    "decode one row at a time (e.g. ids[0])."
                )
            ids = ids.tolist()
        ids = list(ids)
        bad = [i for i in ids if not isinstance(i, int) or not 0 <= i < self.vocab_size]
        if bad:
            raise ValueError(f"ids must be integers in [0, {self.vocab_size}); got {bad[:5]}.")
        return "".join(self.chars[i] for i in ids)

    def to_dict(self) -> dict:
        """A JSON-friendly description, stored in a checkpoint's metadata."""
        return {"chars": "".join(self.chars), "replacement": self.replacement}

    @classmethod
    def from_dict(cls, data: dict) -> CharTokenizer:
        if not isinstance(data, dict) or "chars" not in data:
            raise ValueError("A tokenizer dict needs a 'chars' entry (see CharTokenizer.to_dict).")
        return cls(list(data["chars"]), replacement=data.get("replacement"))
