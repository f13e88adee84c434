"""Run notebooks one after the other, each in a fresh kernel, and measure what they cost.

For every notebook we record what a learner on a laptop would feel and what limits them:

- **wall time**: from the first cell to the end of the last, as a clock on the wall sees it;
- **CPU time**: user + system seconds of the kernel process and its children over the same
  span. Unlike wall time it hardly changes when other programs compete for the cores, so it
  is the fairer figure on a busy machine;
- **peak memory**: the largest resident set size (RSS) of the kernel and its children,
  the larger of the kernel's own high-water mark (``VmHWM`` in ``/proc/PID/status``, exact)
  and a sampled sum over the process tree (every 0.05 s);
- the slowest cell, so a notebook over budget shows where its time goes.

The kernel gets ``GENAI_COURSE_THREADS`` set explicitly, so the figures always say how many
torch threads the lessons used.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat
import psutil

from genai_course.validation import check_positive_int

MB = 1024 * 1024


@dataclass
class NotebookRun:
    """What one notebook cost. ``error`` is empty when every cell ran."""

    name: str
    path: str
    kind: str  # "lesson", "solution" or "other"
    threads: int
    wall_s: float = 0.0
    cpu_s: float = 0.0
    peak_rss_mb: float = 0.0
    startup_s: float = 0.0  # kernel start, not part of wall_s
    cells: int = 0
    slowest_cell: int = -1  # index in the notebook (code and markdown cells counted)
    slowest_cell_s: float = 0.0
    slowest_cell_source: str = ""
    error: str = ""
    cell_seconds: list[float] = field(default_factory=list, repr=False)

    @property
    def ok(self) -> bool:
        return not self.error

    def as_dict(self) -> dict:
        return asdict(self)


def notebook_kind(path: Path) -> str:
    parent = Path(path).resolve().parent.name
    return {"lessons": "lesson", "solutions": "solution"}.get(parent, "other")


def course_notebooks(root: Path, *, quick: bool = False) -> list[Path]:
    """The lesson notebooks then the solution notebooks, in name order.

    ``quick`` keeps the first lesson and the first solution, for development.
    """
    root = Path(root)
    lessons = sorted((root / "lessons").glob("[0-9]*.ipynb"))
    solutions = sorted((root / "solutions").glob("[0-9]*.ipynb"))
    if quick:
        return lessons[:1] + solutions[:1]
    return lessons + solutions


def _tree(process: psutil.Process) -> list[psutil.Process]:
    try:
        return [process, *process.children(recursive=True)]
    except psutil.Error:
        return [process]


def cpu_seconds(process: psutil.Process) -> float:
    """User + system CPU seconds of a process, its finished children and its live children."""
    total = 0.0
    for i, proc in enumerate(_tree(process)):
        try:
            times = proc.cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system
        if i == 0:  # children already waited for are accounted to the parent
            total += times.children_user + times.children_system
    return total


def high_water_mark_mb(pid: int) -> float:
    """The kernel's own peak RSS as Linux records it (0 where /proc is unavailable)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # reported in kB
    except (OSError, ValueError):
        pass
    return 0.0


class MemorySampler:
    """Samples the RSS of a process tree in a background thread; ``peak_mb`` is the maximum."""

    def __init__(self, pid: int, interval: float = 0.05):
        self.process = psutil.Process(pid)
        self.interval = interval
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def sample(self) -> float:
        total = 0
        for proc in _tree(self.process):
            try:
                total += proc.memory_info().rss
            except psutil.Error:
                pass
        self.peak_mb = max(self.peak_mb, total / MB)
        return total / MB

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def __enter__(self) -> MemorySampler:
        self.sample()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()


def _short_source(source: str, width: int = 60) -> str:
    for line in source.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            return line if len(line) <= width else line[: width - 3] + "..."
    return ""


def _error_text(error: BaseException) -> str:
    name = getattr(error, "ename", None) or type(error).__name__
    value = getattr(error, "evalue", None) or str(error).strip().splitlines()[-1:] or [""]
    if isinstance(value, list):
        value = value[0]
    return f"{name}: {value}"[:300]


def run_notebook(
    path, *, threads: int, cell_timeout: int = 600, kernel_name: str = "python3"
) -> NotebookRun:
    """Execute one notebook in a fresh kernel (working directory: the notebook's folder)."""
    from nbclient import NotebookClient

    threads = check_positive_int("threads", threads)
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"No notebook at {path}.")
    nb = nbformat.read(path, as_version=4)
    run = NotebookRun(
        name=f"{path.resolve().parent.name}/{path.stem}",
        path=str(path),
        kind=notebook_kind(path),
        threads=threads,
    )
    client = NotebookClient(
        nb,
        timeout=cell_timeout,
        kernel_name=kernel_name,
        resources={"metadata": {"path": str(path.parent.resolve())}},
    )
    env = {
        **os.environ,
        "GENAI_COURSE_THREADS": str(threads),
        "MPLBACKEND": "Agg",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    }
    start = time.perf_counter()
    try:
        # stderr: the kernel's own start-up chatter; cell errors still arrive as messages
        with client.setup_kernel(env=env, stderr=subprocess.DEVNULL):
            run.startup_s = time.perf_counter() - start
            pid = client.km.provisioner.process.pid
            kernel = psutil.Process(pid)
            cpu_before = cpu_seconds(kernel)
            code_cells = 0
            with MemorySampler(pid) as sampler:
                cells_start = time.perf_counter()
                try:
                    for index, cell in enumerate(nb.cells):
                        if cell.cell_type != "code":
                            continue
                        code_cells += 1
                        t0 = time.perf_counter()
                        try:
                            client.execute_cell(cell, index, execution_count=code_cells)
                        finally:
                            seconds = time.perf_counter() - t0
                            run.cell_seconds.append(round(seconds, 3))
                            if seconds > run.slowest_cell_s:
                                run.slowest_cell, run.slowest_cell_s = index, seconds
                                run.slowest_cell_source = _short_source(cell.source)
                except Exception as error:  # a failing cell ends this notebook, not the bench
                    run.error = f"cell {index}: {_error_text(error)}"
                run.wall_s = time.perf_counter() - cells_start
                run.cpu_s = cpu_seconds(kernel) - cpu_before
                run.peak_rss_mb = max(sampler.peak_mb, high_water_mark_mb(pid))
            run.cells = code_cells
    except Exception as error:  # the kernel did not start or died
        run.error = run.error or f"kernel: {_error_text(error)}"
    run.wall_s, run.cpu_s = round(run.wall_s, 2), round(run.cpu_s, 2)
    run.peak_rss_mb, run.startup_s = round(run.peak_rss_mb, 1), round(run.startup_s, 2)
    run.slowest_cell_s = round(run.slowest_cell_s, 2)
    return run


def run_notebooks(paths, *, threads: int, cell_timeout: int = 600, log=print) -> list[NotebookRun]:
    """Run each notebook in turn (never in parallel: they would compete for the cores)."""
    runs = []
    for path in paths:
        if log:
            log(f"  running {Path(path).name} ...", end="", flush=True)
        run = run_notebook(path, threads=threads, cell_timeout=cell_timeout)
        if log:
            status = "ok" if run.ok else f"ERROR {run.error}"
            log(
                f" wall {run.wall_s:.1f} s, CPU {run.cpu_s:.1f} s, peak {run.peak_rss_mb:.0f} MB: {status}"
            )
        runs.append(run)
    return runs


def summarise(runs: list[NotebookRun]) -> dict:
    """Totals and medians over the runs, per kind."""
    lessons = [r for r in runs if r.kind == "lesson"]
    return {
        "notebooks": len(runs),
        "failed": sum(not r.ok for r in runs),
        "total_wall_s": round(sum(r.wall_s for r in runs), 1),
        "total_cpu_s": round(sum(r.cpu_s for r in runs), 1),
        "lesson_median_wall_s": round(statistics.median([r.wall_s for r in lessons]), 1)
        if lessons
        else None,
        "lesson_max_wall_s": round(max(r.wall_s for r in lessons), 1) if lessons else None,
        "max_peak_rss_mb": round(max(r.peak_rss_mb for r in runs), 1) if runs else None,
    }
