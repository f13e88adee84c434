"""Exercises and their grading: release student versions, grade submissions, check one notebook.

- :mod:`.exercise`: an exercise source (``solutions/NN_topic.py``) and its graded parts.
- :mod:`.release`: the student version, made with nbgrader's own preprocessors.
- :mod:`.submission`: read a submitted notebook, whatever state it is in.
- :mod:`.restore`: rebuild a submission for grading (answers from the student, tests from us).
- :mod:`.execute`: run a notebook in a fresh kernel with time and output limits.
- :mod:`.grade`: grade one submission, or a batch in parallel, into a gradebook.
- :mod:`.check`: run the visible tests of one notebook, for learners.
"""

from genai_course.grading.exercise import Exercise, Part, find_exercises, load_exercise

__all__ = ["Exercise", "Part", "find_exercises", "load_exercise"]
