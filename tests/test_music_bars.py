"""Barlines, time signature and key survive export: a round trip of pitches and durations
alone cannot see a melody written a beat off, so these tests compare bar positions."""

import io

import mido
import pytest
from music21 import converter, corpus

from genai_course.data import load_chorale_melodies
from genai_course.music import bar_positions, midi_bytes, score_options, to_stream, write_musicxml
from genai_course.music.pianoroll import plot_piano_roll
from genai_course.widgets.melody import BUTTON_STYLE, MelodyPlayer, first_phrase, seed_and_generated


@pytest.fixture(scope="module")
def melodies():
    return {m["id"]: m for m in load_chorale_melodies()}


def fermata_positions(stream):
    return [(bar, beat) for bar, beat, fermata in bar_positions(stream) if fermata]


# bwv269: 3/4 with an upbeat; bwv2.6: 4/4 with an upbeat; bwv11.6: 3/4 without one
@pytest.mark.parametrize("chorale", ["bwv269", "bwv2.6", "bwv11.6"])
def test_musicxml_export_puts_fermatas_in_the_bars_and_beats_of_the_score(
    melodies, chorale, tmp_path
):
    melody = melodies[chorale]
    original = fermata_positions(corpus.parse(f"bach/{chorale}"))
    path = write_musicxml(
        [tuple(n) for n in melody["notes"]], tmp_path / "m.musicxml", **score_options(melody)
    )
    exported = converter.parse(str(path))
    assert fermata_positions(exported) == original, (
        "fermatas must fall on the bars and beats of Bach's score"
    )
    signature = exported.recurse().getElementsByClass("TimeSignature").first().ratioString
    assert signature == melody["time_signature"], "the time signature must survive the export"
    key = exported.recurse().getElementsByClass("KeySignature").first()
    assert key.sharps == melody["key_sharps"], "the key signature must survive the export"


def test_bar_check_catches_a_missing_pickup(melodies):
    melody = melodies["bwv2.6"]
    notes = [tuple(n) for n in melody["notes"]]
    right = fermata_positions(to_stream(notes, **score_options(melody)))
    wrong = fermata_positions(to_stream(notes, time_signature=melody["time_signature"]))
    assert right != wrong, "without its pickup a chorale's barlines move, and the check must see it"
    assert {beat for _, beat in right} <= {1.0, 3.0}, (
        "4/4 fermatas fall on the strong beats 1 and 3"
    )
    assert {beat for _, beat in wrong} <= {2.0, 4.0}, "without the pickup they move a beat late"


def test_score_options_reads_a_melody_dict_and_rejects_bare_notes(melodies):
    assert score_options(melodies["bwv269"]) == {
        "time_signature": "3/4",
        "pickup": 1.0,
        "key": "G major",
    }
    with pytest.raises(ValueError, match="melody dict"):
        score_options([(60, 1.0, 0)])


def midi_meta(data: bytes) -> dict:
    meta = {}
    for track in mido.MidiFile(file=io.BytesIO(data)).tracks:
        for message in track:
            if message.type == "time_signature":
                meta["time_signature"] = f"{message.numerator}/{message.denominator}"
            if message.type == "key_signature":
                meta["key"] = message.key
    return meta


def test_midi_carries_the_time_signature_and_key(melodies):
    melody = melodies["bwv269"]
    data = midi_bytes([tuple(n) for n in melody["notes"]], **score_options(melody))
    assert midi_meta(data) == {"time_signature": "3/4", "key": "G"}, "MIDI must say 3/4 in G"


def test_melody_player_writes_the_seed_chorale_metre_and_key(melodies):
    import base64

    import torch

    from genai_course.models.recurrent import RecurrentLM
    from genai_course.music import MelodyTokenizer

    torch.manual_seed(0)
    tok = MelodyTokenizer()
    model = RecurrentLM(vocab_size=tok.vocab_size, embed_dim=8, hidden_size=16)
    chorale = melodies["bwv269"]
    seed = dict(chorale, notes=first_phrase(chorale["notes"]))
    player = MelodyPlayer(model, tok, {"bwv269": seed, "bare": seed["notes"]}, length=4)
    player.generate()
    assert midi_meta(player.midi) == {"time_signature": "3/4", "key": "G"}, (
        "a chorale seed's MIDI must carry its metre and key"
    )
    html = player.download.value
    assert 'role="button"' in html and BUTTON_STYLE in html, "the MIDI link must look like a button"
    assert base64.b64decode(html.split("base64,")[1].split('"')[0]) == player.midi
    player.seed_choice.value = "bare"
    player.generate()
    assert midi_meta(player.midi)["time_signature"] == "4/4", "bare notes are written in 4/4"


def test_piano_roll_draws_seed_and_generated_notes_apart():
    melody = [(67, 1.0, 0), (69, 1.0, 1), (71, 2.0, 0), (72, 1.0, 0)]
    parts = seed_and_generated(melody, 2)
    assert parts["seed"] == melody[:2] and parts["generated"][1:] == melody[2:]
    assert parts["generated"][0] == (None, 2.0, 0), "generated notes keep their place in time"
    ax = plot_piano_roll(parts)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["seed", "generated"], "the legend must name seed and generated notes"
    colours = {tuple(p.get_facecolor()) for p in ax.patches}
    assert len(colours) == 2, "seed and generated notes must have different colours"
    with pytest.raises(ValueError, match="seed_length"):
        seed_and_generated(melody, 0)


def test_exported_fermatas_fall_on_strong_beats_across_the_corpus(melodies):
    """Every 4th chorale in 4/4, exported with its pickup: phrase ends (fermatas) fall on the
    strong beats 1 and 3, as in Bach's scores; exported without it, mostly on 2 and 4."""
    strong = {"with": [], "without": []}
    chosen = [m for m in melodies.values() if m["time_signature"] == "4/4"][::4]
    for melody in chosen:
        notes = [tuple(n) for n in melody["notes"]]
        for name, options in (
            ("with", score_options(melody)),
            ("without", {"time_signature": "4/4"}),
        ):
            strong[name] += [
                beat in (1.0, 3.0) for _, beat in fermata_positions(to_stream(notes, **options))
            ]
    share = {name: sum(flags) / len(flags) for name, flags in strong.items()}
    assert share["with"] > 0.85, (
        f"with pickups, fermatas must fall on strong beats (got {share['with']:.0%})"
    )
    assert share["without"] < 0.5, f"without pickups they must not (got {share['without']:.0%})"
