"""A tiny additive synthesiser: melodies become sound without any external program.

Each note is a sum of sine waves at the fundamental frequency and its multiples (the
*harmonics*, with falling amplitudes: that is what makes a tone sound like an organ pipe
rather than a whistle), shaped by an **envelope**: a short linear attack, an exponential
decay while the note sounds, and a short release so consecutive notes do not click.

    frequency(midi) = 440 Hz * 2 ** ((midi - 69) / 12)      (A4 = MIDI 69 = 440 Hz)

The result is a NumPy array of floats in [-1, 1]; :func:`wav_bytes` packs it into a WAV
file with the standard library's ``wave`` module, which ``IPython.display.Audio`` and
``ipywidgets.Audio`` play in the browser.
"""

from __future__ import annotations

import io
import wave

import numpy as np

from genai_course.validation import check_number, check_positive_int

DEFAULT_HARMONICS = (1.0, 0.5, 0.3, 0.15, 0.08)


def midi_to_hz(pitch) -> np.ndarray | float:
    """Equal temperament, A4 (MIDI 69) = 440 Hz."""
    return 440.0 * 2.0 ** ((np.asarray(pitch, dtype=float) - 69) / 12)


def envelope(
    n_samples: int,
    sample_rate: int,
    *,
    attack: float = 0.01,
    release: float = 0.04,
    decay: float = 1.5,
) -> np.ndarray:
    """Attack (linear rise), exponential decay (time constant ``decay`` s), release (fall to 0)."""
    t = np.arange(n_samples) / sample_rate
    env = np.exp(-t / decay)
    n_attack = min(n_samples, max(1, int(attack * sample_rate)))
    env[:n_attack] *= np.linspace(0, 1, n_attack, endpoint=False)
    n_release = min(n_samples - n_attack, int(release * sample_rate))
    if n_release > 0:
        env[n_samples - n_release :] *= np.linspace(1, 0, n_release)
    return env


def synthesize(
    notes,
    *,
    sample_rate: int = 22050,
    bpm: float = 90,
    harmonics=DEFAULT_HARMONICS,
    volume: float = 0.5,
) -> np.ndarray:
    """Render ``notes`` ``(pitch, quarter_length[, fermata])`` to float32 samples.

    The length is exactly ``round(total quarter notes * 60 / bpm * sample_rate)``
    samples. One note sounds at a time, and the harmonic amplitudes are normalised to sum
    to ``volume`` (<= 1), so the peak never exceeds ``volume``: no clipping.
    """
    sample_rate = check_positive_int("sample_rate", sample_rate)
    bpm = check_number("bpm", bpm, low=1, high=400)
    volume = check_number("volume", volume, low=0, high=1)
    weights = np.asarray(harmonics, dtype=float)
    if weights.ndim != 1 or len(weights) == 0 or (weights < 0).any() or weights.sum() == 0:
        raise ValueError(
            f"harmonics must be non-negative amplitudes, not all 0, got {harmonics!r}."
        )
    weights = weights / weights.sum() * volume
    seconds_per_quarter = 60.0 / bpm
    onsets = np.cumsum([0.0] + [float(n[1]) for n in notes])
    if (np.diff(onsets) <= 0).any():
        raise ValueError("Every note needs a positive duration (quarter_length > 0).")
    bounds = np.round(onsets * seconds_per_quarter * sample_rate).astype(int)
    out = np.zeros(bounds[-1], dtype=np.float64)
    for (pitch, *_), start, stop in zip(notes, bounds[:-1], bounds[1:], strict=True):
        if pitch is None or stop <= start:
            continue
        t = np.arange(stop - start) / sample_rate
        f0 = midi_to_hz(pitch)
        tone = np.zeros_like(t)
        for k, weight in enumerate(weights, start=1):
            if k * f0 < sample_rate / 2:  # skip harmonics above Nyquist (they would alias)
                tone += weight * np.sin(2 * np.pi * k * f0 * t)
        out[start:stop] = tone * envelope(stop - start, sample_rate)
    return out.astype(np.float32)


def wav_bytes(samples, sample_rate: int = 22050) -> bytes:
    """16-bit mono WAV bytes (stdlib ``wave``); samples must lie in [-1, 1]."""
    sample_rate = check_positive_int("sample_rate", sample_rate)
    samples = np.asarray(samples, dtype=np.float64)
    if samples.ndim != 1:
        raise ValueError(f"samples must be one-dimensional (mono), got shape {samples.shape}.")
    if samples.size and np.abs(samples).max() > 1:
        raise ValueError(
            f"samples reach {np.abs(samples).max():.3f}; they must lie in [-1, 1] "
            "or the sound clips. Lower the volume."
        )
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as file:
        file.setnchannels(1)
        file.setsampwidth(2)
        file.setframerate(sample_rate)
        file.writeframes((samples * 32767).round().astype("<i2").tobytes())
    return buffer.getvalue()


def play(notes, *, sample_rate: int = 22050, bpm: float = 90, **options):
    """An ``IPython.display.Audio`` player for ``notes`` (shows as an <audio> element)."""
    from IPython.display import Audio

    samples = synthesize(notes, sample_rate=sample_rate, bpm=bpm, **options)
    return Audio(data=wav_bytes(samples, sample_rate), rate=sample_rate)
