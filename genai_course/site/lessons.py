"""Find lesson notebooks by a short name ("00", "00_mechanism", a path) and read their titles."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

# The lessons folder of a source checkout: <repo>/lessons next to <repo>/genai_course.
DEFAULT_LESSONS_DIR = Path(__file__).resolve().parents[2] / "lessons"


def lessons_dir(path: str | Path | None = None) -> Path:
    """The folder holding ``NN_topic.ipynb`` files: ``path``, ``./lessons`` or the checkout's."""
    candidates = [Path(path)] if path else [Path("lessons"), DEFAULT_LESSONS_DIR]
    for candidate in candidates:
        if candidate.is_dir():
            return candidate.resolve()
    raise FileNotFoundError(
        f"no lessons folder at {', '.join(str(c) for c in candidates)}; run the command from the "
        "course folder (the one with lessons/) or pass --lessons DIR"
    )


def find_lessons(
    names: list[str] | tuple[str, ...] = (), folder: str | Path | None = None
) -> list[Path]:
    """The lesson notebooks named by ``names`` (all lessons, in order, when empty).

    A name is a path to an ``.ipynb``, a file stem (``00_mechanism``) or a lesson number (``00``).
    """
    if names and all(Path(n).suffix == ".ipynb" and Path(n).is_file() for n in names):
        return [Path(n).resolve() for n in names]
    folder = lessons_dir(folder)
    available = sorted(p for p in folder.glob("*.ipynb") if re.match(r"\d\d_", p.name))
    if not names:
        if not available:
            raise FileNotFoundError(f"no lesson notebooks (NN_topic.ipynb) in {folder}")
        return available
    found = []
    for name in names:
        path = Path(name)
        if path.suffix == ".ipynb" and path.is_file():
            found.append(path.resolve())
            continue
        stem = path.stem if path.suffix in (".ipynb", ".py") else path.name
        matches = [p for p in available if p.stem == stem or p.stem.split("_", 1)[0] == stem]
        if len(matches) != 1:
            known = ", ".join(p.stem for p in available) or "none"
            raise FileNotFoundError(f"no single lesson matches {name!r}; the lessons are: {known}")
        found.append(matches[0])
    return found


def lesson_title(nb: nbformat.NotebookNode, fallback: str = "") -> str:
    """The text of the first ``# heading`` of the notebook's first markdown cell with one."""
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            if line.startswith("# "):
                return line[2:].strip()
    return fallback
