"""A blocklist content filter, and a measurement of how it fails.

The simplest guard on generated text is a list of blocked words. It fails in two
directions, and both can be measured:

- **misses** (false negatives): a blocked word written differently gets through:
  ``H E C K``, ``h3ck``, ``he.ck``, a look-alike letter from another alphabet;
- **false alarms** (false positives): an innocent word that *contains* a blocked string
  is blocked: "check" contains "heck", "danger" contains "dang". This is the
  *Scunthorpe problem*, named after an English town whose residents were blocked by
  AOL's profanity filter in 1996.

Normalising the text before matching (undo spacing, punctuation and digit-for-letter
swaps) catches more variants but raises more false alarms: a trade-off, not a fix.
Real moderation systems add trained classifiers, context and human review.

The course's blocklist is deliberately mild (minced oaths like "heck"): the point is the
mechanism, not the words.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from genai_course.validation import check_choice

MILD_BLOCKLIST = ("heck", "dang", "darn", "gosh")
MODES = ("substring", "word")

# digits and symbols commonly typed for letters ("leetspeak")
_LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i"}
)


def normalise(text: str) -> str:
    """Lower-case, fold look-alike letters (NFKC), undo leetspeak, drop spaces and punctuation.

    Cyrillic or Greek look-alikes (the Cyrillic "е" in "hеck") are *not* folded: Unicode
    does not consider them the same letter; a real filter needs a confusables table.
    """
    text = unicodedata.normalize("NFKC", text).lower().translate(_LEET)
    return re.sub(r"[\W_]+", "", text)


@dataclass(frozen=True)
class BlocklistFilter:
    """Flag text that contains a blocked word.

    ``mode="substring"`` matches a blocked string anywhere (catches "HECKING", but also
    "checking"); ``mode="word"`` only whole words (no Scunthorpe problem, more misses).
    ``normalise_text=True`` applies :func:`normalise` first (substring mode only: after
    removing spaces there are no words left).
    """

    blocklist: tuple[str, ...] = MILD_BLOCKLIST
    mode: str = "substring"
    normalise_text: bool = False

    def __post_init__(self):
        check_choice("mode", self.mode, MODES)
        if (
            isinstance(self.blocklist, str)
            or not self.blocklist
            or not all(isinstance(w, str) and w.strip() for w in self.blocklist)
        ):
            raise ValueError(
                f"blocklist must be a non-empty list of non-empty words, got {self.blocklist!r}."
            )
        if self.normalise_text and self.mode == "word":
            raise ValueError(
                "normalise_text removes spaces, so whole-word matching is "
                "impossible; use mode='substring' with normalise_text=True."
            )
        object.__setattr__(self, "blocklist", tuple(w.lower() for w in self.blocklist))

    def matches(self, text: str) -> list[str]:
        """The blocked words found in ``text`` (empty if it passes)."""
        if not isinstance(text, str):
            raise TypeError(f"text must be a string, got {type(text).__name__}.")
        if self.normalise_text:
            text = normalise(text)
        else:
            text = text.lower()
        if self.mode == "word":
            return [w for w in self.blocklist if re.search(rf"\b{re.escape(w)}\b", text)]
        return [w for w in self.blocklist if w in text]

    def blocks(self, text: str) -> bool:
        return bool(self.matches(text))


def variants(word: str) -> dict[str, str]:
    """Ways a user (or a model) can write ``word`` so that a naive filter misses it."""
    if not isinstance(word, str) or len(word) < 2:
        raise ValueError(f"word must be a string of at least 2 letters, got {word!r}.")
    leet = word.translate(str.maketrans({"e": "3", "a": "4", "o": "0", "i": "1", "s": "5"}))
    return {
        "as written": word,
        "upper case": word.upper(),
        "spaced out": " ".join(word),
        "dotted": ".".join(word),
        "leetspeak": leet if leet != word else word[:-1] + "!",
        "look-alike letter": word.replace("e", "\u0435")
        .replace("a", "\u0430")
        .replace("o", "\u043e"),
        "inside a longer word": word + "ity",
    }


@dataclass(frozen=True)
class FilterReport:
    """Miss rate on disguised blocked words, false-alarm rate on innocent texts."""

    caught: dict[str, float]  # per kind of variant: fraction of blocked words caught
    miss_rate: float  # over all disguised variants (not counting "as written")
    false_alarm_rate: float  # fraction of innocent texts blocked
    false_alarms: tuple[str, ...]

    def __str__(self) -> str:
        return (
            f"misses {self.miss_rate:.0%} of disguised blocked words; "
            f"blocks {self.false_alarm_rate:.0%} of innocent texts"
        )


def evaluate_filter(content_filter: BlocklistFilter, innocent_texts) -> FilterReport:
    """Measure a filter: every variant of every blocked word, and a list of innocent texts."""
    if not isinstance(content_filter, BlocklistFilter):
        raise TypeError("content_filter must be a BlocklistFilter.")
    innocent_texts = list(innocent_texts)
    if not innocent_texts or not all(isinstance(t, str) for t in innocent_texts):
        raise ValueError("innocent_texts must be a non-empty list of strings.")
    per_kind: dict[str, list[bool]] = {}
    for word in content_filter.blocklist:
        for kind, text in variants(word).items():
            per_kind.setdefault(kind, []).append(content_filter.blocks(f"oh {text} it"))
    caught = {kind: sum(hits) / len(hits) for kind, hits in per_kind.items()}
    disguised = [hit for kind, hits in per_kind.items() if kind != "as written" for hit in hits]
    alarms = tuple(t for t in innocent_texts if content_filter.blocks(t))
    return FilterReport(
        caught, 1 - sum(disguised) / len(disguised), len(alarms) / len(innocent_texts), alarms
    )
