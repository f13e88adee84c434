"""Run the visible tests of one exercise notebook, for a learner at the command line.

The notebook is rebuilt like a submission (your answer cells, the original visible test
cells) and run in a fresh kernel; hidden tests are not run, so passing here is necessary
but not sufficient for full marks.
"""

from __future__ import annotations

from pathlib import Path

from genai_course.grading.execute import run_notebook
from genai_course.grading.exercise import default_source_dir, find_exercises
from genai_course.grading.grade import part_status
from genai_course.grading.restore import rebuild
from genai_course.grading.submission import read_notebook


def released_dir() -> Path:
    """``exercises/`` beside ``solutions/``: visible tests only, all a learner needs."""
    return default_source_dir().parent / "exercises"


def check_notebook(
    path,
    *,
    exercise: str | None = None,
    source_dir=None,
    cell_timeout: float = 60,
    timeout: float = 300,
) -> list[dict]:
    """One dict per part: grade_id, points, status, reason and the visible traceback."""
    path = Path(path)
    exercises = find_exercises(source_dir or released_dir())
    name = exercise or path.stem
    if name not in exercises:
        name = next((n for n in exercises if path.stem.endswith(n)), name)
    if name not in exercises:
        raise ValueError(
            f"cannot tell which exercise {path.name} is; pass --exercise with one "
            f"of {sorted(exercises)}."
        )
    chosen = exercises[name]
    rebuilt = rebuild(chosen, read_notebook(path), hidden=False)
    runs = run_notebook(rebuilt.notebook, cell_timeout=cell_timeout, timeout=timeout)
    runs_by_id = {
        (c.metadata["grading"]["role"], c.metadata["grading"]["grade_id"]): r
        for c, r in zip(rebuilt.notebook.cells, runs, strict=True)
    }
    report = []
    for part in chosen.parts:
        status, reason, traceback = part_status(part, runs_by_id, rebuilt)
        report.append(
            {
                "part": part.grade_id,
                "points": part.points,
                "status": status,
                "reason": reason,
                "traceback": traceback,
            }
        )
    return report
