"""Melodies as tokens: a small vocabulary a language model can read and write.

A melody is a list of notes ``(pitch, quarter_length, fermata)``: ``pitch`` is a MIDI
number (60 = middle C) or ``None`` for a rest, ``quarter_length`` the duration in quarter
notes (1.0 = a crotchet), ``fermata`` 1 where a chorale phrase ends. Each note becomes
two tokens, a **pitch** token then a **duration** token, and a phrase end adds a ``|``::

    <start> G4 1.0 G4 2.0 D5 1.0 ... A4 2.0 | B4 1.0 ... <end>

Separate pitch and duration tokens keep the vocabulary small (pitches + durations, not
pitches x durations), and the model learns melody and rhythm from the same statistics.

**Transposition** moves every pitch by the same number of semitones: the melody is the
same tune in another key, so transposed copies are free extra training data
(*augmentation*). With ``key_aware=True`` only shifts that keep the melody inside the
vocabulary's pitch range and land in a key with at most ``max_accidentals`` sharps or
flats are used (Bach's chorales use keys of at most 4 sharps or flats).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import torch

from genai_course.validation import check_positive_int

PAD, START, END, PHRASE, REST = "<pad>", "<start>", "<end>", "|", "rest"
SPECIALS = (PAD, START, END, PHRASE, REST)
NOTE_NAMES = ("C", "C#", "D", "E-", "E", "F", "F#", "G", "G#", "A", "B-", "B")
# Range and durations of the shipped chorale melodies, plus room for transposition.
DEFAULT_LOW, DEFAULT_HIGH = 53, 86  # F3 .. D6 (the sopranos span A3 .. A5)
# Every duration that occurs in the shipped melodies (long rests are instrumental interludes).
DEFAULT_DURATIONS = (
    0.125,
    0.25,
    0.5,
    0.75,
    1.0,
    1.5,
    2.0,
    3.0,
    4.0,
    5.0,
    6.0,
    7.0,
    8.0,
    9.0,
    12.0,
    14.0,
    16.0,
)


class TokenError(ValueError):
    """A melody or token sequence the vocabulary cannot express."""


def pitch_name(midi: int) -> str:
    """MIDI number -> name with octave, e.g. 60 -> 'C4', 70 -> 'B-4' (music21 spelling)."""
    return f"{NOTE_NAMES[midi % 12]}{midi // 12 - 1}"


def duration_name(quarter_length: float) -> str:
    return f"{float(quarter_length):g}"


class MelodyTokenizer:
    """Pitch tokens, duration tokens, rests and phrase/piece boundaries.

    ``encode(notes) -> list[int]`` and ``decode(ids) -> notes`` round-trip exactly for
    every melody inside the vocabulary; anything outside raises :class:`TokenError`
    saying what it was and what is allowed.
    """

    def __init__(
        self,
        low: int = DEFAULT_LOW,
        high: int = DEFAULT_HIGH,
        durations: Sequence[float] = DEFAULT_DURATIONS,
    ):
        low, high = check_positive_int("low", low), check_positive_int("high", high)
        if not low < high <= 127:
            raise ValueError(f"need low < high <= 127 (MIDI pitches), got low={low}, high={high}.")
        durations = sorted({float(d) for d in durations})
        if not durations or durations[0] <= 0:
            raise ValueError(f"durations must be positive quarter lengths, got {durations}.")
        self.low, self.high, self.durations = low, high, tuple(durations)
        self.tokens = (
            list(SPECIALS)
            + [pitch_name(p) for p in range(low, high + 1)]
            + [duration_name(d) for d in self.durations]
        )
        self.stoi = {t: i for i, t in enumerate(self.tokens)}
        self.pitch_ids = [self.stoi[pitch_name(p)] for p in range(low, high + 1)]
        self.duration_ids = [self.stoi[duration_name(d)] for d in self.durations]
        self._duration_of = {self.stoi[duration_name(d)]: d for d in self.durations}

    # -- vocabulary -------------------------------------------------------------------
    @property
    def vocab_size(self) -> int:
        return len(self.tokens)

    def __len__(self) -> int:
        return self.vocab_size

    def __repr__(self) -> str:
        return (
            f"MelodyTokenizer({pitch_name(self.low)}..{pitch_name(self.high)}, "
            f"{len(self.durations)} durations, vocab_size={self.vocab_size})"
        )

    def to_dict(self) -> dict:
        """What to store with a trained model, to rebuild the same vocabulary."""
        return {"low": self.low, "high": self.high, "durations": list(self.durations)}

    @classmethod
    def from_dict(cls, config: dict) -> MelodyTokenizer:
        return cls(**config)

    def id(self, token: str) -> int:
        if token not in self.stoi:
            raise TokenError(
                f"Unknown token {token!r}. The vocabulary has {self.vocab_size} tokens: "
                f"{', '.join(SPECIALS)}, pitches {pitch_name(self.low)}..{pitch_name(self.high)} "
                f"and durations {', '.join(map(duration_name, self.durations))}."
            )
        return self.stoi[token]

    # -- checks -----------------------------------------------------------------------
    def check_pitch(self, pitch) -> None:
        if pitch is None:
            return
        if (
            isinstance(pitch, bool)
            or not isinstance(pitch, int)
            or not self.low <= pitch <= self.high
        ):
            name = f" ({pitch_name(pitch)})" if isinstance(pitch, int) and 0 <= pitch <= 127 else ""
            raise TokenError(
                f"Pitch {pitch!r}{name} is outside the supported range "
                f"{self.low}..{self.high} ({pitch_name(self.low)}..{pitch_name(self.high)}). "
                "Transpose the melody into range (see `fit_in_range`) or build a "
                "MelodyTokenizer with a wider range."
            )

    def check_duration(self, quarter_length) -> float:
        value = float(quarter_length)
        if value not in self.durations:
            raise TokenError(
                f"Duration {quarter_length!r} quarter notes cannot be expressed; the "
                f"vocabulary has {', '.join(map(duration_name, self.durations))}. "
                "Split or round the note, or add the duration to the vocabulary."
            )
        return value

    # -- encode / decode --------------------------------------------------------------
    def encode_tokens(self, notes: Iterable, *, boundaries: bool = True) -> list[str]:
        """Notes -> token strings, with ``<start>``/``<end>`` when ``boundaries``."""
        out = [START] if boundaries else []
        for note in notes:
            pitch, length, fermata = _unpack(note)
            self.check_pitch(pitch)
            length = self.check_duration(length)
            out.append(REST if pitch is None else pitch_name(pitch))
            out.append(duration_name(length))
            if fermata:
                out.append(PHRASE)
        if boundaries:
            out.append(END)
        return out

    def encode(self, notes: Iterable, *, boundaries: bool = True) -> list[int]:
        """Notes -> token ids (see :meth:`encode_tokens`)."""
        return [self.stoi[t] for t in self.encode_tokens(notes, boundaries=boundaries)]

    def decode(self, ids, *, strict: bool = True) -> list[tuple]:
        """Token ids (or token strings) -> notes ``(pitch, quarter_length, fermata)``.

        ``strict`` raises on a sequence that breaks the grammar (a pitch not followed by a
        duration, a duration without a pitch); ``strict=False`` skips such tokens, which is
        what we want for a model's raw output. Decoding stops at ``<end>``.
        """
        if isinstance(ids, torch.Tensor):
            ids = ids.tolist()
        tokens = [t if isinstance(t, str) else self._token(t) for t in ids]
        for t in tokens:
            self.id(t)  # unknown token strings raise here
        notes, pending = [], None
        for position, token in enumerate(tokens):
            if token == END:
                break
            if token in (START, PAD):
                continue
            if token == PHRASE:
                if notes and pending is None:
                    notes[-1] = (notes[-1][0], notes[-1][1], 1)
                elif strict:
                    raise TokenError(f"'|' at position {position} does not follow a complete note.")
                continue
            is_duration = self.stoi[token] in self._duration_of
            if not is_duration:
                if pending is not None and strict:
                    raise TokenError(
                        f"Pitch {pending!r} at position {position - 1} has no duration."
                    )
                pending = token
                continue
            if pending is None:
                if strict:
                    raise TokenError(
                        f"Duration {token!r} at position {position} does not follow a pitch or rest."
                    )
                continue
            pitch = None if pending == REST else self.low + self.pitch_ids.index(self.stoi[pending])
            notes.append((pitch, self._duration_of[self.stoi[token]], 0))
            pending = None
        if pending is not None and strict:
            raise TokenError(f"The sequence ends with {pending!r}, a pitch without a duration.")
        return notes

    def _token(self, i) -> str:
        if isinstance(i, bool) or not isinstance(i, int) or not 0 <= i < self.vocab_size:
            raise TokenError(f"Unknown token id {i!r}; ids run from 0 to {self.vocab_size - 1}.")
        return self.tokens[i]

    def grammar_mask(self, last_id: int, *, device=None) -> torch.Tensor:
        """Which tokens may follow ``last_id`` (a bool mask over the vocabulary, on ``device``).

        After a pitch or rest: a duration. After a duration: a pitch, rest, ``|`` or
        ``<end>``. After ``|`` or ``<start>``: a pitch, rest or ``<end>``.
        """
        mask = torch.zeros(self.vocab_size, dtype=torch.bool, device=device or "cpu")
        token = self._token(int(last_id))
        if token == REST or self.stoi[token] in self.pitch_ids:
            mask[self.duration_ids] = True
        else:
            mask[self.pitch_ids] = True
            mask[[self.stoi[REST], self.stoi[END]]] = True
            if self.stoi[token] in self._duration_of:
                mask[self.stoi[PHRASE]] = True
        return mask

    def logits_hook(self, logits: torch.Tensor, idx: torch.Tensor) -> torch.Tensor:
        """For ``generate(..., logits_hook=...)``: forbid tokens that break the grammar."""
        masks = torch.stack([self.grammar_mask(int(row[-1]), device=logits.device) for row in idx])
        return logits.masked_fill(~masks, float("-inf"))

    # -- transposition ----------------------------------------------------------------
    def transpositions(
        self,
        notes,
        *,
        max_shift: int = 6,
        key_sharps: int | None = None,
        key_aware: bool = True,
        max_accidentals: int = 4,
    ) -> list[int]:
        """Semitone shifts in ``-max_shift..max_shift`` that keep ``notes`` in range.

        With ``key_aware`` and a known ``key_sharps``, also drop shifts that land in a key
        with more than ``max_accidentals`` sharps or flats.
        """
        max_shift = check_positive_int("max_shift", max_shift, allow_zero=True)
        pitches = [p for p, *_ in map(_unpack, notes) if p is not None]
        if not pitches:
            return [0]
        shifts = [
            s
            for s in range(-max_shift, max_shift + 1)
            if min(pitches) + s >= self.low and max(pitches) + s <= self.high
        ]
        if key_aware and key_sharps is not None:
            shifts = [s for s in shifts if abs(transposed_sharps(key_sharps, s)) <= max_accidentals]
        return shifts


def _unpack(note) -> tuple:
    if not isinstance(note, (tuple, list)) or len(note) not in (2, 3):
        raise TokenError(f"A note must be (pitch, quarter_length[, fermata]), got {note!r}.")
    pitch, length = note[0], note[1]
    fermata = int(note[2]) if len(note) == 3 else 0
    return pitch, length, fermata


def transpose(notes, semitones: int) -> list[tuple]:
    """Every pitch moved by ``semitones``; rests, durations and fermatas unchanged."""
    if isinstance(semitones, bool) or not isinstance(semitones, int):
        raise TypeError(f"semitones must be an integer, got {semitones!r}.")
    return [(None if p is None else p + semitones, d, f) for p, d, f in map(_unpack, notes)]


def transposed_sharps(sharps: int, semitones: int) -> int:
    """Key signature after transposing by ``semitones``: each semitone up adds 7 sharps
    (mod 12) on the circle of fifths; we pick the spelling with fewer accidentals
    (6 sharps and 6 flats are equally far: we call it 6 sharps)."""
    value = (sharps + 7 * semitones) % 12
    return value - 12 if value > 6 else value


def fit_in_range(notes, tokenizer: MelodyTokenizer) -> list[tuple]:
    """Transpose by whole octaves until the melody fits the vocabulary's range (if it can)."""
    pitches = [p for p, *_ in map(_unpack, notes) if p is not None]
    for shift in sorted(range(-48, 49, 12), key=abs):
        if (
            pitches
            and min(pitches) + shift >= tokenizer.low
            and max(pitches) + shift <= tokenizer.high
        ):
            return transpose(notes, shift)
    raise TokenError(
        f"A melody spanning {min(pitches)}..{max(pitches)} does not fit the range "
        f"{tokenizer.low}..{tokenizer.high} at any octave."
    )
