"""An exercise source notebook (``solutions/NN_topic.py``) and its graded parts.

The source is an nbgrader notebook: *answer* cells (``"solution": true``) hold the model
answer between ``### BEGIN SOLUTION`` and ``### END SOLUTION``; *test* cells
(``"grade": true``, with ``points``) hold visible tests and, between ``### BEGIN HIDDEN
TESTS`` and ``### END HIDDEN TESTS``, hidden ones. A *part* is one test cell; it depends on
the answer cells that come before it, back to the previous test cell.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path

import jupytext
import nbformat

BEGIN_HIDDEN = "### BEGIN HIDDEN TESTS"
END_HIDDEN = "### END HIDDEN TESTS"


def nbgrader_meta(cell) -> dict:
    """The cell's nbgrader metadata ({} for an ordinary cell)."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return meta if isinstance(meta, dict) else {}


def is_answer(cell) -> bool:
    return bool(nbgrader_meta(cell).get("solution")) and cell.get("cell_type") == "code"


def is_test(cell) -> bool:
    meta = nbgrader_meta(cell)
    return bool(meta.get("grade")) and not meta.get("solution") and cell.get("cell_type") == "code"


def split_hidden(source: str) -> tuple[str, str]:
    """(visible code, hidden code) of a test cell; the hidden part may be empty."""
    visible, hidden, inside = [], [], False
    for line in source.splitlines():
        if line.strip() == BEGIN_HIDDEN:
            inside = True
        elif line.strip() == END_HIDDEN:
            inside = False
        else:
            (hidden if inside else visible).append(line)
    return "\n".join(visible).strip("\n"), "\n".join(hidden).strip("\n")


@dataclass(frozen=True)
class Part:
    """One graded part: a test cell, its points and the answer cells it checks."""

    grade_id: str
    points: float
    answers: tuple[str, ...]


@dataclass
class Exercise:
    """An exercise: its name (``NN_topic``), source notebook and graded parts."""

    name: str
    path: Path
    notebook: nbformat.NotebookNode

    @property
    def parts(self) -> list[Part]:
        parts, answers = [], []
        for cell in self.notebook.cells:
            if is_answer(cell):
                answers.append(nbgrader_meta(cell)["grade_id"])
            elif is_test(cell):
                meta = nbgrader_meta(cell)
                parts.append(Part(meta["grade_id"], float(meta["points"]), tuple(answers)))
                answers = []
        return parts

    @property
    def max_points(self) -> float:
        return sum(part.points for part in self.parts)

    def copy_notebook(self) -> nbformat.NotebookNode:
        return copy.deepcopy(self.notebook)


def load_exercise(path) -> Exercise:
    """Read an exercise source: ``solutions/NN_topic.py`` (or its ``.ipynb`` pair)."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"No exercise source at {path}.")
    notebook = jupytext.read(path)
    ids = [nbgrader_meta(c).get("grade_id") for c in notebook.cells if nbgrader_meta(c)]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ValueError(f"{path}: grade ids must be unique, these repeat: {duplicates}.")
    return Exercise(path.stem, path, notebook)


def default_source_dir() -> Path:
    """``solutions/`` next to the package in a source checkout of the course."""
    return Path(__file__).resolve().parents[2] / "solutions"


def find_exercises(source_dir=None) -> dict[str, Exercise]:
    """Every exercise source in ``source_dir`` (default: the course's ``solutions/``), by name."""
    source_dir = Path(source_dir or default_source_dir())
    if not source_dir.is_dir():
        raise FileNotFoundError(
            f"No exercise sources in {source_dir}: pass --source with the folder that holds "
            "the solution notebooks (NN_topic.py)."
        )
    return {p.stem: load_exercise(p) for p in sorted(source_dir.glob("[0-9][0-9]_*.py"))}
