"""The student version of an exercise, made with nbgrader's own preprocessors.

nbgrader works as a library on an ``nbformat`` notebook, with no course directory and no
database: its preprocessors replace every solution by a stub that raises
``NotImplementedError``, remove hidden tests, lock the test cells, record checksums and
clear outputs -- the same steps as ``nbgrader generate_assignment``.
"""

from __future__ import annotations

import re
from pathlib import Path

import jupytext
import nbformat
from nbgrader.preprocessors import (
    CheckCellMetadata,
    ClearHiddenTests,
    ClearOutput,
    ClearSolutions,
    ComputeChecksums,
    LockCells,
)

from genai_course.grading.exercise import Exercise, find_exercises

PIPELINE = (
    CheckCellMetadata,
    ClearSolutions,
    ClearHiddenTests,
    LockCells,
    ComputeChecksums,
    ClearOutput,
)


def student_version(exercise: Exercise) -> nbformat.NotebookNode:
    """The released notebook: solutions stubbed, hidden tests removed, outputs cleared."""
    notebook = exercise.copy_notebook()
    resources: dict = {}
    for preprocessor in PIPELINE:
        notebook, resources = preprocessor().preprocess(notebook, resources)
    # Exactly the metadata `jupytext --set-kernel python3 --to ipynb --update` (`make sync`)
    # writes, so syncing the pair changes nothing.
    notebook.metadata = nbformat.from_dict(
        {
            "jupytext": {"formats": "ipynb,py:percent"},
            "kernelspec": {
                "display_name": "Python 3 (ipykernel)",
                "language": "python",
                "name": "python3",
            },
        }
    )
    for i, cell in enumerate(notebook.cells):  # stable ids, so a re-release changes nothing
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        cell.id = re.sub(r"[^A-Za-z0-9_-]", "-", grade_id)[:64] or f"cell-{i}"
    return notebook


def render(exercise: Exercise) -> dict[str, str]:
    """The text of the two released files, ``NN_topic.ipynb`` and its ``NN_topic.py`` pair."""
    notebook = student_version(exercise)
    return {
        f"{exercise.name}.ipynb": nbformat.writes(notebook) + "\n",
        f"{exercise.name}.py": jupytext.writes(notebook, fmt="py:percent"),
    }


def release(source_dir=None, out_dir=None) -> list[Path]:
    """Write the student version of every exercise into ``out_dir`` (default ``exercises/``)."""
    exercises = find_exercises(source_dir)
    if not exercises:
        raise FileNotFoundError(f"No exercise sources (NN_topic.py) found in {source_dir}.")
    out_dir = (
        Path(out_dir)
        if out_dir
        else next(iter(exercises.values())).path.parent.parent / "exercises"
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for exercise in exercises.values():
        for filename, text in render(exercise).items():
            path = out_dir / filename
            if not path.exists() or path.read_text() != text:
                path.write_text(text)
            written.append(path)
    return written
