import pytest
import torch

from genai_course.data import load_chorale_melodies
from genai_course.music import MelodyTokenizer, TokenError, from_stream, to_stream, transpose
from genai_course.music.tokens import fit_in_range, transposed_sharps


@pytest.fixture(scope="module")
def melodies():
    return load_chorale_melodies()


def test_every_chorale_round_trips_through_tokens(melodies):
    tok = MelodyTokenizer()
    for melody in melodies:
        notes = [tuple(n) for n in melody["notes"]]
        ids = tok.encode(notes)
        assert ids[0] == tok.id("<start>") and ids[-1] == tok.id("<end>")
        assert tok.decode(ids) == notes
        assert tok.decode(torch.tensor(ids)) == notes
    first = [tuple(n) for n in melodies[0]["notes"]]
    assert tok.encode_tokens(first[:2], boundaries=False) == ["A4", "1", "B-4", "1"]


def test_chorales_round_trip_through_music21_streams(melodies):
    tok = MelodyTokenizer()
    for melody in melodies[::7]:  # every 7th chorale: a music21 stream per melody is slowish
        notes = [tuple(n) for n in melody["notes"]]
        stream = to_stream(
            tok.decode(tok.encode(notes)),
            time_signature=melody["time_signature"],
            pickup=melody["pickup"],
            key=melody["key"],
        )
        assert from_stream(stream) == notes, melody["id"]


def test_pickup_bars_and_ties_are_written_as_in_a_score():
    stream = to_stream([(67, 1.0, 0), (72, 3.0, 0), (71, 2.0, 1)], time_signature="4/4", pickup=1.0)
    measures = list(stream.parts[0].getElementsByClass("Measure"))
    assert [m.number for m in measures] == [0, 1, 2]
    assert measures[0].paddingLeft == 3.0
    assert [n.quarterLength for n in measures[2].notes] == [1.0]  # 2.0 split over the barline
    assert measures[2].notes[0].tie.type == "stop" and measures[2].notes[0].expressions


def test_transposition_and_key_aware_shifts(melodies):
    tok = MelodyTokenizer()
    notes = [(67, 1.0, 0), (None, 1.0, 0), (74, 2.0, 1)]
    assert transpose(notes, -2) == [(65, 1.0, 0), (None, 1.0, 0), (72, 2.0, 1)]
    assert transposed_sharps(1, 2) == 3  # G major up a tone: A major, 3 sharps
    assert transposed_sharps(-1, -2) == -3  # F major down a tone: E-flat major, 3 flats
    assert transposed_sharps(0, 1) == -5  # C major up a semitone: D-flat major, 5 flats
    high = [(84, 1.0, 0), (86, 1.0, 0)]
    assert max(tok.transpositions(high, key_aware=False)) == 0  # D6 is the top of the range
    g_major = melodies[[m["key"] for m in melodies].index("G major")]
    shifts = tok.transpositions(g_major["notes"], key_sharps=g_major["key_sharps"])
    assert 0 in shifts and all(abs(transposed_sharps(1, s)) <= 4 for s in shifts)
    assert set(shifts) < set(tok.transpositions(g_major["notes"], key_aware=False))
    assert fit_in_range([(96, 1.0, 0)], tok) == [(84, 1.0, 0)]


def test_grammar_mask_allows_only_well_formed_continuations():
    tok = MelodyTokenizer()
    after_pitch = tok.grammar_mask(tok.id("G4"))
    assert after_pitch.sum() == len(tok.durations) and after_pitch[tok.id("1")]
    after_duration = tok.grammar_mask(tok.id("1"))
    assert (
        after_duration[tok.id("|")]
        and after_duration[tok.id("<end>")]
        and not after_duration[tok.id("2")]
    )
    assert not tok.grammar_mask(tok.id("|"))[tok.id("|")]
    logits = tok.logits_hook(torch.zeros(1, tok.vocab_size), torch.tensor([[tok.id("rest")]]))
    assert torch.isinf(logits[0, tok.id("C5")]) and logits[0, tok.id("2")] == 0


def test_errors_say_what_is_wrong_and_what_is_allowed():
    tok = MelodyTokenizer()
    with pytest.raises(TokenError, match=r"Unknown token 'H4'.*pitches F3\.\.D6"):
        tok.id("H4")
    with pytest.raises(TokenError, match=r"Unknown token 'H4'"):
        tok.decode(["<start>", "H4", "1"])
    with pytest.raises(TokenError, match=r"Unknown token id 999; ids run from 0 to 55"):
        tok.decode([999])
    with pytest.raises(
        TokenError, match=r"Pitch 100 \(E7\) is outside the supported range 53\.\.86"
    ):
        tok.encode([(100, 1.0)])
    with pytest.raises(
        TokenError, match=r"Duration 0\.3 quarter notes cannot be expressed.*0\.25, 0\.5"
    ):
        tok.encode([(60, 0.3)])
    with pytest.raises(TokenError, match="A note must be"):
        tok.encode([60])
    with pytest.raises(TokenError, match="has no duration"):
        tok.decode(["G4", "A4", "1"])
    assert tok.decode(["G4", "A4", "1", "2", "|"], strict=False) == [(69, 1.0, 1)]
    with pytest.raises(ValueError, match="need low < high"):
        MelodyTokenizer(low=80, high=60)
    assert MelodyTokenizer.from_dict(tok.to_dict()).tokens == tok.tokens
