"""Melodies <-> music21 streams, and MIDI / MusicXML files written by music21 itself.

A melody here is a list of notes ``(pitch, quarter_length, fermata)`` (see
:mod:`genai_course.music.tokens`). music21 turns a stream into MIDI or MusicXML with
``stream.write("midi", fp=...)`` / ``write("musicxml", fp=...)``: no external program is
needed (only *showing* a score needs MuseScore, which the course does not use).
"""

from __future__ import annotations

import tempfile
from fractions import Fraction
from pathlib import Path

from genai_course.validation import check_number


def _quarter_length(value) -> float:
    return float(Fraction(value).limit_denominator(48))


def _bar_length(time_signature: str) -> float:
    from music21 import meter

    try:
        return float(meter.TimeSignature(time_signature).barDuration.quarterLength)
    except Exception as error:  # music21 raises its own exception types
        raise ValueError(
            f"time_signature must look like '4/4' or '3/4', got {time_signature!r}."
        ) from error


def score_options(melody: dict) -> dict:
    """The ``time_signature``, ``pickup`` and ``key`` of a chorale melody dict.

    Why: a melody's notes alone do not say where the barlines fall. Without its pickup
    (upbeat) every barline of a chorale that starts on an upbeat lands a beat off, and
    without its time signature a 3/4 tune is written in 4/4. Pass these to
    :func:`to_stream`, :func:`write_midi`, :func:`write_musicxml` or :func:`midi_bytes`.
    """
    if not isinstance(melody, dict) or "notes" not in melody:
        raise ValueError(
            "score_options needs a melody dict with 'notes' (and 'time_signature', "
            "'pickup', 'key'), as load_chorale_melodies() returns."
        )
    options = {
        "time_signature": melody.get("time_signature") or "4/4",
        "pickup": float(melody.get("pickup") or 0.0),
    }
    if melody.get("key"):
        options["key"] = melody["key"]
    return options


def bar_positions(score_or_part) -> list[tuple]:
    """``(bar number, beat, fermata)`` of every note of a stream's melody, in order.

    Why: comparing pitches and durations alone cannot see a barline in the wrong place;
    comparing where each note falls in its bar can (a chorale's fermatas fall on strong
    beats). Tied pieces count once, at the bar and beat where the note starts.
    """
    from music21 import expressions, stream

    part = score_or_part
    if isinstance(score_or_part, stream.Score):
        named = [
            p
            for p in score_or_part.parts
            if (p.partName or str(p.id) or "").lower().startswith(("soprano", "melody"))
        ]
        part = named[0] if named else score_or_part.parts[0]
    positions = []
    for element in part.recurse().notes:
        if element.quarterLength == 0:
            continue
        fermata = int(any(isinstance(e, expressions.Fermata) for e in element.expressions))
        tie = getattr(element, "tie", None)
        if tie is not None and tie.type in ("stop", "continue"):
            if fermata and positions:  # a fermata on the last tied piece marks the note
                positions[-1] = (*positions[-1][:2], 1)
            continue
        positions.append((int(element.measureNumber), float(element.beat), fermata))
    return positions


def to_stream(
    notes,
    *,
    time_signature: str = "4/4",
    pickup: float = 0.0,
    key: str | None = None,
    bpm: float = 90,
    title: str | None = None,
    part_name: str = "Melody",
):
    """A music21 ``Score`` with one part holding ``notes``, split into bars.

    ``pickup`` is the length of an incomplete first bar (an upbeat, 0 for none). A note
    that crosses a barline is written as two tied notes, as in printed music.
    """
    from music21 import expressions, metadata, meter, note, stream, tempo
    from music21 import key as m21key

    bar = _bar_length(time_signature)
    check_number("bpm", bpm, low=1, high=400)
    pickup = check_number("pickup", pickup, low=0, high=bar, high_inclusive=False)
    part = stream.Part(id=part_name)
    part.partName = part_name
    position = bar - pickup if pickup else 0.0  # where in the (first) bar we start
    measure = stream.Measure(number=0 if pickup else 1)
    if pickup:
        measure.paddingLeft = bar - pickup
    measure.append(meter.TimeSignature(time_signature))
    if key:
        tonic, _, mode = key.partition(" ")
        measure.append(m21key.Key(tonic, mode or "major"))
    measure.append(tempo.MetronomeMark(number=bpm))
    measures = [measure]
    for pitch, length, *rest in notes:
        fermata = bool(rest and rest[0])
        remaining = _quarter_length(length)
        if remaining <= 0:
            raise ValueError(f"Note durations must be positive, got {length!r}.")
        first = True
        while remaining > 1e-9:
            if position >= bar - 1e-9:
                measure = stream.Measure(number=measures[-1].number + 1)
                measures.append(measure)
                position = 0.0
            piece = min(remaining, bar - position)
            element = (
                note.Rest(quarterLength=piece)
                if pitch is None
                else note.Note(int(pitch), quarterLength=piece)
            )
            if pitch is not None and (not first or piece < remaining):
                from music21 import tie

                element.tie = tie.Tie(
                    "start" if first else ("stop" if piece >= remaining else "continue")
                )
            remaining -= piece
            if fermata and remaining <= 1e-9:
                element.expressions.append(expressions.Fermata())
            measure.append(element)
            position += piece
            first = False
    offset = 0.0
    for m in measures:
        part.insert(offset, m)
        offset += m.duration.quarterLength
    score = stream.Score([part])
    score.insert(0, metadata.Metadata(title=title or "Melody"))
    return score


def from_stream(score_or_part) -> list[tuple]:
    """The notes of a stream: its part named soprano/melody, else its first part."""
    from music21 import stream

    part = score_or_part
    if isinstance(score_or_part, stream.Score):
        parts = list(score_or_part.parts)
        if not parts:
            raise ValueError("The score has no parts.")
        named = [
            p
            for p in parts
            if (p.partName or str(p.id) or "").lower().startswith(("soprano", "melody"))
        ]
        part = named[0] if named else parts[0]
    return notes_from_part(part)


def notes_from_part(part) -> list[tuple]:
    """The notes ``(pitch, quarter_length, fermata)`` of one music21 part.

    Tied notes are merged (a fermata on any piece marks the whole note), grace notes
    dropped, chords reduced to their top note, consecutive rests merged, leading and
    trailing rests dropped.
    """
    from music21 import expressions

    notes, tied = [], False
    for element in part.flatten().notesAndRests:
        if element.quarterLength == 0:
            continue
        if element.isChord:
            pitch = max(p.midi for p in element.pitches)
        else:
            pitch = None if element.isRest else int(element.pitch.midi)
        fermata = int(any(isinstance(e, expressions.Fermata) for e in element.expressions))
        length = _quarter_length(element.quarterLength)
        tie = getattr(element, "tie", None)
        continues = tied and pitch is not None and notes and notes[-1][0] == pitch
        if continues or (notes and pitch is None and notes[-1][0] is None):
            notes[-1] = (pitch, notes[-1][1] + length, max(notes[-1][2], fermata))
        else:
            notes.append((pitch, length, fermata))
        tied = tie is not None and tie.type in ("start", "continue")
    while notes and notes[0][0] is None:
        notes.pop(0)
    while notes and notes[-1][0] is None:
        notes.pop()
    return notes


def _write(notes, path, fmt: str, **stream_options) -> Path:
    path = Path(path)
    if not path.parent.exists():
        raise FileNotFoundError(f"Folder {path.parent} does not exist; create it first.")
    score = notes if hasattr(notes, "write") else to_stream(notes, **stream_options)
    return Path(score.write(fmt, fp=str(path)))


def write_midi(notes, path, **stream_options) -> Path:
    """Write a standard MIDI file (``notes`` or a music21 stream); return its path."""
    return _write(notes, path, "midi", **stream_options)


def write_musicxml(notes, path, **stream_options) -> Path:
    """Write MusicXML, readable by MuseScore, Finale, Sibelius, Dorico...; return its path."""
    return _write(notes, path, "musicxml", **stream_options)


def midi_bytes(notes, **stream_options) -> bytes:
    """The MIDI file as bytes (for a download link), written through a temporary file."""
    with tempfile.TemporaryDirectory() as folder:
        return write_midi(notes, Path(folder) / "melody.mid", **stream_options).read_bytes()


def read_midi(path) -> list[tuple]:
    """Notes of a MIDI file read back with music21 (fermatas are not stored in MIDI)."""
    from music21 import converter

    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"No MIDI file at {path}.")
    return [(p, d, 0) for p, d, _ in from_stream(converter.parse(str(path)))]
