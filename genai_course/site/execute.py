"""Run a lesson top to bottom with nbclient, the way a learner's kernel would."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def execute_notebook(
    path: str | Path, timeout: int = 600, threads: int | None = None
) -> nbformat.NotebookNode:
    """The executed notebook (outputs filled in); raises nbclient's CellExecutionError on failure.

    The kernel runs in the lesson's folder with figures drawn inline (an ``MPLBACKEND`` set for
    tests would otherwise hide them) and ``GENAI_COURSE_THREADS`` torch threads (default: this
    process's setting, else 1).
    """
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    env = dict(os.environ)
    env.pop("MPLBACKEND", None)
    env["GENAI_COURSE_THREADS"] = str(threads or env.get("GENAI_COURSE_THREADS", "1"))
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        store_widget_state=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute(env=env, cwd=str(path.parent))
    return nb
