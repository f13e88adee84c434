import io
import wave

import matplotlib.pyplot as plt
import mido
import numpy as np
import pytest

from genai_course.data import load_chorale_melodies
from genai_course.music import (
    midi_bytes,
    piano_roll_png,
    plot_piano_roll,
    read_midi,
    synthesize,
    wav_bytes,
    write_midi,
    write_musicxml,
)
from genai_course.music.synth import envelope, midi_to_hz


def mido_notes(path):
    """Notes of a MIDI file read with mido, independently of music21: (pitch, quarters)."""
    midi = mido.MidiFile(str(path))
    notes, started, now = [], {}, 0
    for message in mido.merge_tracks(midi.tracks):
        now += message.time
        if message.type == "note_on" and message.velocity > 0:
            started[message.note] = now
        elif message.type in ("note_off", "note_on") and message.note in started:
            start = started.pop(message.note)
            notes.append((start, message.note, (now - start) / midi.ticks_per_beat))
    return [(pitch, length) for _, pitch, length in sorted(notes)]


def test_midi_reads_back_the_same_notes_with_music21_and_mido(tmp_path):
    melody = load_chorale_melodies()[3]
    notes = [tuple(n) for n in melody["notes"]]
    path = write_midi(
        notes,
        tmp_path / "chorale.mid",
        time_signature=melody["time_signature"],
        pickup=melody["pickup"],
    )
    assert path.exists() and path.read_bytes()[:4] == b"MThd"
    assert read_midi(path) == [(p, d, 0) for p, d, _ in notes]
    assert mido_notes(path) == [(p, d) for p, d, _ in notes if p is not None]
    assert (
        midi_bytes(notes, time_signature=melody["time_signature"], pickup=melody["pickup"])[:4]
        == b"MThd"
    )


def test_rests_survive_midi_and_musicxml_keeps_fermatas(tmp_path):
    from music21 import converter

    notes = [(60, 1.0, 0), (None, 1.0, 0), (64, 0.5, 0), (65, 0.5, 0), (67, 3.0, 1)]
    assert read_midi(write_midi(notes, tmp_path / "rest.mid")) == [(p, d, 0) for p, d, _ in notes]
    assert mido_notes(tmp_path / "rest.mid") == [(60, 1.0), (64, 0.5), (65, 0.5), (67, 3.0)]
    xml = write_musicxml(notes, tmp_path / "rest.musicxml", title="Test")
    from genai_course.music import from_stream

    assert from_stream(converter.parse(str(xml))) == notes
    with pytest.raises(FileNotFoundError, match="does not exist"):
        write_midi(notes, tmp_path / "no" / "such" / "file.mid")
    with pytest.raises(FileNotFoundError, match="No MIDI file"):
        read_midi(tmp_path / "missing.mid")


def test_synthesiser_length_rate_and_no_clipping():
    notes = [(69, 1.0, 0), (None, 0.5, 0), (81, 0.5, 0), (57, 2.0, 1)]
    audio = synthesize(notes, sample_rate=16000, bpm=120)
    assert audio.dtype == np.float32 and audio.shape == (round(4.0 * 0.5 * 16000),)
    assert np.abs(audio).max() <= 0.5 + 1e-6 and np.abs(audio).max() > 0.3
    rest = audio[8000:12000]  # the rest (0.5 s .. 0.75 s) is silent
    assert np.abs(rest).max() == 0
    # the first note is A4: its strongest frequency is 440 Hz
    spectrum = np.abs(np.fft.rfft(audio[:8000]))
    assert np.fft.rfftfreq(8000, 1 / 16000)[spectrum.argmax()] == pytest.approx(440, abs=2)
    assert midi_to_hz(60) == pytest.approx(261.63, abs=0.01)
    env = envelope(1000, 16000)
    assert env[0] == 0 and env[-1] == 0 and env.max() <= 1
    loud = synthesize(notes, volume=1.0)
    assert np.abs(loud).max() <= 1.0


def test_wav_bytes_are_a_valid_wav_file():
    audio = synthesize([(60, 1.0), (62, 1.0)], sample_rate=8000, bpm=60)
    data = wav_bytes(audio, 8000)
    with wave.open(io.BytesIO(data)) as file:
        assert file.getframerate() == 8000 and file.getnchannels() == 1 and file.getsampwidth() == 2
        assert file.getnframes() == 16000
    with pytest.raises(ValueError, match="must lie in \\[-1, 1\\]"):
        wav_bytes(np.array([0.0, 1.5]))
    with pytest.raises(ValueError, match="positive duration"):
        synthesize([(60, 0.0)])
    with pytest.raises(ValueError, match="volume must lie in"):
        synthesize([(60, 1.0)], volume=2)


def test_piano_roll_is_titled_labelled_and_has_a_legend_for_parts():
    ax = plot_piano_roll(
        {"soprano": [(72, 1.0, 0), (71, 1.0, 1)], "bass": [(48, 2.0, 0)]}, title="Two parts"
    )
    assert ax.get_title() == "Two parts" and ax.get_xlabel() and ax.get_ylabel()
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["soprano", "bass"]
    assert len(ax.patches) == 3
    plt.close("all")
    assert piano_roll_png([(60, 1.0)])[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(ValueError, match="Nothing to draw"):
        plot_piano_roll([])
