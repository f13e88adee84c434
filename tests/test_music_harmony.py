"""The shipped chord sequences: one per chorale, rebuilt exactly by chord_sequence, and
carrying the harmony's textbook statistics (dominant to tonic is a frequent change)."""

from collections import Counter

import pytest
from music21 import corpus
from music21 import key as m21key

from genai_course.data import load_chorale_melodies
from genai_course.music.harmony import chord_sequence, load_chorale_chords


@pytest.fixture(scope="module")
def chords():
    return load_chorale_chords()


def test_every_melody_has_its_chords_in_its_key(chords):
    melodies = load_chorale_melodies()
    assert {m["id"] for m in melodies} == set(chords), "one chord sequence per shipped melody"
    for melody in melodies:
        entry = chords[melody["id"]]
        assert entry["key"] == melody["key"], f"{melody['id']}: chords named in the melody's key"
        assert len(entry["chords"]) >= 8, f"{melody['id']}: a chorale has more than 8 beats"


def test_shipped_sequence_is_what_chord_sequence_computes(chords):
    tonic, _, mode = chords["bwv269"]["key"].partition(" ")
    rebuilt = chord_sequence(corpus.parse("bach/bwv269"), m21key.Key(tonic, mode))
    assert rebuilt == chords["bwv269"]["chords"], "the shipped data must match its rebuild"


def test_dominant_to_tonic_is_among_the_most_frequent_changes(chords):
    changes = Counter(
        (a, b)
        for entry in chords.values()
        for a, b in zip(entry["chords"], entry["chords"][1:], strict=False)
        if a != b
    )
    top = [pair for pair, _ in changes.most_common(6)]
    assert ("V", "I") in top or ("V", "i") in top, "V -> I (or V -> i) must be a top chord change"


def test_missing_file_says_how_to_rebuild(tmp_path):
    with pytest.raises(FileNotFoundError, match="python -m genai_course.music.harmony"):
        load_chorale_chords(tmp_path / "none.json")
