"""Run a rebuilt submission with the verdicts decided where no student code runs.

Two processes per submission:

- the **sandbox** (:mod:`.sandbox`, :mod:`.worker`) runs the course's setup cells and the
  student's answer cells;
- the **verdict process** (a fork of the grader, :func:`in_child`) runs the setup cells
  too, then the visible and hidden test cells. Every name an answer cell of the exercise
  *source* defines (``def sample_mixture`` ...) is bound here to a stand-in that calls
  into the sandbox and gets back plain data only (:mod:`.wire`).

So the student's code can rewrite IPython's hooks, patch ``torch.allclose`` or return an
object whose ``__eq__`` is always True: none of it exists in the process that runs the
asserts. Hidden test source never enters the sandbox. A call that runs out of time, or
a sandbox that dies, fails that cell; the sandbox is restarted and the cells that ran
before (setup and answers, not the guilty one) are replayed, so later parts still count.
"""

from __future__ import annotations

import builtins
import io
import json
import os
import select
import signal
import sys
import time
import traceback
from dataclasses import asdict

from genai_course.grading.execute import CRASHED, ERROR, NOT_RUN, OK, TIMEOUT, CellRun
from genai_course.grading.sandbox import (
    Sandbox,
    SandboxDied,
    SandboxTimeout,
    StandIn,
    StudentCodeError,
    set_death_signal,
)
from genai_course.grading.wire import Handle

TEST_FILE = "<visible test cell>"
CHILD_CPU = {"last": 0.0}  # CPU seconds of the last verdict process (for measuring)


class _Capped(io.TextIOBase):
    """stdout/stderr of a trusted cell: remembers whether anything was written, keeps little."""

    def __init__(self, keep: int = 10_000):
        self.used, self.text, self.keep = False, [], keep

    def writable(self):
        return True

    def write(self, text):
        if text:
            self.used = True
            if sum(map(len, self.text)) < self.keep:
                self.text.append(text)
        return len(text)


def _visible_traceback(error: BaseException, source: str) -> str:
    """Frames of the visible test cell only, then the error: never anything hidden."""
    lines = source.splitlines()
    out = ["Traceback (visible test cell):"]
    for frame in traceback.extract_tb(error.__traceback__):
        if frame.filename == TEST_FILE and 0 < (frame.lineno or 0) <= len(lines):
            out.append(f"  line {frame.lineno}: {lines[frame.lineno - 1].strip()}")
    name = getattr(error, "student_type", type(error).__name__)
    out.append(f"{name}: {error}" if str(error) else name)
    return "\n".join(out)


def _run_trusted(source: str, namespace: dict, *, role: str) -> CellRun:
    """Run a setup or test cell here, nbgrader's way: an error or any stderr output fails it."""
    out, err = _Capped(), _Capped()
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err
    filename = TEST_FILE if role == "test" else f"<{role} cell>"
    try:
        exec(compile(source, filename, "exec"), namespace)
        run = CellRun(OK)
    except (SandboxTimeout, SandboxDied):
        raise
    except BaseException as error:  # noqa: BLE001 - a failing test is an ordinary outcome
        run = CellRun(
            ERROR,
            ename=getattr(error, "student_type", type(error).__name__),
            evalue=str(error)[:1000],
            student=isinstance(error, StudentCodeError),
            traceback=_visible_traceback(error, source) if role == "test" else "",
        )
    finally:
        sys.stdout, sys.stderr = saved
    run.stderr = err.used
    return run


def run_graded(
    notebook,
    *,
    cell_timeout: float = 60,
    timeout: float = 300,
    setup_timeout: float = 120,
    isolate: bool = True,
    memory_mb: int = 4096,
    stats: dict | None = None,
    **_ignored,
) -> list[CellRun]:
    """One :class:`CellRun` per cell of the rebuilt notebook (see :mod:`.restore`)."""
    cells = notebook.cells
    runs = [CellRun() for _ in cells]
    namespace: dict = {"__name__": "__main__", "__builtins__": builtins}
    trusted: set[str] = set(dir(builtins))
    sandbox = Sandbox(isolate=isolate, memory_mb=memory_mb)
    history: list[str] = []  # cells the sandbox ran, replayed after a restart
    end = time.monotonic() + timeout
    setup_limit = max(cell_timeout, setup_timeout)

    def restart() -> str:
        sandbox.close()
        try:
            sandbox.start()
            sandbox.deadline = time.monotonic() + setup_limit
            for source in history:
                sandbox.request(("exec", source, []))
        except (SandboxTimeout, SandboxDied, OSError):
            sandbox.close()
            return "; the sandbox could not be restarted, so later cells fail too"
        return ""

    def bind(values) -> None:
        if type(values) is not dict:
            return
        for name, value in values.items():
            if type(name) is not str or not name.isidentifier() or name in trusted:
                continue  # an answer never shadows a name the course's own cells define
            namespace[name] = StandIn(sandbox, name) if type(value) is Handle else value

    try:
        sandbox.start()
        for i, cell in enumerate(cells):
            meta = cell.metadata["grading"]
            role, source = meta["role"], cell.source
            left = end - time.monotonic()
            if left <= 1:
                for j in range(i, len(cells)):
                    runs[j].reason = "not run: the notebook used up its whole time limit"
                break
            limit = setup_limit if role == "setup" else cell_timeout
            budget = min(limit, left)
            sandbox.deadline = time.monotonic() + budget
            try:
                if role == "setup":
                    before = set(namespace)
                    try:
                        sandbox.request(("exec", source, []))
                        history.append(source)
                    except (SandboxTimeout, SandboxDied):
                        restart()
                    sandbox.deadline = time.monotonic() + budget
                    runs[i] = _run_trusted(source, namespace, role="setup")
                    trusted |= set(namespace) - before
                elif role == "answer":
                    names = list(meta.get("names", []))
                    reply = sandbox.request(("exec", source, names))
                    history.append(source)
                    if reply["status"] == "ok":
                        runs[i] = CellRun(OK, stderr=bool(reply.get("stderr")))
                        bind(reply.get("value"))
                    else:  # names defined before the error still count, as in a notebook
                        runs[i] = CellRun(
                            ERROR,
                            ename=str(reply.get("type")),
                            student=True,
                            evalue=str(reply.get("message", ""))[:500],
                        )
                        bind(sandbox.request(("exec", "", names)).get("value"))
                    if meta.get("imports"):
                        _run_trusted(meta["imports"], namespace, role="setup")
                else:
                    runs[i] = _run_trusted(source, namespace, role=role)
            except SandboxTimeout:
                by_notebook = budget < limit
                runs[i] = CellRun(
                    TIMEOUT,
                    reason=(
                        f"stopped after {int(budget)} s: "
                        + (
                            "the notebook's time limit was reached"
                            if by_notebook
                            else f"the time limit is {int(limit)} s per cell"
                        )
                        + " (an infinite loop?)"
                        + restart()
                    ),
                )
            except SandboxDied as error:
                runs[i] = CellRun(
                    CRASHED,
                    reason=(
                        "the kernel died while running this cell (os._exit, a crash, or out of "
                        f"memory: {str(error)[:100]}); it was skipped and the cells before it run "
                        "again" + restart()
                    ),
                )
    finally:
        sandbox.close()
        if stats is not None:
            stats["sandbox_cpu_s"] = round(sandbox.cpu_s, 3)
    for run in runs:
        if run.status == NOT_RUN and not run.reason:
            run.reason = "not run"
    return runs


def in_child(fn, *, timeout: float):
    """``fn()`` in a forked child that dies with us; its JSON result, or RuntimeError."""
    read_fd, write_fd = os.pipe()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        code = 0
        try:
            os.close(read_fd)
            set_death_signal()
            if os.getppid() != parent:
                os._exit(1)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            try:
                import torch

                torch.set_num_threads(1)
                payload = {"ok": fn()}
            except BaseException as error:  # noqa: BLE001
                payload = {"error": f"{type(error).__name__}: {str(error)[:300]}"}
                code = 1
            data = json.dumps(payload).encode()
            view = memoryview(data)
            while view:
                view = view[os.write(write_fd, view) :]
        finally:
            os._exit(code)
    os.close(write_fd)
    chunks, deadline = [], time.monotonic() + timeout
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise RuntimeError(f"grading this notebook took longer than {timeout:.0f} s")
            ready, _, _ = select.select([read_fd], [], [], min(left, 1.0))
            if ready:
                chunk = os.read(read_fd, 1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
    finally:
        os.close(read_fd)
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        _, _, usage = os.wait4(pid, 0)
        CHILD_CPU["last"] = usage.ru_utime + usage.ru_stime
    if not chunks:
        raise RuntimeError("the grading process ended without a result")
    payload = json.loads(b"".join(chunks))
    if "error" in payload:
        raise RuntimeError(payload["error"])
    return payload["ok"]


def run_graded_isolated(notebook, **limits) -> list[CellRun]:
    """:func:`run_graded` in a fresh forked process, so no state leaks between submissions."""
    slack = (
        limits.get("timeout", 300)
        + 2 * max(limits.get("setup_timeout", 120), limits.get("cell_timeout", 60))
        + 60
    )
    stats = limits.pop("stats", None)

    def job():
        measured: dict = {}
        runs = [asdict(r) for r in run_graded(notebook, stats=measured, **limits)]
        return {"runs": runs, "stats": measured}

    done = in_child(job, timeout=slack)
    if stats is not None:
        stats.update(done["stats"])
    return [CellRun(**row) for row in done["runs"]]
