# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown] nbgrader={"grade": false, "grade_id": "intro", "locked": true, "schema_version": 3, "solution": false}
# # Exercise 08 — melodies as data: transposition, intervals, augmentation
#
# This exercise goes with [lesson 08](../lessons/08_music.ipynb). Here a melody is a list
# of `(pitch, duration)` pairs: `pitch` is a MIDI note number (60 is middle C, one step =
# one semitone) or `None` for a rest, `duration` is in quarter notes. You write:
#
# 1. **transposition** with a range check (a soprano cannot sing every note);
# 2. the **intervals** of a melody, the statistic that says "this sounds like Bach";
# 3. **augmentation**: every transposition of a melody that stays in range, the trick that
#    multiplies a small corpus of chorales;
# 4. a **measurement**: by how much does augmentation actually multiply Bach's chorales,
#    for a singer's range?
#
# Write your code where it says `# YOUR CODE HERE` (delete the `raise NotImplementedError()`)
# and run the test cell below it. The grader also runs hidden tests, and puts back the
# original test cells, so make your functions right in general.

# %% nbgrader={"grade": false, "grade_id": "setup", "locked": true, "schema_version": 3, "solution": false}
from genai_course import seed_everything

seed_everything(0)
# "Ode to Joy", opening phrase: E E F G | G F E D | C C D E | E. D D
ODE = [(64, 1.0), (64, 1.0), (65, 1.0), (67, 1.0), (67, 1.0), (65, 1.0), (64, 1.0), (62, 1.0),
       (60, 1.0), (60, 1.0), (62, 1.0), (64, 1.0), (64, 1.5), (62, 0.5), (62, 2.0)]

# %% [markdown] nbgrader={"grade": false, "grade_id": "transpose_md", "locked": true, "schema_version": 3, "solution": false}
# ## Part 1 — transposition with a range check (3 points)
#
# Write `transpose(melody, semitones, low=48, high=84)`: return a **new** list in which
# every pitch is moved by `semitones` (rests stay rests, durations stay the same). If any
# transposed pitch falls outside `low..high` (inclusive), raise a `ValueError` whose
# message names the offending pitch. Do not modify `melody`.

# %% nbgrader={"grade": false, "grade_id": "transpose", "locked": false, "schema_version": 3, "solution": true}
def transpose(melody, semitones, low=48, high=84):
    """The melody moved by `semitones`; ValueError if a note leaves low..high."""
    ### BEGIN SOLUTION
    result = []
    for pitch, duration in melody:
        if pitch is not None:
            pitch = pitch + semitones
            if not low <= pitch <= high:
                raise ValueError(f"pitch {pitch} is outside the range {low}..{high}")
        result.append((pitch, duration))
    return result
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_transpose", "locked": true, "points": 3, "schema_version": 3, "solution": false}
_m = [(60, 1.0), (None, 0.5), (67, 0.5)]
_t = transpose(_m, 2)
assert type(_t) is list, f"return a list, got {type(_t).__name__}"
assert _t == [(62, 1.0), (None, 0.5), (69, 0.5)] and all(type(e) is tuple for e in _t), (
    f"up 2 semitones: expected [(62, 1.0), (None, 0.5), (69, 0.5)], got {_t}")
assert _m == [(60, 1.0), (None, 0.5), (67, 0.5)], "do not modify the input melody"
try:
    transpose(_m, 20)
except ValueError as _error:
    assert "87" in str(_error), f"the error message should name the pitch 87, got: {_error}"
else:
    raise AssertionError("67 + 20 = 87 is above the default range 48..84: raise ValueError")
### BEGIN HIDDEN TESTS
assert transpose(_m, 0) == _m and transpose(_m, 0) is not _m, "return a new list, even for a shift of 0"
assert transpose([(50, 1.0)], -2) == [(48, 1.0)], "the lowest pitch, low itself, is in range"
for _args in (([(50, 1.0)], -3), ([(70, 1.0)], 1, 40, 70)):
    try:
        transpose(*_args)
    except ValueError:
        pass
    else:
        raise AssertionError("a pitch outside low..high (below low, or above a given high) must raise ValueError")
assert transpose([(None, 4.0)], 100) == [(None, 4.0)], "rests have no pitch: they never leave the range"
assert transpose(ODE, -5, low=55, high=62)[8] == (55, 1.0), "use the low and high you are given"
assert transpose([(60, 0.5), (62, 1.5)], -12) == [(48, 0.5), (50, 1.5)], "durations stay the same"
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "intervals_md", "locked": true, "schema_version": 3, "solution": false}
# ## Part 2 — intervals (2 points)
#
# Write `melody_intervals(melody)`: the list of steps, in semitones, from each note to
# the next note (`int`s, positive = up), **skipping rests** (a rest between two notes
# does not break the step between them). A melody of $n$ notes has $n - 1$ intervals.

# %% nbgrader={"grade": false, "grade_id": "melody_intervals", "locked": false, "schema_version": 3, "solution": true}
def melody_intervals(melody):
    """Semitone steps between consecutive notes, rests skipped."""
    ### BEGIN SOLUTION
    pitches = [pitch for pitch, _ in melody if pitch is not None]
    return [b - a for a, b in zip(pitches[:-1], pitches[1:], strict=True)]
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_melody_intervals", "locked": true, "points": 2, "schema_version": 3, "solution": false}
_iv = melody_intervals(ODE[:5])
assert type(_iv) is list, f"return a list, got {type(_iv).__name__}"
assert _iv == [0, 1, 2, 0] and all(type(i) is int for i in _iv), (
    f"E E F G G moves by 0, +1, +2, 0 semitones: expected [0, 1, 2, 0], got {_iv}")
assert melody_intervals([(60, 1.0), (None, 1.0), (55, 1.0)]) == [-5], "skip rests: C, rest, G is one step of -5"
### BEGIN HIDDEN TESTS
assert melody_intervals([]) == [] and melody_intervals([(60, 1.0)]) == [], "fewer than two notes: no interval"
assert melody_intervals([(None, 1.0), (None, 2.0)]) == [], "rests only: no interval"
_ivs = melody_intervals(ODE)
assert type(_ivs) is list and len(_ivs) == 14 and sum(_ivs) == 62 - 64, "15 notes have 14 intervals"
assert melody_intervals(transpose(ODE, 7)) == _ivs, "transposition must not change the intervals"
assert melody_intervals([(None, 1.0), (60, 1.0), (None, 1.0), (None, 1.0), (72, 1.0), (None, 1.0)]) == [12], (
    "rests at the start, in a row or at the end are skipped too")
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "augment_md", "locked": true, "schema_version": 3, "solution": false}
# ## Part 3 — augmentation by transposition (3 points)
#
# A melody moved to another key is still a good melody, so a model can learn from every
# key. Write `augment(melody, low, high, max_shift=6)`: the list of all transpositions by
# `-max_shift, ..., +max_shift` semitones (in that order, the original included at shift
# 0) that stay within `low..high`. Use your `transpose` (and its `ValueError`).

# %% nbgrader={"grade": false, "grade_id": "augment", "locked": false, "schema_version": 3, "solution": true}
def augment(melody, low, high, max_shift=6):
    """Every transposition by -max_shift..max_shift that fits in low..high, in shift order."""
    ### BEGIN SOLUTION
    versions = []
    for shift in range(-max_shift, max_shift + 1):
        try:
            versions.append(transpose(melody, shift, low, high))
        except ValueError:
            continue
    return versions
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_augment", "locked": true, "points": 3, "schema_version": 3, "solution": false}
_a = augment(ODE, 60, 67)
assert type(_a) is list, f"return a list of melodies, got {type(_a).__name__}"
assert _a == [ODE], (
    f"the Ode spans exactly 60..67, so only the original fits in 60..67; got {len(_a)} versions")
_a = augment([(60, 1.0)], 58, 62, max_shift=3)
assert _a == [[(58, 1.0)], [(59, 1.0)], [(60, 1.0)], [(61, 1.0)], [(62, 1.0)]], (
    f"a single C in 58..62 with shifts -3..3 fits 5 ways (shifts -2..2), in order; got {_a}")
assert len(augment(ODE, 48, 84)) == 13, "in 48..84 the Ode fits every shift from -6 to +6 (both included): 13 versions"
### BEGIN HIDDEN TESTS
assert augment(ODE, 48, 84)[0] == transpose(ODE, -6) and augment(ODE, 48, 84)[-1] == transpose(ODE, 6), (
    "list the versions in shift order, from -max_shift to +max_shift")
assert augment(ODE, 61, 70) == [transpose(ODE, s) for s in (1, 2, 3)], (
    "keep exactly the shifts whose notes all stay within low..high")
assert augment(ODE, 70, 80) == [], "no shift fits: return an empty list"
assert augment([(None, 1.0)], 60, 61, max_shift=1) == [[(None, 1.0)]] * 3, "use max_shift"
assert len(augment(ODE, 40, 90, max_shift=10)) == 21, "use max_shift: 21 shifts -10..10 fit a wide range"
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "factor_md", "locked": true, "schema_version": 3, "solution": false}
# ## Part 4 — how much does augmentation really add? (2 points)
#
# "Thirteen keys for every melody" holds only if every transposition fits the singer's
# range, and melodies with a wide range fit fewer. Write
# `augmentation_factor(melodies, low, high, max_shift=6)`: the **mean number of versions
# per melody** that `augment` produces (a melody that fits no shift contributes 0), as a
# Python `float`. The demo below measures it on the 340 chorale melodies of the lesson,
# for a soprano's range.

# %% nbgrader={"grade": false, "grade_id": "augmentation_factor", "locked": false, "schema_version": 3, "solution": true}
def augmentation_factor(melodies, low, high, max_shift=6):
    """Mean number of in-range transpositions per melody."""
    ### BEGIN SOLUTION
    if not melodies:
        raise ValueError("no melodies given")
    return sum(len(augment(m, low, high, max_shift)) for m in melodies) / len(melodies)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_augmentation_factor", "locked": true, "points": 2, "schema_version": 3, "solution": false}
_narrow = [(62, 1.0), (64, 1.0)]  # spans 2 semitones
_wide = [(57, 1.0), (76, 1.0)]    # spans 19 semitones
_f = augmentation_factor([_narrow, _wide], 55, 79)
assert type(_f) is float, f"return a Python float, got {type(_f).__name__}"
assert _f == (13 + 6) / 2, (
    "in 55..79 the narrow melody fits all 13 shifts, the wide one only shifts -2..3 (6 versions): "
    f"expected a mean of 9.5 versions per melody, got {_f}")
### BEGIN HIDDEN TESTS
assert augmentation_factor([ODE], 48, 84) == 13.0, "a melody that fits every shift gives 2 * max_shift + 1"
assert augmentation_factor([ODE, [(95, 1.0)]], 48, 84) == 6.5, "a melody that fits no shift counts as 0 versions"
assert augmentation_factor([_narrow] * 3, 55, 79, max_shift=2) == 5.0, "use max_shift"
assert augmentation_factor([_narrow, [(None, 1.0), (61, 2.0)]], 60, 62, max_shift=1) == 1.5, (
    "use the low and high you are given (and rests never leave the range)")
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "outro", "locked": true, "schema_version": 3, "solution": false}
# ## One phrase, many keys
#
# Augmentation changes every pitch but not one interval: the tune stays the same. Then
# your `augmentation_factor` measures how many versions of each of the lesson's 340
# chorale melodies fit a soprano's range (C4 to A5, MIDI 60..81) with shifts up to 6
# semitones each way: fewer than the 13 one might assume.

# %% nbgrader={"grade": false, "grade_id": "demo", "locked": true, "schema_version": 3, "solution": false}
versions = augment(ODE, 55, 79)
print(f"{len(versions)} versions of the phrase fit a soprano's range 55..79;")
print(f"the same intervals in all of them: {all(melody_intervals(v) == melody_intervals(ODE) for v in versions)}")

from genai_course.data.chorales import load_chorale_melodies  # noqa: E402

chorales = [[(note[0], note[1]) for note in melody["notes"]] for melody in load_chorale_melodies()]
print(f"{len(chorales)} chorale melodies: {augmentation_factor(chorales, 60, 81):.1f} versions per melody "
      f"fit 60..81 (of 13 shifts); {augmentation_factor(chorales, 55, 84):.1f} fit the wider 55..84")
