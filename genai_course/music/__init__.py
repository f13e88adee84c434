"""Melodies for lesson 08: tokens, music21 streams and files, audio, piano rolls, metrics.

- :mod:`~genai_course.music.tokens`: a melody <-> token ids, transposition;
- :mod:`~genai_course.music.convert`: music21 streams, MIDI and MusicXML files;
- :mod:`~genai_course.music.synth`: a NumPy synthesiser and WAV bytes for audio players;
- :mod:`~genai_course.music.pianoroll`: piano-roll plots;
- :mod:`~genai_course.music.evaluation`: statistics of melodies against the corpus,
  copying detection, a Markov-chain baseline and bootstrap intervals;
- :mod:`~genai_course.music.harmony`: the chorales' chords as Roman-numeral sequences.
"""

from genai_course.music.convert import (
    bar_positions,
    from_stream,
    midi_bytes,
    read_midi,
    score_options,
    to_stream,
    write_midi,
    write_musicxml,
)
from genai_course.music.pianoroll import piano_roll_png, plot_piano_roll
from genai_course.music.synth import midi_to_hz, play, synthesize, wav_bytes
from genai_course.music.tokens import (
    MelodyTokenizer,
    TokenError,
    fit_in_range,
    pitch_name,
    transpose,
    transposed_sharps,
)

__all__ = [
    "MelodyTokenizer",
    "TokenError",
    "bar_positions",
    "fit_in_range",
    "from_stream",
    "midi_bytes",
    "midi_to_hz",
    "piano_roll_png",
    "pitch_name",
    "play",
    "plot_piano_roll",
    "read_midi",
    "score_options",
    "synthesize",
    "to_stream",
    "transpose",
    "transposed_sharps",
    "wav_bytes",
    "write_midi",
    "write_musicxml",
]
