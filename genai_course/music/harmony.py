"""Harmony as a sequence: the chords of each chorale, named as Roman numerals in its key.

music21's ``chordify`` stacks the four voices into one chord wherever any voice moves;
``roman.romanNumeralFromChord`` names each chord by its scale degree in the chorale's key
(``V`` = the chord on the fifth degree, lower case = minor, ``#``/``b`` = altered). Keeping
one chord per beat gives a sequence of symbols that a Markov chain can learn, exactly like
the melody tokens: the harmony is *modelled and measured*, not only shown.

Chordifying a chorale takes ~0.5 s, so the sequences of every chorale are derived once and
shipped as ``genai_course/datasets/chorale_chords.json``; rebuild it with::

    python -m genai_course.music.harmony
"""

from __future__ import annotations

import json
from pathlib import Path

CHORDS_FILE = Path(__file__).resolve().parent.parent / "datasets" / "chorale_chords.json"


def chord_sequence(score, key=None) -> list[str]:
    """Roman numerals of a score's chords, one per beat (chords between beats skipped)."""
    from music21 import roman

    key = key or score.analyze("key")
    numerals = []
    for chord in score.chordify().recurse().getElementsByClass("Chord"):
        if float(chord.beat) % 1 == 0:
            numerals.append(roman.romanNumeralFromChord(chord, key).romanNumeral)
    return numerals


def load_chorale_chords(path=None) -> dict:
    """``{chorale id: {"key": ..., "chords": [...]}}`` for the chorales of the melody data."""
    path = Path(path or CHORDS_FILE)
    if not path.exists():
        raise FileNotFoundError(
            f"{path} is missing. Rebuild it with `python -m genai_course.music.harmony`."
        )
    return json.loads(path.read_text())["chorales"]


def build(path=None) -> Path:
    """Parse every chorale of the melody data and write its chord sequence (minutes)."""
    from music21 import corpus
    from music21 import key as m21key

    from genai_course.data import load_chorale_melodies

    chorales = {}
    for melody in load_chorale_melodies():
        score = corpus.parse(f"bach/{melody['id']}")
        tonic, _, mode = melody["key"].partition(" ")
        chorales[melody["id"]] = {
            "key": melody["key"],
            "chords": chord_sequence(score, m21key.Key(tonic, mode)),
        }
    path = Path(path or CHORDS_FILE)
    path.write_text(
        json.dumps(
            {
                "source": "music21 corpus, chordify + romanNumeralFromChord, one chord per beat",
                "rebuild": "python -m genai_course.music.harmony",
                "chorales": chorales,
            },
            separators=(",", ":"),
        )
    )
    return path


if __name__ == "__main__":
    print(build())
