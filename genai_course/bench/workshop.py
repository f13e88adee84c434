"""A workshop on one machine: N learners pressing Run All at once, or one beside busy work.

Two measurements, both of one notebook (lesson 01 by default):

- **learners** (``genai-course bench --learners N``): first one learner alone, then N
  kernels started together, each running the notebook top to bottom. For each learner:
  wall time, CPU time, peak memory. For the machine: its peak memory in use (sampled) above
  what was in use before. Two slowdowns per learner:

  - against one learner alone: ``wall / alone wall``;
  - against the fair share, ``N x alone CPU time / cores``: what a perfect scheduler could
    give each of N learners sharing the cores (never less than the alone wall time, which
    no learner can beat). About 1 means the machine is shared without waste; well above 1
    means the kernels get in each other's way (threads spinning, memory pressure).

- **contention** (``--busy K``): the notebook alone on a quiet machine, then again with K
  CPU-busy processes (each a Python loop) beside it; slowdown = loaded wall / quiet wall.

Each learner runs in its own process (``python -m genai_course.bench.workshop PATH``), so the
N kernels really are independent, like N JupyterLab users. The busy processes are ours and
are killed, by their process id, when the run ends.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import threading
from pathlib import Path

import psutil

from genai_course.validation import check_positive_int

MB = 1024 * 1024
_BUSY_LOOP = "while True:\n    pass\n"


class MachineMemory:
    """Peak memory in use on the machine (total - available), sampled in a thread."""

    def __init__(self, interval: float = 0.1):
        self.interval = interval
        self.baseline_mb = self._used_mb()
        self.peak_mb = self.baseline_mb
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def _used_mb() -> float:
        memory = psutil.virtual_memory()
        return (memory.total - memory.available) / MB

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.peak_mb = max(self.peak_mb, self._used_mb())

    def __enter__(self) -> MachineMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak_mb = max(self.peak_mb, self._used_mb())


def _learner_command(path, threads: int, cell_timeout: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "genai_course.bench.workshop",
        str(path),
        "--threads",
        str(threads),
        "--cell-timeout",
        str(cell_timeout),
    ]


def _parse(process: subprocess.CompletedProcess | tuple) -> dict:
    stdout, stderr, code = process
    for line in reversed(stdout.splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    return {
        "error": f"learner process exited {code}: {(stderr or stdout).strip()[-300:]}",
        "wall_s": 0.0,
        "cpu_s": 0.0,
        "peak_rss_mb": 0.0,
    }


def run_learners_at_once(path, n: int, *, threads: int = 1, cell_timeout: int = 600) -> list[dict]:
    """Start ``n`` learner processes together; return each one's NotebookRun as a dict."""
    n = check_positive_int("learners", n)
    processes = [
        subprocess.Popen(
            _learner_command(path, threads, cell_timeout),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(n)
    ]
    results = []
    for process in processes:
        stdout, stderr = process.communicate()
        results.append(_parse((stdout, stderr, process.returncode)))
    return results


def _summary(run: dict) -> dict:
    keys = ("wall_s", "cpu_s", "peak_rss_mb", "startup_s", "error")
    return {k: run.get(k) for k in keys}


def fair_share_s(n: int, alone: dict, cores: int) -> float:
    """What each of ``n`` learners would wait on ``cores`` perfectly shared cores."""
    return max(n * alone["cpu_s"] / cores, alone["wall_s"])


def learners_result(
    path, n: int, alone: dict, runs: list[dict], memory: MachineMemory, cores: int
) -> dict:
    """The table row for N learners (pure: the tests feed it made-up runs)."""
    fair = fair_share_s(n, alone, cores)
    walls = [r["wall_s"] for r in runs if not r.get("error")]
    per_learner = []
    for r in runs:
        row = _summary(r)
        if not r.get("error") and alone["wall_s"] > 0:
            row["vs_alone"] = round(r["wall_s"] / alone["wall_s"], 2)
            row["vs_fair_share"] = round(r["wall_s"] / fair, 2)
        per_learner.append(row)
    used = memory.peak_mb - memory.baseline_mb
    return {
        "notebook": f"{Path(path).resolve().parent.name}/{Path(path).stem}",
        "learners": n,
        "cores": cores,
        "alone": _summary(alone),
        "fair_share_s": round(fair, 1),
        "max_wall_s": round(max(walls), 1) if walls else None,
        "median_wall_s": round(statistics.median(walls), 1) if walls else None,
        "max_vs_alone": round(max(walls) / alone["wall_s"], 2)
        if walls and alone["wall_s"]
        else None,
        "max_vs_fair_share": round(max(walls) / fair, 2) if walls and fair else None,
        "machine_memory_before_mb": round(memory.baseline_mb),
        "machine_peak_memory_mb": round(memory.peak_mb),
        "memory_per_learner_mb": round(used / n) if used > 0 else None,
        "errors": [r["error"] for r in runs if r.get("error")],
        "per_learner": per_learner,
    }


def run_workshop(
    path, learner_counts, *, threads: int = 1, cell_timeout: int = 600, log=print
) -> list[dict]:
    """One learner alone, then each N of ``learner_counts`` at once."""
    counts = [check_positive_int("learners", n) for n in learner_counts]
    cores = os.cpu_count() or 1
    log(f"  one learner alone on {Path(path).name} ...")
    alone = run_learners_at_once(path, 1, threads=threads, cell_timeout=cell_timeout)[0]
    if alone.get("error"):
        raise RuntimeError(
            f"{path} fails on its own, so a workshop run means nothing: {alone['error']}"
        )
    log(f"    wall {alone['wall_s']:.1f} s, CPU {alone['cpu_s']:.1f} s")
    rows = []
    for n in counts:
        log(f"  {n} learners at once ...")
        with MachineMemory() as memory:
            runs = run_learners_at_once(path, n, threads=threads, cell_timeout=cell_timeout)
        row = learners_result(path, n, alone, runs, memory, cores)
        log(
            f"    slowest {row['max_wall_s']} s = {row['max_vs_alone']} x alone, "
            f"{row['max_vs_fair_share']} x fair share ({row['fair_share_s']} s); "
            f"machine peak {row['machine_peak_memory_mb']} MB"
        )
        rows.append(row)
    return rows


def start_busy(k: int) -> list[subprocess.Popen]:
    """K processes that keep one core each busy until they are stopped."""
    return [
        subprocess.Popen(
            [sys.executable, "-c", _BUSY_LOOP], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        for _ in range(k)
    ]


def stop_busy(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        process.kill()
    for process in processes:
        process.wait()


def run_contention(
    path, busy: int, *, threads: int = 1, cell_timeout: int = 600, log=print
) -> dict:
    """The notebook quiet, then beside ``busy`` CPU-busy processes."""
    busy = check_positive_int("busy", busy)
    log(f"  {Path(path).name} quiet ...")
    quiet = run_learners_at_once(path, 1, threads=threads, cell_timeout=cell_timeout)[0]
    log(f"  {Path(path).name} beside {busy} busy processes ...")
    processes = start_busy(busy)
    try:
        loaded = run_learners_at_once(path, 1, threads=threads, cell_timeout=cell_timeout)[0]
    finally:
        stop_busy(processes)
    slowdown = (
        round(loaded["wall_s"] / quiet["wall_s"], 2)
        if quiet["wall_s"] and not (quiet.get("error") or loaded.get("error"))
        else None
    )
    log(f"    quiet {quiet['wall_s']:.1f} s, loaded {loaded['wall_s']:.1f} s: {slowdown} x")
    return {
        "notebook": f"{Path(path).resolve().parent.name}/{Path(path).stem}",
        "busy": busy,
        "threads": threads,
        "cores": os.cpu_count() or 1,
        "quiet": _summary(quiet),
        "loaded": _summary(loaded),
        "slowdown": slowdown,
    }


def _main(argv=None) -> int:
    """One learner: run the notebook in a fresh kernel and print its NotebookRun as JSON."""
    import argparse

    from genai_course.bench.notebooks import run_notebook

    parser = argparse.ArgumentParser(description="one learner of `genai-course bench --learners`")
    parser.add_argument("path")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--cell-timeout", type=int, default=600)
    args = parser.parse_args(argv)
    run = run_notebook(args.path, threads=args.threads, cell_timeout=args.cell_timeout)
    print(json.dumps(run.as_dict()))
    return 0


if __name__ == "__main__":
    sys.exit(_main())
