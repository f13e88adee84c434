"""Read a submitted notebook, whatever state it is in, and tell whose and which it is.

Submissions are read, never written. A file that is empty, not JSON or not a notebook
gives a :class:`Unreadable` with the reason, so the grader can record it and go on.

Names: ``SUBMISSIONS/<student>/<NN_topic>.ipynb`` (also
``<student>/<NN_topic>/<NN_topic>.ipynb``, nbgrader's ``submitted`` layout) or
``<student>_<NN_topic>.ipynb``.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path

import nbformat


class Unreadable(Exception):
    """The file cannot be read as a notebook; ``str(error)`` says why."""


MAX_BYTES = 50 * 2**20


def read_submission_bytes(path) -> bytes:
    """The file's bytes; a symbolic link is refused, never followed (nor a FIFO, a device)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as error:
        if os.path.islink(path):
            raise Unreadable(
                "the submission is a symbolic link; the grader does not follow "
                "links (submit the notebook itself)"
            ) from None
        raise Unreadable(f"the file cannot be opened ({error.strerror})") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise Unreadable("the submission is not a regular file")
        if info.st_size > MAX_BYTES:
            raise Unreadable(
                f"the file is {info.st_size:,} bytes, more than the "
                f"{MAX_BYTES:,} a notebook may have"
            )
        return handle.read(MAX_BYTES + 1)


def read_notebook(path, *, data: bytes | None = None) -> nbformat.NotebookNode:
    """The submission as a notebook, or :class:`Unreadable` saying what is wrong with it.

    nbformat 3 notebooks (``worksheets``) are converted to version 4.
    """
    data = read_submission_bytes(path) if data is None else data
    if not data.strip():
        raise Unreadable("the file is empty")
    try:
        raw = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise Unreadable("the file is not text (not UTF-8), so not a notebook") from None
    except json.JSONDecodeError as error:
        raise Unreadable(
            f"the file is not valid JSON ({error.msg} at line {error.lineno}, "
            f"column {error.colno}); was it edited outside Jupyter?"
        ) from None
    old = (
        isinstance(raw, dict)
        and raw.get("nbformat") in (2, 3)
        and isinstance(raw.get("worksheets"), list)
    )
    if not isinstance(raw, dict) or not (old or isinstance(raw.get("cells"), list)):
        raise Unreadable("the file is JSON but not a Jupyter notebook (no list of cells)")
    try:
        notebook = nbformat.reads(json.dumps(raw), as_version=4)
    except Exception as error:  # nbformat raises several kinds for malformed notebooks
        raise Unreadable(
            f"the file is not a valid notebook ({type(error).__name__}: {str(error)[:200]})"
        ) from None
    for cell in notebook.cells:
        if not isinstance(cell, dict) or not isinstance(cell.get("source", ""), str):
            raise Unreadable("the notebook has a malformed cell")
    if old:
        notebook.metadata["genai_converted_from"] = raw["nbformat"]
    return notebook


def file_digest(path) -> str:
    return hashlib.sha256(read_submission_bytes(path)).hexdigest()


@dataclass(frozen=True)
class SubmissionName:
    student: str
    exercise: str | None


def identify(path, exercise_names) -> SubmissionName:
    """Student and exercise from the path (see the module docstring for the layouts)."""
    path = Path(path)
    stem = path.stem
    if stem in exercise_names:
        parent = path.parent
        if parent.name == stem:  # nbgrader: submitted/<student>/<assignment>/<notebook>.ipynb
            parent = parent.parent
        return SubmissionName(parent.name or "unknown", stem)
    for name in sorted(exercise_names, key=len, reverse=True):
        if stem.endswith("_" + name) and len(stem) > len(name) + 1:
            return SubmissionName(stem[: -len(name) - 1], name)
    return SubmissionName(path.parent.name or stem, None)
