"""Checks that guard what a lesson teaches, written for learners who experiment.

A lesson states what its run shows ("the balanced GAN covers all 8 modes"). A learner who
changes a hyperparameter may get a different result, and that is the point of
experimenting: a bare ``AssertionError`` would stop the notebook and explain nothing.
:func:`expect` instead says what the lesson expected, what happened, and why it may
differ, and lets the notebook run on.

The test suite sets ``GENAI_COURSE_STRICT=1`` (``make test`` does), so that an
unchanged lesson whose claim no longer holds fails there, loudly.
"""

from __future__ import annotations

import os
import warnings


class LessonExpectation(UserWarning):
    """A lesson's claim did not hold in this run (shown, not raised, outside the tests)."""


class LessonClaimFailed(AssertionError):
    """Raised instead of warning when ``GENAI_COURSE_STRICT=1`` (the test suite)."""


def strict() -> bool:
    """True when claims must hold (the test suite), False for a learner's own runs."""
    return os.environ.get("GENAI_COURSE_STRICT", "").strip().lower() in {"1", "true", "yes"}


def expect(condition: bool, claim: str, *, observed: str = "", why: str = "") -> None:
    """Check a claim of the lesson; tell the learner, kindly, when it does not hold.

    ``claim`` is what the text says (e.g. "the balanced GAN covers all 8 modes"),
    ``observed`` what this run measured, ``why`` what can make it differ (a changed
    setting, a shorter training run). Returns nothing, so a cell that ends on it prints
    nothing (no stray ``True``).
    """
    if condition:
        return
    message = f"The lesson expected: {claim}."
    if observed:
        message += f" This run measured: {observed}."
    message += " " + (
        why
        or "If you changed a setting above, that is the likely reason: "
        "compare with the defaults, or re-run from the top."
    )
    if strict():
        raise LessonClaimFailed(message)
    warnings.warn(message, LessonExpectation, stacklevel=2)
