import warnings

import pytest

from genai_course.teaching import LessonClaimFailed, LessonExpectation, expect


def test_expect_passes_quietly_when_the_claim_holds(monkeypatch):
    monkeypatch.delenv("GENAI_COURSE_STRICT", raising=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert expect(True, "x") is None  # nothing to print at the end of a cell


def test_expect_warns_a_learner_with_claim_observation_and_reason(monkeypatch):
    monkeypatch.delenv("GENAI_COURSE_STRICT", raising=False)
    with pytest.warns(LessonExpectation, match="covers all 8 modes.*3 of 8.*fewer steps"):
        expect(
            False,
            "the GAN covers all 8 modes",
            observed="3 of 8",
            why="fewer steps give fewer modes",
        )


def test_expect_raises_in_the_test_suite(monkeypatch):
    monkeypatch.setenv("GENAI_COURSE_STRICT", "1")
    with pytest.raises(LessonClaimFailed, match="covers all 8 modes"):
        expect(False, "the GAN covers all 8 modes")
