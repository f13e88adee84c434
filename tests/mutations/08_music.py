"""Wrong and right answers for exercise 08 (see tests/test_exercise_mutations.py)."""

MUTATIONS = {
    "test_transpose": {
        "wrong": {
            "modifies_input": """
def transpose(melody, semitones, low=48, high=84):
    for i, (pitch, duration) in enumerate(melody):
        if pitch is not None:
            if not low <= pitch + semitones <= high:
                raise ValueError(f"pitch {pitch + semitones} out of range")
            melody[i] = (pitch + semitones, duration)
    return melody
""",
            "exclusive_range": """
def transpose(melody, semitones, low=48, high=84):
    out = []
    for pitch, duration in melody:
        if pitch is not None:
            pitch += semitones
            if not low < pitch < high:
                raise ValueError(f"pitch {pitch} out of range")
        out.append((pitch, duration))
    return out
""",
            "message_names_old_pitch": """
def transpose(melody, semitones, low=48, high=84):
    out = []
    for pitch, duration in melody:
        if pitch is not None:
            if not low <= pitch + semitones <= high:
                raise ValueError(f"pitch {pitch} cannot move by {semitones}")
            pitch += semitones
        out.append((pitch, duration))
    return out
""",
            "no_range_check": """
def transpose(melody, semitones, low=48, high=84):
    return [(None if p is None else p + semitones, d) for p, d in melody]
""",
            "checks_original_pitch": """
def transpose(melody, semitones, low=48, high=84):
    out = []
    for pitch, duration in melody:
        if pitch is not None:
            if not low <= pitch <= high:
                raise ValueError(f"pitch {pitch + semitones} out of range")
            pitch += semitones
        out.append((pitch, duration))
    return out
""",
            "lists_not_tuples": """
def transpose(melody, semitones, low=48, high=84):
    out = []
    for pitch, duration in melody:
        if pitch is not None:
            pitch += semitones
            if not low <= pitch <= high:
                raise ValueError(f"pitch {pitch} out of range")
        out.append([pitch, duration])
    return out
""",
        },
        "right": {
            "comprehension_then_check": """
def transpose(melody, semitones, low=48, high=84):
    moved = [(p if p is None else p + semitones, d) for p, d in melody]
    bad = [p for p, _ in moved if p is not None and not (low <= p <= high)]
    if bad:
        raise ValueError(f"transposed pitch {bad[0]} lies outside {low}..{high}; choose a smaller shift")
    return moved
""",
        },
        "common": [
            "modifies_input",
            "message_names_old_pitch",
            "no_range_check",
            "lists_not_tuples",
        ],
    },
    "test_melody_intervals": {
        "wrong": {
            "rest_breaks_step": """
def melody_intervals(melody):
    return [b[0] - a[0] for a, b in zip(melody, melody[1:]) if a[0] is not None and b[0] is not None]
""",
            "downward_positive": """
def melody_intervals(melody):
    p = [x for x, _ in melody if x is not None]
    return [a - b for a, b in zip(p, p[1:])]
""",
            "absolute_values": """
def melody_intervals(melody):
    p = [x for x, _ in melody if x is not None]
    return [abs(b - a) for a, b in zip(p, p[1:])]
""",
            "from_first_note": """
def melody_intervals(melody):
    p = [x for x, _ in melody if x is not None]
    return [b - p[0] for b in p[1:]]
""",
            "floats": """
def melody_intervals(melody):
    p = [float(x) for x, _ in melody if x is not None]
    return [b - a for a, b in zip(p, p[1:])]
""",
        },
        "right": {
            "numpy_diff": """
def melody_intervals(melody):
    import numpy as np
    pitches = np.array([p for p, _ in melody if p is not None], dtype=int)
    return [int(step) for step in np.diff(pitches)]
""",
            "loop_with_previous": """
def melody_intervals(melody):
    steps, previous = [], None
    for pitch, _ in melody:
        if pitch is None:
            continue
        if previous is not None:
            steps.append(pitch - previous)
        previous = pitch
    return steps
""",
        },
        "common": ["rest_breaks_step", "downward_positive", "absolute_values", "floats"],
    },
    "test_augment": {
        "wrong": {
            "skips_original": """
def augment(melody, low, high, max_shift=6):
    out = []
    for s in range(-max_shift, max_shift + 1):
        if s == 0:
            continue
        try:
            out.append(transpose(melody, s, low, high))
        except ValueError:
            pass
    return out
""",
            "off_by_one_range": """
def augment(melody, low, high, max_shift=6):
    out = []
    for s in range(-max_shift, max_shift):
        try:
            out.append(transpose(melody, s, low, high))
        except ValueError:
            pass
    return out
""",
            "default_range": """
def augment(melody, low, high, max_shift=6):
    out = []
    for s in range(-max_shift, max_shift + 1):
        try:
            out.append(transpose(melody, s))
        except ValueError:
            pass
    return out
""",
            "stops_at_first_failure": """
def augment(melody, low, high, max_shift=6):
    out = []
    for s in range(-max_shift, max_shift + 1):
        try:
            out.append(transpose(melody, s, low, high))
        except ValueError:
            break
    return out
""",
            "ignores_max_shift": """
def augment(melody, low, high, max_shift=6):
    out = []
    for s in range(-6, 7):
        try:
            out.append(transpose(melody, s, low, high))
        except ValueError:
            pass
    return out
""",
            "zero_first": """
def augment(melody, low, high, max_shift=6):
    out = []
    for s in sorted(range(-max_shift, max_shift + 1), key=abs):
        try:
            out.append(transpose(melody, s, low, high))
        except ValueError:
            pass
    return out
""",
        },
        "right": {
            "range_from_extremes": """
def augment(melody, low, high, max_shift=6):
    pitches = [p for p, _ in melody if p is not None]
    shifts = range(-max_shift, max_shift + 1)
    if pitches:
        shifts = [s for s in shifts if low <= min(pitches) + s and max(pitches) + s <= high]
    return [transpose(melody, s, low, high) for s in shifts]
""",
        },
        "common": ["skips_original", "off_by_one_range", "default_range", "zero_first"],
    },
    "test_augmentation_factor": {
        "wrong": {
            "assumes_all_shifts": """
def augmentation_factor(melodies, low, high, max_shift=6):
    return float(2 * max_shift + 1)
""",
            "total_not_mean": """
def augmentation_factor(melodies, low, high, max_shift=6):
    return float(sum(len(augment(m, low, high, max_shift)) for m in melodies))
""",
            "ignores_range": """
def augmentation_factor(melodies, low, high, max_shift=6):
    return sum(len(augment(m, 48, 84, max_shift)) for m in melodies) / len(melodies)
""",
            "ignores_max_shift": """
def augmentation_factor(melodies, low, high, max_shift=6):
    return sum(len(augment(m, low, high)) for m in melodies) / len(melodies)
""",
            "skips_unfit_melodies": """
def augmentation_factor(melodies, low, high, max_shift=6):
    counts = [len(augment(m, low, high, max_shift)) for m in melodies]
    counts = [c for c in counts if c > 0]
    return sum(counts) / len(counts)
""",
            "new_versions_only": """
def augmentation_factor(melodies, low, high, max_shift=6):
    return sum(len(augment(m, low, high, max_shift)) - 1 for m in melodies) / len(melodies)
""",
        },
        "right": {
            "statistics_mean": """
def augmentation_factor(melodies, low, high, max_shift=6):
    import statistics
    return float(statistics.mean(len(augment(m, low, high, max_shift)) for m in melodies))
""",
            "by_hand": """
def augmentation_factor(melodies, low, high, max_shift=6):
    total = 0
    for m in melodies:
        for s in range(-max_shift, max_shift + 1):
            if all(p is None or low <= p + s <= high for p, _ in m):
                total += 1
    return total / len(melodies)
""",
        },
        "common": ["assumes_all_shifts", "total_not_mean", "ignores_range", "new_versions_only"],
    },
}
