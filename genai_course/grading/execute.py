"""Run a notebook in a fresh kernel, with limits, and say what happened in each cell.

Limits: a per-cell time limit, a per-notebook time limit and a cap on the output kept per
cell. When a cell runs out of time or kills its kernel (``os._exit``, a segfault), that
cell is marked and the notebook runs again from the top in a new kernel *without* it, so
the other cells still count. Every run starts a new kernel: no state leaks between
submissions.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from dataclasses import dataclass

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

OK, ERROR, TIMEOUT, CRASHED, NOT_RUN = "ok", "error", "timeout", "crashed", "not run"


@dataclass
class CellRun:
    """What happened when one cell ran."""

    status: str = NOT_RUN
    ename: str = ""
    evalue: str = ""
    traceback: str = ""
    stderr: bool = False
    truncated: bool = False
    reason: str = ""
    student: bool = False  # the error was raised by the student's code (in the sandbox)


class _CappedClient(NotebookClient):
    """An nbclient that keeps at most ``output_limit`` characters of output per cell."""

    def __init__(self, nb, output_limit: int, **kwargs):
        super().__init__(nb, **kwargs)
        self.output_limit = output_limit
        self.kept: dict[int, int] = {}
        self.truncated: set[int] = set()

    def output(self, outs, msg, display_id, cell_index):
        content = msg.get("content", {})
        size = len(str(content.get("text", ""))) + len(str(content.get("data", "")))
        kept = self.kept.get(cell_index, 0)
        if msg["msg_type"] != "error" and kept + size > self.output_limit:
            self.truncated.add(cell_index)
            return None
        self.kept[cell_index] = kept + size
        return super().output(outs, msg, display_id, cell_index)


def kernel_env() -> dict[str, str]:
    """The kernel's environment: one thread, no display, fixed hashing, so runs repeat."""
    env = dict(os.environ)
    env.update(
        GENAI_COURSE_THREADS="1",
        OMP_NUM_THREADS="1",
        MKL_NUM_THREADS="1",
        MPLBACKEND="Agg",
        PYTHONHASHSEED="0",
    )
    return env


def _read_outputs(cell, run: CellRun) -> None:
    for output in cell.get("outputs", []):
        if output.output_type == "error":
            run.status = ERROR
            run.ename, run.evalue = output.ename, output.evalue
            run.traceback = "\n".join(output.traceback)
        elif output.output_type == "stream" and output.name == "stderr":
            run.stderr = True


def run_notebook(
    notebook: nbformat.NotebookNode,
    *,
    cell_timeout: float = 60,
    timeout: float = 300,
    output_limit: int = 100_000,
    setup_timeout: float = 120,
    workdir=None,
) -> list[CellRun]:
    """Execute every code cell of ``notebook`` (not modified); one :class:`CellRun` per cell.

    Cells marked ``{"grading": {"role": "setup"}}`` hold the course's own code (imports,
    data): they get ``max(cell_timeout, setup_timeout)``, so a busy machine that makes
    ``import torch`` slow does not cost a student points.
    """
    cells = notebook.cells
    runs = [CellRun() for _ in cells]
    skipped: set[int] = set()
    deadline = time.monotonic() + timeout
    with tempfile.TemporaryDirectory(prefix="genai-grade-") as scratch:
        cwd = str(workdir or scratch)
        while True:
            restart = _attempt(
                notebook,
                runs,
                skipped,
                deadline,
                cell_timeout,
                output_limit,
                cwd,
                max(cell_timeout, setup_timeout),
            )
            if restart is None:
                break
            skipped.add(restart)
    return runs


def _attempt(
    notebook, runs, skipped, deadline, cell_timeout, output_limit, cwd, setup_timeout
) -> int | None:
    """Run the cells not in ``skipped``; the index of a cell that must be skipped, or None."""
    work = nbformat.from_dict(notebook)
    for i in range(len(work.cells)):
        if i not in skipped:
            runs[i] = CellRun()
    client = _CappedClient(
        work,
        output_limit,
        timeout=int(cell_timeout),
        kernel_name="python3",
        allow_errors=True,
        interrupt_on_timeout=False,
        record_timing=False,
        resources={"metadata": {"path": cwd}},
        startup_timeout=120,
    )
    try:
        with client.setup_kernel(env=kernel_env(), stderr=subprocess.DEVNULL):
            for i, cell in enumerate(work.cells):
                if i in skipped or cell.cell_type != "code":
                    continue
                remaining = deadline - time.monotonic()
                if remaining <= 1:
                    for j in range(i, len(work.cells)):
                        if j not in skipped:
                            runs[j].reason = "not run: the notebook used up its whole time limit"
                    return None
                is_setup = cell.metadata.get("grading", {}).get("role") == "setup"
                limit = setup_timeout if is_setup else cell_timeout
                client.timeout = int(max(1, min(limit, remaining)))
                try:
                    client.execute_cell(cell, i)
                except CellTimeoutError:
                    limited_by_notebook = client.timeout < limit
                    runs[i] = CellRun(
                        TIMEOUT,
                        reason=(
                            f"stopped after {client.timeout} s: "
                            + (
                                "the notebook's time limit was reached"
                                if limited_by_notebook
                                else f"the time limit is {int(limit)} s per cell"
                            )
                            + " (an infinite loop?)"
                        ),
                    )
                    return i
                except DeadKernelError:
                    runs[i] = CellRun(
                        CRASHED,
                        reason=(
                            "the kernel died while running this cell (os._exit, a crash, or out "
                            "of memory); it was skipped and the notebook run again without it"
                        ),
                    )
                    return i
                run = runs[i] = CellRun(OK)
                _read_outputs(cell, run)
                if i in client.truncated:
                    run.truncated = True
    except (DeadKernelError, RuntimeError, TimeoutError) as error:
        # the kernel failed to start or died between cells: nothing more can run
        for j, run in enumerate(runs):
            if run.status == NOT_RUN and j not in skipped:
                run.reason = f"not run: the kernel could not run ({type(error).__name__}: {error})"
    return None
