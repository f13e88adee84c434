"""exercises/ is exactly what `genai-course release` writes from solutions/."""

from pathlib import Path

import nbformat
import pytest

from genai_course.grading.exercise import find_exercises, is_answer, is_test, nbgrader_meta
from genai_course.grading.release import render, student_version

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = find_exercises(ROOT / "solutions")
FIX = "run `genai-course release` and commit exercises/"


def test_every_lesson_has_an_exercise():
    lessons = sorted(p.stem for p in (ROOT / "lessons").glob("[0-9][0-9]_*.py"))
    missing = [name for name in lessons if name not in EXERCISES]
    assert not missing, f"lessons without an exercise in solutions/: {missing}"


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_released_files_are_up_to_date(name):
    for filename, text in render(EXERCISES[name]).items():
        path = ROOT / "exercises" / filename
        assert path.exists(), f"exercises/{filename} is missing: {FIX}"
        assert path.read_text() == text, f"exercises/{filename} is not what release writes: {FIX}"
    extra = {p.name for p in (ROOT / "exercises").glob("*")} - {
        f"{n}.{ext}" for n in EXERCISES for ext in ("py", "ipynb")
    }
    assert not extra, f"exercises/ holds files with no source in solutions/: {sorted(extra)}"


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_exercise_is_a_sound_nbgrader_source(name):
    exercise = EXERCISES[name]
    parts = exercise.parts
    assert 2 <= len(parts) <= 4, f"{name}: {len(parts)} graded parts, expected 2 to 4"
    assert all(p.points > 0 and p.answers for p in parts), (
        f"{name}: a part without points or answer"
    )
    first = exercise.notebook.cells[0]
    assert first.cell_type == "markdown" and f"../lessons/{name}.ipynb" in first.source, (
        f"{name}: the first cell must introduce the exercise and link to its lesson"
    )
    for cell in exercise.notebook.cells:
        meta = nbgrader_meta(cell)
        assert meta.get("schema_version") == 3, f"{name}: a cell without nbgrader metadata"
        if is_answer(cell):
            assert "### BEGIN SOLUTION" in cell.source and "### END SOLUTION" in cell.source
        if is_test(cell):
            assert "### BEGIN HIDDEN TESTS" in cell.source, (
                f"{name}/{meta['grade_id']}: no hidden tests"
            )
            assert "assert" in cell.source.split("### BEGIN HIDDEN TESTS")[0]


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_student_version_hides_solutions_and_hidden_tests(name):
    released = student_version(EXERCISES[name])
    text = nbformat.writes(released)
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "HIDDEN TESTS"):
        assert marker not in text, f"{name}: '{marker}' left in the student version"
    answers = [c for c in released.cells if is_answer(c)]
    assert answers and all("raise NotImplementedError()" in c.source for c in answers)
    for cell in released.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
        if is_test(cell):
            assert cell.metadata["editable"] is False and cell.metadata["deletable"] is False
            assert nbgrader_meta(cell)["checksum"]
