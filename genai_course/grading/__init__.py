"""Exercises and their grading: release student versions, grade submissions, check one notebook.

- :mod:`.exercise`: an exercise source (``solutions/NN_topic.py``) and its graded parts.
- :mod:`.release`: the student version, made with nbgrader's own preprocessors.
- :mod:`.submission`: read a submitted notebook, whatever state it is in.
- :mod:`.restore`: rebuild a submission for grading (answers from the student, tests from us).
- :mod:`.execute`: run a notebook in a fresh kernel with time and output limits (``check``).
- :mod:`.sandbox`, :mod:`.worker`: the bubblewrap sandbox student code runs in.
- :mod:`.wire`: what crosses the sandbox boundary (plain data out, never pickle).
- :mod:`.verdict`: test cells run in a clean process, student functions as stand-ins.
- :mod:`.probes`: ask for gradients of a student function, across the boundary.
- :mod:`.grade`: grade one submission, or a batch in parallel or in shards, into a
  gradebook with signed results (docs/grading.md: the trust model).
- :mod:`.check`: run the visible tests of one notebook, for learners.
"""

from genai_course.grading.exercise import Exercise, Part, find_exercises, load_exercise

__all__ = ["Exercise", "Part", "find_exercises", "load_exercise"]
