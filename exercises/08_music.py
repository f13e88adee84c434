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
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown] nbgrader={"grade": false, "grade_id": "intro", "locked": true, "schema_version": 3, "solution": false, "checksum": "4595ec4154ea76b61644836163bb2cdd", "cell_type": "markdown"} deletable=false editable=false
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

# %% nbgrader={"grade": false, "grade_id": "setup", "locked": true, "schema_version": 3, "solution": false, "checksum": "4bc7c3fe7857b7920ee7d147b88c43de", "cell_type": "code"} deletable=false editable=false
from genai_course import seed_everything

seed_everything(0)
# "Ode to Joy", opening phrase: E E F G | G F E D | C C D E | E. D D
ODE = [(64, 1.0), (64, 1.0), (65, 1.0), (67, 1.0), (67, 1.0), (65, 1.0), (64, 1.0), (62, 1.0),
       (60, 1.0), (60, 1.0), (62, 1.0), (64, 1.0), (64, 1.5), (62, 0.5), (62, 2.0)]

# %% [markdown] nbgrader={"grade": false, "grade_id": "transpose_md", "locked": true, "schema_version": 3, "solution": false, "checksum": "5bb73422f1c3fdab692cdaed028650d5", "cell_type": "markdown"} deletable=false editable=false
# ## Part 1 — transposition with a range check (3 points)
#
# Write `transpose(melody, semitones, low=48, high=84)`: return a **new** list in which
# every pitch is moved by `semitones` (rests stay rests, durations stay the same). If any
# transposed pitch falls outside `low..high` (inclusive), raise a `ValueError` whose
# message names the offending pitch. Do not modify `melody`.

# %% nbgrader={"grade": false, "grade_id": "transpose", "locked": false, "schema_version": 3, "solution": true, "checksum": "b3c9dc819c10d9f8e260c8a1a9c0e0e5", "cell_type": "code"} deletable=false
def transpose(melody, semitones, low=48, high=84):
    """The melody moved by `semitones`; ValueError if a note leaves low..high."""
    # YOUR CODE HERE
    raise NotImplementedError()


# %% nbgrader={"grade": true, "grade_id": "test_transpose", "locked": true, "points": 3, "schema_version": 3, "solution": false, "checksum": "5857c2e44d4998971f444f7191ec8bc8", "cell_type": "code"} deletable=false editable=false
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


# %% [markdown] nbgrader={"grade": false, "grade_id": "intervals_md", "locked": true, "schema_version": 3, "solution": false, "checksum": "fc0758b8a8df13a931fee492450e6f9e", "cell_type": "markdown"} deletable=false editable=false
# ## Part 2 — intervals (2 points)
#
# Write `melody_intervals(melody)`: the list of steps, in semitones, from each note to
# the next note (`int`s, positive = up), **skipping rests** (a rest between two notes
# does not break the step between them). A melody of $n$ notes has $n - 1$ intervals.

# %% nbgrader={"grade": false, "grade_id": "melody_intervals", "locked": false, "schema_version": 3, "solution": true, "checksum": "d6dbf7fafcf8f16c27398fa89265b38d", "cell_type": "code"} deletable=false
def melody_intervals(melody):
    """Semitone steps between consecutive notes, rests skipped."""
    # YOUR CODE HERE
    raise NotImplementedError()


# %% nbgrader={"grade": true, "grade_id": "test_melody_intervals", "locked": true, "points": 2, "schema_version": 3, "solution": false, "checksum": "7558696ed4a501fc7b3a6cbff471953b", "cell_type": "code"} deletable=false editable=false
_iv = melody_intervals(ODE[:5])
assert type(_iv) is list, f"return a list, got {type(_iv).__name__}"
assert _iv == [0, 1, 2, 0] and all(type(i) is int for i in _iv), (
    f"E E F G G moves by 0, +1, +2, 0 semitones: expected [0, 1, 2, 0], got {_iv}")
assert melody_intervals([(60, 1.0), (None, 1.0), (55, 1.0)]) == [-5], "skip rests: C, rest, G is one step of -5"


# %% [markdown] nbgrader={"grade": false, "grade_id": "augment_md", "locked": true, "schema_version": 3, "solution": false, "checksum": "610e739498c64db6efec96c7cd728b0a", "cell_type": "markdown"} deletable=false editable=false
# ## Part 3 — augmentation by transposition (3 points)
#
# A melody moved to another key is still a good melody, so a model can learn from every
# key. Write `augment(melody, low, high, max_shift=6)`: the list of all transpositions by
# `-max_shift, ..., +max_shift` semitones (in that order, the original included at shift
# 0) that stay within `low..high`. Use your `transpose` (and its `ValueError`).

# %% nbgrader={"grade": false, "grade_id": "augment", "locked": false, "schema_version": 3, "solution": true, "checksum": "404867eee629e1e36cf81b9d54ed7135", "cell_type": "code"} deletable=false
def augment(melody, low, high, max_shift=6):
    """Every transposition by -max_shift..max_shift that fits in low..high, in shift order."""
    # YOUR CODE HERE
    raise NotImplementedError()


# %% nbgrader={"grade": true, "grade_id": "test_augment", "locked": true, "points": 3, "schema_version": 3, "solution": false, "checksum": "c63d0a9e505393bd0badbb9f3417f9a7", "cell_type": "code"} deletable=false editable=false
_a = augment(ODE, 60, 67)
assert type(_a) is list, f"return a list of melodies, got {type(_a).__name__}"
assert _a == [ODE], (
    f"the Ode spans exactly 60..67, so only the original fits in 60..67; got {len(_a)} versions")
_a = augment([(60, 1.0)], 58, 62, max_shift=3)
assert _a == [[(58, 1.0)], [(59, 1.0)], [(60, 1.0)], [(61, 1.0)], [(62, 1.0)]], (
    f"a single C in 58..62 with shifts -3..3 fits 5 ways (shifts -2..2), in order; got {_a}")
assert len(augment(ODE, 48, 84)) == 13, "in 48..84 the Ode fits every shift from -6 to +6 (both included): 13 versions"


# %% [markdown] nbgrader={"grade": false, "grade_id": "factor_md", "locked": true, "schema_version": 3, "solution": false, "checksum": "3b6efa4543bed165d6c1fe14ade70b21", "cell_type": "markdown"} deletable=false editable=false
# ## Part 4 — how much does augmentation really add? (2 points)
#
# "Thirteen keys for every melody" holds only if every transposition fits the singer's
# range, and melodies with a wide range fit fewer. Write
# `augmentation_factor(melodies, low, high, max_shift=6)`: the **mean number of versions
# per melody** that `augment` produces (a melody that fits no shift contributes 0), as a
# Python `float`. The demo below measures it on the 340 chorale melodies of the lesson,
# for a soprano's range.

# %% nbgrader={"grade": false, "grade_id": "augmentation_factor", "locked": false, "schema_version": 3, "solution": true, "checksum": "098ff04cbe5552c438269b7684d4edfe", "cell_type": "code"} deletable=false
def augmentation_factor(melodies, low, high, max_shift=6):
    """Mean number of in-range transpositions per melody."""
    # YOUR CODE HERE
    raise NotImplementedError()


# %% nbgrader={"grade": true, "grade_id": "test_augmentation_factor", "locked": true, "points": 2, "schema_version": 3, "solution": false, "checksum": "9f5d43a84c62063ebfd4e26b150f1988", "cell_type": "code"} deletable=false editable=false
_narrow = [(62, 1.0), (64, 1.0)]  # spans 2 semitones
_wide = [(57, 1.0), (76, 1.0)]    # spans 19 semitones
_f = augmentation_factor([_narrow, _wide], 55, 79)
assert type(_f) is float, f"return a Python float, got {type(_f).__name__}"
assert _f == (13 + 6) / 2, (
    "in 55..79 the narrow melody fits all 13 shifts, the wide one only shifts -2..3 (6 versions): "
    f"expected a mean of 9.5 versions per melody, got {_f}")

# %% [markdown] nbgrader={"grade": false, "grade_id": "outro", "locked": true, "schema_version": 3, "solution": false, "checksum": "e870bdac3f0e2e5f47cc02463e6cc2f5", "cell_type": "markdown"} deletable=false editable=false
# ## One phrase, many keys
#
# Augmentation changes every pitch but not one interval: the tune stays the same. Then
# your `augmentation_factor` measures how many versions of each of the lesson's 340
# chorale melodies fit a soprano's range (C4 to A5, MIDI 60..81) with shifts up to 6
# semitones each way: fewer than the 13 one might assume.

# %% nbgrader={"grade": false, "grade_id": "demo", "locked": true, "schema_version": 3, "solution": false, "checksum": "ef6eb8c3139289a91e4bf5efd4b030b3", "cell_type": "code"} deletable=false editable=false
versions = augment(ODE, 55, 79)
print(f"{len(versions)} versions of the phrase fit a soprano's range 55..79;")
print(f"the same intervals in all of them: {all(melody_intervals(v) == melody_intervals(ODE) for v in versions)}")

from genai_course.data.chorales import load_chorale_melodies  # noqa: E402

chorales = [[(note[0], note[1]) for note in melody["notes"]] for melody in load_chorale_melodies()]
print(f"{len(chorales)} chorale melodies: {augmentation_factor(chorales, 60, 81):.1f} versions per melody "
      f"fit 60..81 (of 13 shifts); {augmentation_factor(chorales, 55, 84):.1f} fit the wider 55..84")
