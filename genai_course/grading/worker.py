"""The process inside the sandbox: it runs a student's cells and answers calls into them.

Started by :class:`genai_course.grading.sandbox.Sandbox` (under bubblewrap). It reads
pickled requests from the grader (trusted) and replies with plain data only
(:func:`genai_course.grading.wire.encode`). Nothing it replies decides a verdict by
itself: the grader checks every value in its own clean process. The student can take
over this process entirely; all that buys is control over the replies about their own
answers, which the grader's tests then judge.

Requests: ``("exec", source, names)`` runs a cell and returns the listed names' values;
``("call", ref, args, kwargs)``, ``("grad", ref, args, kwargs)`` and
``("getattr", ref, name)`` act on a name of the notebook or a kept object.
"""

from __future__ import annotations

import builtins
import io
import os
import pickle
import resource
import struct
import sys
import traceback


class _Sink(io.TextIOBase):
    """A text stream that throws away what is written and remembers that something was."""

    def __init__(self):
        self.used = False

    def writable(self):
        return True

    def write(self, text):
        if text:
            self.used = True
        return len(text)


def _read_exact(stream, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = stream.read(n - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


def main() -> None:
    proto_in = os.fdopen(os.dup(0), "rb", buffering=0)
    proto_out = os.fdopen(os.dup(1), "wb", buffering=0)
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):  # the student's prints never reach the protocol stream
        os.dup2(null, fd)
    sys.stdin = open(os.devnull)
    sys.stdout, sys.stderr = _Sink(), _Sink()

    import torch

    from genai_course.grading.probes import gradients
    from genai_course.grading.wire import encode

    # `display` exists in a notebook; here what it shows goes nowhere
    namespace = {
        "__name__": "__main__",
        "__builtins__": builtins,
        "display": lambda *args, **kwargs: None,
    }
    kept: dict[int, object] = {}

    def register(obj) -> int:
        kept[len(kept) + 1] = obj
        return len(kept)

    def resolve(ref):
        kind, key = ref
        if kind == "name":
            if key not in namespace:
                raise NameError(f"name '{key}' is not defined")
            return namespace[key]
        return kept[key]

    class Unpickler(pickle.Unpickler):
        def __init__(self, data):
            super().__init__(io.BytesIO(data))
            self.generators = []

        def persistent_load(self, pid):
            if pid[0] == "generator":
                gen = torch.Generator(device=pid[1])
                gen.set_state(torch.frombuffer(bytearray(pid[2]), dtype=torch.uint8))
                self.generators.append(gen)
                return gen
            return kept[pid[1]]

    def handle(message, generators):
        op = message[0]
        if op == "exec":
            _, source, names = message
            exec(compile(source, "<your answer cell>", "exec"), namespace)
            return {name: namespace[name] for name in names if name in namespace}
        if op == "call":
            _, ref, args, kwargs = message
            return resolve(ref)(*args, **kwargs)
        if op == "grad":
            _, ref, args, kwargs = message
            return gradients(resolve(ref), *args, **kwargs)
        if op == "getattr":
            _, ref, name = message
            return getattr(resolve(ref), name)
        raise ValueError(f"unknown request {op!r}")

    while True:
        try:
            (size,) = struct.unpack("<Q", _read_exact(proto_in, 8))
            data = _read_exact(proto_in, size)
        except EOFError:  # the grader is done: report this sandbox's CPU time, then leave
            use = [
                resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
            ]
            payload = encode({"cpu_s": sum(u.ru_utime + u.ru_stime for u in use)}, register)
            proto_out.write(struct.pack("<Q", len(payload)) + payload)
            os._exit(0)
        sys.stdout, sys.stderr = _Sink(), _Sink()
        reply = {"status": "ok"}
        unpickler = Unpickler(data)
        try:
            message = unpickler.load()
            reply["value"] = handle(message, unpickler.generators)
        except BaseException as error:  # noqa: BLE001 - every failure is the student's to see
            if isinstance(error, KeyboardInterrupt):
                raise
            frames = traceback.extract_tb(error.__traceback__)
            line = next(
                (f.lineno for f in reversed(frames) if f.filename == "<your answer cell>"), None
            )
            reply = {
                "status": "error",
                "type": type(error).__name__,
                "builtin": type(error) is getattr(builtins, type(error).__name__, None),
                "message": str(error)[:500],
                "line": line,
            }
        reply["stderr"] = bool(getattr(sys.stderr, "used", True))
        reply["generators"] = [g.get_state() for g in unpickler.generators]
        try:
            payload = encode(reply, register)
        except BaseException as error:  # noqa: BLE001
            payload = encode(
                {
                    "status": "error",
                    "type": "TypeError",
                    "builtin": True,
                    "message": f"the value could not be sent back ({error})"[:300],
                    "stderr": False,
                    "generators": [],
                    "line": None,
                },
                register,
            )
        proto_out.write(struct.pack("<Q", len(payload)) + payload)


if __name__ == "__main__":
    main()
