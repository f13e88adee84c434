"""Measuring melodies against the corpus: statistics, key, copying, and a Markov baseline.

No single number says "this is good music", so we compare *statistics* of generated
melodies with those of real ones, and run the same measures on random melodies to see
what a bad score looks like:

- **pitch-class histogram**: how often each of the 12 pitch classes (C, C#, ... B) occurs,
  after transposing every melody to C (major) or A (minor), so keys do not blur the picture;
- **interval histogram**: how far the melody moves from one note to the next (in
  semitones, -12..+12); chorale melodies move mostly by step;
- **distance** between two histograms: the *total variation distance*
  ``0.5 * sum |p - q|``: 0 for identical histograms, 1 for histograms with no overlap;
- **key consistency**: music21's key analysis (``analyze("key")``: the Krumhansl-Schmuckler
  method with Aarden-Essen profiles) correlates the melody's pitch-class durations with a
  profile of each key; the best key's correlation coefficient (up to 1) says how clearly the
  melody is in one key;
- **rhythm statistics**: mean note length, share of quarter and eighth notes, notes per phrase;
- **copying**: the longest stretch of a generated melody that also occurs in the training
  melodies (in intervals and durations, so a transposed copy counts), and the fraction of
  its n-grams found there;
- a **Markov-chain baseline**: next-token probabilities from counts of the previous
  ``order`` tokens. A neural model has to beat it to be worth its parameters.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict

import numpy as np

from genai_course.validation import check_number, check_positive_int

MAX_INTERVAL = 12
PITCH_CLASSES = ("C", "C#", "D", "E-", "E", "F", "F#", "G", "G#", "A", "B-", "B")


def _notes(melody):
    """Accept a melody dict (with ``notes``) or a list of notes."""
    notes = melody["notes"] if isinstance(melody, dict) else melody
    return [tuple(n) for n in notes]


def _pitches(melody):
    return [n[0] for n in _notes(melody) if n[0] is not None]


def _check_melodies(melodies):
    melodies = list(melodies)
    if not melodies or not any(_pitches(m) for m in melodies):
        raise ValueError(
            "Give at least one melody with notes (a list of (pitch, quarter_length[, fermata]))."
        )
    return melodies


# -- histograms ---------------------------------------------------------------------------


def pitch_class_histogram(melodies, *, shifts=None) -> np.ndarray:
    """Share of note time spent on each pitch class (12 numbers summing to 1).

    ``shifts`` (semitones per melody, e.g. ``key_analysis(m)["shift_to_c"]``) transposes
    each melody first, so that every major key becomes C major and every minor key A minor.
    """
    melodies = _check_melodies(melodies)
    counts = np.zeros(12)
    for i, melody in enumerate(melodies):
        shift = 0 if shifts is None else int(shifts[i])
        for pitch, length, *_ in _notes(melody):
            if pitch is not None:
                counts[(pitch + shift) % 12] += float(length)
    return counts / counts.sum()


def interval_histogram(melodies, *, max_interval: int = MAX_INTERVAL) -> np.ndarray:
    """Share of each melodic interval -max..+max semitones (larger leaps are clipped)."""
    melodies = _check_melodies(melodies)
    counts = np.zeros(2 * max_interval + 1)
    for melody in melodies:
        pitches = _pitches(melody)
        for a, b in zip(pitches, pitches[1:], strict=False):
            counts[int(np.clip(b - a, -max_interval, max_interval)) + max_interval] += 1
    if counts.sum() == 0:
        raise ValueError("The melodies hold no intervals (each needs at least two notes).")
    return counts / counts.sum()


def histogram_distance(p, q) -> float:
    """Total variation distance 0.5 * sum|p - q| between two histograms (each sums to 1)."""
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    if p.shape != q.shape:
        raise ValueError(f"Histograms must have the same bins, got shapes {p.shape} and {q.shape}.")
    for name, h in (("p", p), ("q", q)):
        if (h < 0).any() or not math.isclose(h.sum(), 1.0, abs_tol=1e-6):
            raise ValueError(
                f"{name} must be a histogram of non-negative shares summing to 1, "
                f"got sum {h.sum():.4f}."
            )
    return float(0.5 * np.abs(p - q).sum())


# -- key ----------------------------------------------------------------------------------


def key_analysis(melody) -> dict:
    """music21's key estimate for one melody: ``name`` ("G major"), ``correlation`` (its
    coefficient) and ``shift_to_c`` (semitones that move the key to C major / A minor)."""
    from genai_course.music.convert import to_stream

    if not _pitches(melody):
        raise ValueError("A melody without notes has no key.")
    estimate = to_stream(_notes(melody)).analyze("key")
    relative_major = estimate.tonic.pitchClass + (3 if estimate.mode == "minor" else 0)
    return {
        "name": f"{estimate.tonic.name} {estimate.mode}",
        "correlation": float(estimate.correlationCoefficient),
        "shift_to_c": -relative_major % 12,
    }


def key_shift(name: str) -> int:
    """Semitones that move the key called ``name`` ("G major", "B- minor") to C major / A minor."""
    from music21 import pitch

    tonic, _, mode = str(name).partition(" ")
    try:
        pitch_class = pitch.Pitch(tonic).pitchClass
    except Exception as error:  # music21 raises its own exception types
        raise ValueError(
            f"Cannot read a key from {name!r}; write it like 'G major' or 'B- minor'."
        ) from error
    return -(pitch_class + (3 if mode == "minor" else 0)) % 12


# -- rhythm -------------------------------------------------------------------------------


def rhythm_statistics(melodies) -> dict:
    """Mean note length, share of quarter and eighth notes, notes per phrase (per fermata)."""
    melodies = _check_melodies(melodies)
    lengths = [float(n[1]) for m in melodies for n in _notes(m) if n[0] is not None]
    fermatas = sum(int(n[2]) for m in melodies for n in _notes(m) if len(n) > 2)
    return {
        "mean_length": float(np.mean(lengths)),
        "quarter_share": float(np.mean([x == 1.0 for x in lengths])),
        "eighth_share": float(np.mean([x == 0.5 for x in lengths])),
        "notes_per_phrase": len(lengths) / fermatas if fermatas else float("nan"),
    }


# -- copying ------------------------------------------------------------------------------


def note_units(melody) -> list[tuple]:
    """(interval from the previous note, duration) per note: the same in every key."""
    units, previous = [], None
    for pitch, length, *_ in _notes(melody):
        if pitch is None:
            units.append(("rest", float(length)))
            continue
        units.append((None if previous is None else pitch - previous, float(length)))
        previous = pitch
    return units[1:]  # the first note has no interval


def ngram_copying(generated, training, *, n: int = 8) -> dict:
    """How much of ``generated`` (melodies) is copied from ``training`` (melodies).

    Returns ``longest_copied`` (the longest run of consecutive notes, in intervals and
    durations, that also occurs in a training melody) and ``copied_fraction`` (the
    fraction of the generated ``n``-grams that occur in the training melodies).
    """
    per_melody = copying_per_melody(generated, training, n=n)
    total = sum(t for _, _, t in per_melody)
    copied = sum(c for _, c, _ in per_melody)
    return {
        "longest_copied": max(longest for longest, _, _ in per_melody),
        "copied_fraction": copied / total if total else 0.0,
    }


def copying_per_melody(generated, training, *, n: int = 8) -> list[tuple[int, int, int]]:
    """``(longest copied run, copied n-grams, n-grams)`` for each generated melody.

    Why per melody: a bootstrap over melodies (:func:`bootstrap_table`) needs each
    melody's share, not only the totals of :func:`ngram_copying`.
    """
    n = check_positive_int("n", n)
    training_units = [note_units(m) for m in _check_melodies(training)]
    generated_units = [note_units(m) for m in _check_melodies(generated)]
    cache: dict[int, set] = {}

    def grams(length):
        if length not in cache:
            cache[length] = {
                tuple(u[i : i + length]) for u in training_units for i in range(len(u) - length + 1)
            }
        return cache[length]

    results = []
    for units in generated_units:
        longest, length = 0, 1
        while length <= len(units) and any(
            tuple(units[i : i + length]) in grams(length) for i in range(len(units) - length + 1)
        ):
            longest, length = length, length + 1
        windows = [tuple(units[i : i + n]) for i in range(len(units) - n + 1)]
        results.append((longest, sum(w in grams(n) for w in windows), len(windows)))
    return results


# -- baselines ----------------------------------------------------------------------------


def random_melodies(
    count: int,
    *,
    length: int = 40,
    low: int = 60,
    high: int = 79,
    durations=(0.5, 1.0, 1.0, 1.0, 2.0),
    seed: int = 0,
) -> list[list[tuple]]:
    """Melodies with uniformly random pitches in ``low..high`` and durations drawn from
    ``durations``, a fermata every 8 notes: what "no musical knowledge" scores."""
    count, length = check_positive_int("count", count), check_positive_int("length", length)
    rng = np.random.default_rng(seed)
    return [
        [
            (int(rng.integers(low, high + 1)), float(rng.choice(durations)), int((i + 1) % 8 == 0))
            for i in range(length)
        ]
        for _ in range(count)
    ]


class MarkovChain:
    """Next-token probabilities from counts of what followed the previous ``order`` tokens.

    ``p(next | context) = (count(context, next) + alpha) / (count(context) + alpha * V)``
    (add-alpha smoothing, so an unseen pair is unlikely but not impossible). Contexts
    never seen back off to shorter ones, down to the unigram counts.

    Why not :class:`genai_course.models.NGramLM`? That one is a torch language model over
    one long token stream (text), with a tensor of ``V`` counts for every context seen and
    interpolated smoothing (every order always contributes). Melodies are many short
    sequences with start/end tokens; this chain counts within each sequence and backs off
    only when a context was never seen, the usual baseline for symbolic music.
    """

    def __init__(self, vocab_size: int, order: int = 2, alpha: float = 0.1):
        self.vocab_size = check_positive_int("vocab_size", vocab_size)
        self.order = check_positive_int("order", order)
        self.alpha = check_number("alpha", alpha, low=0, low_inclusive=False)
        self.counts = [defaultdict(Counter) for _ in range(self.order + 1)]

    def fit(self, sequences) -> MarkovChain:
        """Count every (context, next token) pair of every sequence of token ids."""
        for seq in sequences:
            seq = [int(t) for t in seq]
            for i in range(1, len(seq)):
                for k in range(self.order + 1):
                    if i - k >= 0:
                        self.counts[k][tuple(seq[i - k : i])][seq[i]] += 1
        return self

    def probabilities(self, context) -> np.ndarray:
        """The next-token distribution after ``context`` (a sequence of ids)."""
        context = tuple(int(t) for t in context)
        for k in range(min(self.order, len(context)), -1, -1):
            counter = self.counts[k].get(context[len(context) - k :])
            if counter:
                probs = np.full(self.vocab_size, self.alpha)
                for token, c in counter.items():
                    probs[token] += c
                return probs / probs.sum()
        return np.full(self.vocab_size, 1.0 / self.vocab_size)

    def nll(self, sequences) -> float:
        """Mean negative log-likelihood per predicted token (nats), every token after the first."""
        total, count = 0.0, 0
        for seq in sequences:
            seq = [int(t) for t in seq]
            for i in range(1, len(seq)):
                total -= math.log(self.probabilities(seq[max(0, i - self.order) : i])[seq[i]])
                count += 1
        if count == 0:
            raise ValueError("Nothing to score: give sequences of at least two tokens.")
        return total / count

    def generate(self, context, n: int, *, seed: int = 0, mask_fn=None) -> list[int]:
        """Extend ``context`` by ``n`` sampled tokens (``mask_fn(last_id)`` may forbid some)."""
        rng = np.random.default_rng(seed)
        out = [int(t) for t in context]
        for _ in range(check_positive_int("n", n, allow_zero=True)):
            probs = self.probabilities(out[-self.order :])
            if mask_fn is not None:
                probs = probs * np.asarray(mask_fn(out[-1]), dtype=float)
                probs = probs / probs.sum()
            out.append(int(rng.choice(self.vocab_size, p=probs)))
        return out


# -- one row of the comparison table --------------------------------------------------------


def melody_report(melodies, reference, *, key: bool = True, keys=None) -> dict:
    """The measures of ``melodies`` against ``reference`` melodies (the corpus), as a dict.

    With ``key`` (the default), every melody is analysed with music21 and the mean key
    correlation is reported. Before pitch classes are counted, each melody is moved to
    C major / A minor: by the key named in ``keys`` (one name per melody, e.g. the key of
    the seed it continues) when given, else by its own estimated key. Prefer ``keys``:
    moving each melody by its *own* best key flatters a weak model (even random pitches
    have some best key). Without ``key``, pitch classes are counted as they are.
    """
    melodies = _check_melodies(melodies)
    reference = _check_melodies(reference)
    shifts = reference_shifts = None
    if keys is not None and len(list(keys)) != len(melodies):
        raise ValueError(
            f"keys must name one key per melody: got {len(list(keys))} keys "
            f"for {len(melodies)} melodies."
        )
    if key:
        estimates = [key_analysis(m) for m in melodies]
        shifts = (
            [key_shift(k) for k in keys]
            if keys is not None
            else [k["shift_to_c"] for k in estimates]
        )
        # reference melodies from the shipped data know their key: no need to analyse them
        reference_shifts = [
            key_shift(m["key"])
            if isinstance(m, dict) and "key" in m
            else key_analysis(m)["shift_to_c"]
            for m in reference
        ]
    report = {
        "pitch_class_distance": histogram_distance(
            pitch_class_histogram(melodies, shifts=shifts),
            pitch_class_histogram(reference, shifts=reference_shifts),
        ),
        "interval_distance": histogram_distance(
            interval_histogram(melodies), interval_histogram(reference)
        ),
        # steps and repeated notes: intervals of at most 2 semitones
        "step_share": float(
            interval_histogram(melodies)[MAX_INTERVAL - 2 : MAX_INTERVAL + 3].sum()
        ),
    }
    report.update(rhythm_statistics(melodies))
    if key:
        report["key_correlation"] = float(np.mean([k["correlation"] for k in estimates]))
    return report


# -- intervals on a small sample ------------------------------------------------------------


def melody_statistics(melodies, *, keys=None, training=None, n: int = 8) -> dict:
    """Per-melody counts from which every column of the metrics table can be rebuilt.

    Why: with 20 melodies a table needs error bars. Resampling melodies and re-running
    music21 a thousand times would be slow; summing per-melody counts is instant.
    ``keys`` (one per melody) moves each melody to C major / A minor before counting
    pitch classes (else its own estimated key); ``training`` adds copying counts.
    """
    melodies = _check_melodies(melodies)
    estimates = [key_analysis(m) for m in melodies]
    shifts = (
        [key_shift(k) for k in keys] if keys is not None else [e["shift_to_c"] for e in estimates]
    )
    stats = {
        "pitch_classes": np.stack(
            [pitch_class_counts(m, shift) for m, shift in zip(melodies, shifts, strict=True)]
        ),
        "intervals": np.stack([interval_counts(m) for m in melodies]),
        "key_correlation": np.array([e["correlation"] for e in estimates]),
        "lengths": [[float(x[1]) for x in _notes(m) if x[0] is not None] for m in melodies],
        "fermatas": np.array([sum(int(x[2]) for x in _notes(m) if len(x) > 2) for m in melodies]),
    }
    if training is not None:
        stats["copying"] = np.array(copying_per_melody(melodies, training, n=n), dtype=float)
    return stats


def pitch_class_counts(melody, shift: int = 0) -> np.ndarray:
    """Note time on each of the 12 pitch classes, after moving the melody by ``shift``."""
    counts = np.zeros(12)
    for pitch, length, *_ in _notes(melody):
        if pitch is not None:
            counts[(pitch + int(shift)) % 12] += float(length)
    return counts


def interval_counts(melody, *, max_interval: int = MAX_INTERVAL) -> np.ndarray:
    """How often each interval -max..+max occurs in one melody (larger leaps clipped)."""
    counts = np.zeros(2 * max_interval + 1)
    pitches = _pitches(melody)
    for a, b in zip(pitches, pitches[1:], strict=False):
        counts[int(np.clip(b - a, -max_interval, max_interval)) + max_interval] += 1
    return counts


def _columns(stats: dict, index, reference_pcs, reference_intervals) -> dict:
    pcs = stats["pitch_classes"][index].sum(0)
    intervals = stats["intervals"][index].sum(0)
    lengths = np.array([x for i in index for x in stats["lengths"][i]])
    fermatas = stats["fermatas"][index].sum()
    row = {
        "pitch_class_distance": histogram_distance(pcs / pcs.sum(), reference_pcs),
        "interval_distance": histogram_distance(intervals / intervals.sum(), reference_intervals),
        "step_share": float(intervals[MAX_INTERVAL - 2 : MAX_INTERVAL + 3].sum() / intervals.sum()),
        "key_correlation": float(stats["key_correlation"][index].mean()),
        "mean_length": float(lengths.mean()),
        "quarter_share": float((lengths == 1.0).mean()),
        "notes_per_phrase": len(lengths) / fermatas if fermatas else float("nan"),
    }
    if "copying" in stats:
        copying = stats["copying"][index]
        row["longest_copy"] = float(copying[:, 0].max())
        row["copied_8grams"] = float(copying[:, 1].sum() / max(copying[:, 2].sum(), 1))
    return row


def bootstrap_table(
    sets: dict,
    reference,
    *,
    keys=None,
    training=None,
    n_boot: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> dict:
    """Each column of the metrics table for each set of melodies, with a bootstrap interval.

    ``sets`` maps a name to a list of melodies; ``keys`` maps a name to one key per melody
    (sets not in ``keys`` are moved by their own estimated keys). Melodies are resampled
    with replacement ``n_boot`` times; the interval holds the central ``confidence`` share
    of the resampled values. Returns ``{name: {column: (value, low, high)}}``.
    """
    n_boot = check_positive_int("n_boot", n_boot)
    confidence = check_number(
        "confidence", confidence, low=0, high=1, low_inclusive=False, high_inclusive=False
    )
    reference = _check_melodies(reference)
    reference_shifts = [
        key_shift(m["key"]) if isinstance(m, dict) and "key" in m else key_analysis(m)["shift_to_c"]
        for m in reference
    ]
    reference_pcs = pitch_class_histogram(reference, shifts=reference_shifts)
    reference_intervals = interval_histogram(reference)
    rng = np.random.default_rng(seed)
    table = {}
    for name, melodies in sets.items():
        stats = melody_statistics(melodies, keys=(keys or {}).get(name), training=training)
        count = len(stats["key_correlation"])
        point = _columns(stats, np.arange(count), reference_pcs, reference_intervals)
        draws = [
            _columns(stats, rng.integers(0, count, count), reference_pcs, reference_intervals)
            for _ in range(n_boot)
        ]
        tail = (1 - confidence) / 2
        table[name] = {
            column: (value, *np.nanquantile([d[column] for d in draws], [tail, 1 - tail]))
            for column, value in point.items()
        }
    return table


def format_interval_table(table: dict, *, digits: int = 2) -> str:
    """Measures as rows, sets as columns, each cell ``value [low, high]``: fits a notebook."""
    names = list(table)
    columns = list(table[names[0]])
    cells = {
        (
            c,
            n,
        ): f"{table[n][c][0]:.{digits}f} [{table[n][c][1]:.{digits}f}, {table[n][c][2]:.{digits}f}]"
        for c in columns
        for n in names
    }
    width = max(max(len(v) for v in cells.values()), max(len(n) for n in names)) + 2
    first = max(len(c) for c in columns) + 1
    lines = [f"{'':<{first}}" + "".join(f"{n:>{width}}" for n in names)]
    lines += [f"{c:<{first}}" + "".join(f"{cells[c, n]:>{width}}" for n in names) for c in columns]
    return "\n".join(lines)


def format_table(rows: dict, *, digits: int = 3) -> str:
    """A plain-text table: one row per name in ``rows``, one column per measure."""
    columns = list(next(iter(rows.values())))
    widths = [max(len(c), digits + 3) + 2 for c in columns]
    lines = [f"{'':>8}" + "".join(f"{c:>{w}}" for c, w in zip(columns, widths, strict=True))]
    for name, row in rows.items():
        lines.append(
            f"{name:>8}"
            + "".join(
                f"{row[c]:>{w}}" if isinstance(row[c], int) else f"{row[c]:>{w}.{digits}f}"
                for c, w in zip(columns, widths, strict=True)
            )
        )
    return "\n".join(lines)
