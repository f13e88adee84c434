"""The sandbox a student's code runs in: bubblewrap, limits, and the client that talks to it.

The student's cells run in :mod:`genai_course.grading.worker`, started under bubblewrap
(Debian's ``bubblewrap``, the sandbox Flatpak uses) with:

- its own PID, IPC, UTS and network namespaces (no network, not even loopback), a new
  session, and ``--die-with-parent``: when the grader goes, everything inside goes;
- a filesystem of read-only binds only: ``/usr``, the Python installation, the virtual
  environment and the ``genai_course`` package folder (not the checkout around it, so no
  ``solutions/``), an empty private ``/tmp`` and nothing else (no submissions, no output
  folder, no home directory);
- as root, a uid of its own with no capabilities (``setpriv``), so process limits apply;
- limits (``prlimit``): address space, processes, file size, no core dumps.

Without a working bubblewrap the grader refuses to grade (:class:`SandboxUnavailable`)
unless asked for ``isolate=False`` (``--no-sandbox``): then the worker is an ordinary
process with the grader's rights, and only the verdicts stay safe.
"""

from __future__ import annotations

import ctypes
import os
import select
import shutil
import signal
import struct
import subprocess
import sys
import time
from functools import lru_cache
from pathlib import Path

from genai_course.grading.wire import Handle, WireError, decode, dump_args

PACKAGE = Path(__file__).resolve().parents[1]  # .../genai_course
INSIDE_ROOT = "/opt/genai-course"  # where the package appears inside the sandbox
MAX_REPLY = 512 * 2**20


class SandboxUnavailable(RuntimeError):
    """No usable sandbox on this machine; the message says why and what to do."""


class SandboxTimeout(BaseException):  # noqa: N818 - BaseException: test code cannot swallow it
    """The student's code did not answer in time (the sandbox is killed)."""


class SandboxDied(BaseException):  # noqa: N818
    """The sandbox ended (os._exit, a crash, out of memory) or sent garbage."""


class StudentCodeError(Exception):
    """An exception raised by the student's code, as type name and message only."""

    student_type = "Exception"


_ERROR_CLASSES: dict[str, type] = {}


def student_error(name: str, builtin: bool, message: str) -> Exception:
    """An exception for the test cell: a subclass of the same built-in exception if it was one."""
    import builtins

    base = getattr(builtins, name, None) if builtin else None
    if not (isinstance(base, type) and issubclass(base, Exception)) or base is StopIteration:
        base, name = (
            StudentCodeError,
            "".join(c for c in name if c.isalnum() or c == "_")[:60] or "Error",
        )
    key = f"{base.__name__}:{name}"
    if key not in _ERROR_CLASSES:
        bases = (base,) if base is StudentCodeError else (base, StudentCodeError)
        _ERROR_CLASSES[key] = type(name, bases, {"student_type": name, "__module__": "student"})
    return _ERROR_CLASSES[key](message)


def set_death_signal() -> None:
    """Ask the kernel to SIGKILL this process when its parent dies (Linux PR_SET_PDEATHSIG)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def _parents(path: str) -> list[str]:
    parts = Path(path).parts
    return [str(Path(*parts[:i])) for i in range(2, len(parts))]


def sandbox_command(
    argv: list[str], *, memory_mb: int = 4096, processes: int = 64, file_mb: int = 256
) -> list[str]:
    """The bwrap command line that runs ``argv`` inside the sandbox."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        raise SandboxUnavailable("bubblewrap (bwrap) is not installed")
    cmd = [
        bwrap,
        "--unshare-ipc",
        "--unshare-pid",
        "--unshare-net",
        "--unshare-uts",
        "--unshare-cgroup-try",
        "--die-with-parent",
        "--new-session",
        # /proc, /dev and a private /tmp first: a venv or checkout that lives under /tmp is
        # bound on top of the empty /tmp below, instead of being hidden by it.
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        "--tmpfs",
        "/tmp",
        "--ro-bind",
        "/usr",
        "/usr",
    ]
    for top in ("/bin", "/sbin", "/lib", "/lib64", "/lib32"):
        if os.path.islink(top):
            cmd += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            cmd += ["--ro-bind", top, top]
    made: set[str] = {"/usr", "/bin", "/sbin", "/lib", "/lib64", "/tmp", "/proc", "/dev"}
    binds = [
        (os.path.realpath(p), os.path.realpath(p))
        for p in {sys.prefix, sys.base_prefix}
        if not os.path.realpath(p).startswith("/usr/")
    ]
    binds.append((str(PACKAGE), f"{INSIDE_ROOT}/genai_course"))
    for source, target in binds:
        for parent in _parents(target):
            if parent not in made:
                made.add(parent)
                cmd += ["--perms", "0755", "--dir", parent]
        cmd += ["--ro-bind", source, target]
    cmd += ["--chdir", "/tmp", "--clearenv"]
    env = {
        "HOME": "/tmp",
        "TMPDIR": "/tmp",
        "PYTHONPATH": INSIDE_ROOT,
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": "/tmp/mpl",
        "PYTHONHASHSEED": "0",
        "GENAI_COURSE_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PATH": "/usr/bin:/bin",
        "LANG": "C.UTF-8",
    }
    for key, value in env.items():
        cmd += ["--setenv", key, value]
    limits = [
        f"--as={memory_mb * 2**20}",
        f"--nproc={processes}",
        f"--fsize={file_mb * 2**20}",
        "--core=0",
    ]
    if os.geteuid() == 0:
        # root is exempt from process limits: drop to a uid of this sandbox's own
        uid = str(2_000_000_000 + os.getpid() % 1_000_000)
        cmd += [
            "--",
            shutil.which("setpriv") or "/usr/bin/setpriv",
            f"--reuid={uid}",
            f"--regid={uid}",
            "--clear-groups",
            "--inh-caps=-all",
            "--bounding-set=-all",
            "--no-new-privs",
        ]
    else:
        cmd[1:1] = ["--unshare-user"]
        cmd += ["--"]
    cmd += [shutil.which("prlimit") or "/usr/bin/prlimit", *limits, "--"] + argv
    return cmd


def worker_argv() -> list[str]:
    return [sys.executable, "-B", "-m", "genai_course.grading.worker"]


@lru_cache(maxsize=1)
def sandbox_problem() -> str | None:
    """None when the sandbox works here; otherwise why not."""
    if not sys.platform.startswith("linux"):
        return f"the sandbox needs Linux namespaces; this is {sys.platform}"
    try:
        cmd = sandbox_command([sys.executable, "-c", "import genai_course.grading.worker"])
    except SandboxUnavailable as error:
        return str(error)
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"bwrap could not start ({error})"
    if done.returncode != 0:
        return f"bwrap failed here ({done.stderr.strip()[-300:] or done.returncode})"
    return None


def require_sandbox() -> None:
    problem = sandbox_problem()
    if problem is not None:
        raise SandboxUnavailable(
            f"Cannot grade safely: {problem}. Install bubblewrap (Debian/Ubuntu: apt-get install "
            "bubblewrap; `make install` does it as root) on a Linux machine that allows "
            "namespaces. Or pass --no-sandbox to run student code as an ordinary process with "
            "your rights: it could then read solutions/, other submissions and your files, and "
            "reach the network (verdicts are still decided outside the student's process)."
        )


class Sandbox:
    """One running worker for one submission; requests with deadlines, killed on close."""

    def __init__(self, *, isolate: bool = True, memory_mb: int = 4096, processes: int = 64):
        self.isolate, self.memory_mb, self.processes = isolate, memory_mb, processes
        self.process: subprocess.Popen | None = None
        self.deadline = float("inf")  # set by the runner for the cell being run
        self._generators: list = []
        self.cpu_s = 0.0  # CPU time the sandboxes reported (their own word: for measuring only)

    def start(self) -> None:
        argv = worker_argv()
        if self.isolate:
            cmd = sandbox_command(argv, memory_mb=self.memory_mb, processes=self.processes)
            env = {"PATH": "/usr/bin:/bin"}
        else:
            cmd, env = (
                argv,
                {
                    **os.environ,
                    "GENAI_COURSE_THREADS": "1",
                    "OMP_NUM_THREADS": "1",
                    "MPLBACKEND": "Agg",
                    "PYTHONHASHSEED": "0",
                    "PYTHONPATH": str(PACKAGE.parent),
                },
            )
        self.process = subprocess.Popen(
            cmd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            cwd="/",
            start_new_session=True,
            preexec_fn=set_death_signal,
        )

    def close(self) -> None:
        proc, self.process = self.process, None
        if proc is None:
            return
        try:  # end of input: a worker that still listens reports its CPU time and exits
            proc.stdin.close()
            size = struct.unpack("<Q", self._read_from(proc, 8, time.monotonic() + 2))[0]
            if size < 4096:
                stats = decode(self._read_from(proc, size, time.monotonic() + 2))
                if type(stats) is dict and type(stats.get("cpu_s")) is float:
                    self.cpu_s += max(0.0, min(stats["cpu_s"], 1e6))
            proc.wait(timeout=2)
        except (
            OSError,
            subprocess.TimeoutExpired,
            SandboxTimeout,
            SandboxDied,
            WireError,
            struct.error,
        ):
            pass
        try:  # then everything left in its session (bwrap's PID namespace takes the rest)
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        proc.kill()
        proc.wait()
        for stream in (proc.stdin, proc.stdout):
            try:
                stream.close()
            except OSError:
                pass

    def restart(self) -> None:
        self.close()
        self.start()

    # ------------------------------------------------------------ requests
    def request(self, message, *, timeout: float | None = None):
        """Send one request; the decoded reply dict. Raises SandboxTimeout / SandboxDied."""
        if self.process is None:
            raise SandboxDied("the sandbox is not running")
        deadline = self.deadline if timeout is None else time.monotonic() + timeout
        payload, self._generators = dump_args(message)
        try:
            self.process.stdin.write(struct.pack("<Q", len(payload)) + payload)
            self.process.stdin.flush()
        except (BrokenPipeError, OSError):
            raise SandboxDied("the sandbox ended") from None
        size = struct.unpack("<Q", self._read(8, deadline))[0]
        if size > MAX_REPLY:
            raise SandboxDied(f"the reply was too large ({size:,} bytes)")
        try:
            reply = decode(self._read(size, deadline), self._handle)
        except WireError as error:
            raise SandboxDied(str(error)) from None
        if type(reply) is not dict or reply.get("status") not in ("ok", "error"):
            raise SandboxDied("malformed reply")
        return reply

    def _read(self, n: int, deadline: float) -> bytes:
        return self._read_from(self.process, n, deadline)

    @staticmethod
    def _read_from(process, n: int, deadline: float) -> bytes:
        fd = process.stdout.fileno()
        chunks, got = [], 0
        while got < n:
            left = deadline - time.monotonic()
            if left <= 0:
                raise SandboxTimeout()
            ready, _, _ = select.select([fd], [], [], min(left, 1.0))
            if not ready:
                continue
            chunk = os.read(fd, min(n - got, 1 << 20))
            if not chunk:
                raise SandboxDied("the sandbox ended")
            chunks.append(chunk)
            got += len(chunk)
        return b"".join(chunks)

    def _handle(self, ref, type_name):
        return Handle(("kept", ref), type_name, self)

    def _value(self, reply):
        generators = self._generators
        if reply.get("stderr"):
            sys.stderr.write("(your code wrote to stderr)\n")
        states = reply.get("generators")
        if type(states) is list and len(states) == len(generators):
            for gen, state in zip(generators, states, strict=True):
                old = gen.get_state()
                if getattr(state, "dtype", None) == old.dtype and state.shape == old.shape:
                    gen.set_state(state)
        if reply["status"] == "error":
            raise student_error(
                str(reply.get("type")), reply.get("builtin") is True, str(reply.get("message", ""))
            )
        return reply.get("value")

    def call(self, ref, args, kwargs):
        return self._value(self.request(("call", ref, args, kwargs)))

    def gradients(self, ref, args, kwargs):
        value = self._value(self.request(("grad", ref, args, kwargs)))
        import torch

        if (
            type(value) is not tuple
            or len(value) != len(args)
            or not all(v is None or type(v) is torch.Tensor for v in value)
        ):
            raise TypeError("gradients: the reply was not one gradient per argument")
        return value

    def getattr(self, ref, name):
        return self._value(self.request(("getattr", ref, name)))


class StandIn:
    """What a test cell sees under the name of a student's function: calls go to the sandbox."""

    def __init__(self, sandbox: Sandbox, name: str):
        self._sandbox, self.__name__ = sandbox, name
        self.__qualname__ = name

    def __repr__(self):
        return f"<your {self.__name__} (runs in the sandbox)>"

    def __call__(self, *args, **kwargs):
        return self._sandbox.call(("name", self.__name__), args, kwargs)

    def __genai_remote_gradients__(self, *args, **kwargs):
        return self._sandbox.gradients(("name", self.__name__), args, kwargs)

    def __getattr__(self, attr):
        if attr.startswith("_"):
            raise AttributeError(attr)
        return self._sandbox.getattr(("name", self.__name__), attr)
