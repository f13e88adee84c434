"""The solutions are valid nbgrader sources: nbgrader itself gives the same scores as we do.

Runs nbgrader's own ``generate_assignment`` and ``autograde`` (its command line, a temporary
course directory, its own sqlite gradebook, offline) on three submissions of exercise 00 --
complete, blank, and half right with a tampered test cell -- and compares each part's score
with ``genai-course grade``.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from genai_course.grading.exercise import find_exercises, nbgrader_meta
from genai_course.grading.grade import grade_batch
from genai_course.grading.sandbox import sandbox_problem

pytest.importorskip("nbgrader")

ROOT = Path(__file__).resolve().parents[1]
NAME, ASSIGNMENT = "00_mechanism", "ex00"
HARD_CODED = (
    "def near_copy_fraction(samples, training, threshold):\n"
    "    return 0.5 if threshold == 1.0 else 0.0\n"
)


def _nbgrader(course: Path, *args: str) -> None:
    env = dict(
        os.environ,
        JUPYTER_CONFIG_DIR=str(course / ".jupyter"),
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        GENAI_COURSE_THREADS="1",
    )
    done = subprocess.run(
        [sys.executable, "-m", "nbgrader", *args],
        cwd=course,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{done.stderr[-3000:]}"


def _submission(released: nbformat.NotebookNode, answers: dict, tests: dict) -> str:
    notebook = nbformat.from_dict(json.loads(nbformat.writes(released)))
    for cell in notebook.cells:
        grade_id = nbgrader_meta(cell).get("grade_id")
        cell.source = answers.get(grade_id, tests.get(grade_id, cell.source))
    return nbformat.writes(notebook)


def test_nbgrader_autograde_agrees_with_genai_course_grade(tmp_path):
    course = tmp_path / "course"
    (course / "source" / ASSIGNMENT).mkdir(parents=True)
    (course / "source" / ASSIGNMENT / f"{NAME}.ipynb").write_text(
        (ROOT / "solutions" / f"{NAME}.ipynb").read_text()
    )
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        "c.CourseDirectory.course_id = 'genai-course'\n"
        f"c.CourseDirectory.root = {str(course)!r}\n"
        f"c.CourseDirectory.db_url = 'sqlite:///{course / 'gradebook.db'}'\n"
        "c.CourseDirectory.ignore = ['.ipynb_checkpoints', '*.pyc', '__pycache__', '*.py']\n"
        "c.ExecutePreprocessor.timeout = 300\n"
    )
    _nbgrader(course, "generate_assignment", ASSIGNMENT)
    released = nbformat.read(course / "release" / ASSIGNMENT / f"{NAME}.ipynb", as_version=4)

    exercise = find_exercises(ROOT / "solutions")[NAME]
    solutions = {
        nbgrader_meta(c)["grade_id"]: c.source
        for c in exercise.notebook.cells
        if nbgrader_meta(c).get("solution")
    }
    submissions = {
        "alice": _submission(released, solutions, {}),
        "bob": _submission(released, {}, {}),
        "carol": _submission(
            released,
            {"sample_mixture": solutions["sample_mixture"], "near_copy_fraction": HARD_CODED},
            {"test_near_copy_fraction": "pass"},
        ),
    }
    ours_dir = tmp_path / "ours"
    for student, text in submissions.items():
        folder = course / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        (folder / f"{NAME}.ipynb").write_text(text)
        (ours_dir / student).mkdir(parents=True)
        (ours_dir / student / f"{NAME}.ipynb").write_text(text)
    _nbgrader(course, "autograde", ASSIGNMENT, "--create")

    from nbgrader.api import Gradebook

    theirs = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for student in submissions:
            notebook = gradebook.find_submission_notebook(NAME, ASSIGNMENT, student)
            for grade in notebook.grades:
                theirs[(student, grade.name)] = (grade.score, grade.max_score)

    grade_batch(
        [ours_dir],
        tmp_path / "graded",
        source_dir=ROOT / "solutions",
        progress=False,
        isolate=sandbox_problem() is None,
    )
    rows = json.loads((tmp_path / "graded" / "gradebook.json").read_text())
    ours = {(r["student"], r["part"]): (r["points"], r["max_points"]) for r in rows}
    assert ours == theirs
    totals = {s: sum(v[0] for k, v in ours.items() if k[0] == s) for s in submissions}
    assert totals == {"alice": 9.0, "bob": 0.0, "carol": 3.0}
