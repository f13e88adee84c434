"""What crosses the sandbox boundary, and how: trusted data in, plain data out.

Into the sandbox (trusted, from the grader): pickle, so tests may pass package models,
tensors and generators (a ``torch.Generator`` travels as its state).

Out of the sandbox (untrusted, from student code): only *plain data* -- ``None``, bool,
int, float, complex, str, bytes, lists, tuples, dicts, sets, numpy arrays and scalars,
torch tensors -- as a JSON header plus raw buffers, decoded by :func:`decode` without
pickle and without calling anything the student wrote. A value that is not plain data
comes back as a :class:`Handle` (a reference the grader can call or ask for attributes,
never compare equal or treat as true). So a spoofed type (``__eq__`` always True, a float
subclass) is either rebuilt as a genuine built-in value or stays an inert handle.
"""

from __future__ import annotations

import io
import json
import math
import pickle
import struct

import numpy as np
import torch

MAX_DEPTH = 64
MAX_ITEMS = 1_000_000
# dtypes a result may carry; anything else (object arrays, ...) is refused
TORCH_DTYPES = {
    str(d).removeprefix("torch."): d
    for d in (
        torch.float64,
        torch.float32,
        torch.float16,
        torch.bfloat16,
        torch.int64,
        torch.int32,
        torch.int16,
        torch.int8,
        torch.uint8,
        torch.bool,
        torch.complex64,
        torch.complex128,
    )
}
NUMPY_DTYPES = {
    "float64",
    "float32",
    "float16",
    "int64",
    "int32",
    "int16",
    "int8",
    "uint64",
    "uint32",
    "uint16",
    "uint8",
    "bool",
    "complex64",
    "complex128",
}


class WireError(ValueError):
    """A reply from the sandbox that is not well-formed plain data."""


class Handle:
    """A value that stayed in the sandbox because it is not plain data.

    It can be called and asked for attributes (through the grader's stand-ins), but it is
    never equal to anything but itself and has no truth value, so it cannot pass a check by
    pretending.
    """

    __slots__ = ("_ref", "_type", "_client")

    def __init__(self, ref, type_name, client=None):
        object.__setattr__(self, "_ref", ref)
        object.__setattr__(self, "_type", str(type_name)[:80])
        object.__setattr__(self, "_client", client)

    def __repr__(self):
        return f"<{self._type} object from your code (kept in the sandbox)>"

    def __bool__(self):
        raise TypeError(
            f"a {self._type} object from your code has no truth value here; "
            "return plain data (bool, numbers, tensors)"
        )

    def __eq__(self, other):
        return self is other

    __hash__ = object.__hash__

    def __getattr__(self, name):
        if name.startswith("__") or self._client is None:
            raise AttributeError(name)
        return self._client.getattr(self._ref, name)

    def __call__(self, *args, **kwargs):
        if self._client is None:
            raise TypeError(f"{self!r} cannot be called")
        return self._client.call(self._ref, args, kwargs)


# ---------------------------------------------------------------- sandbox side: encode


def encode(value, register) -> bytes:
    """Plain data as header + buffers; ``register(obj) -> id`` keeps anything else."""
    blobs: list[bytes] = []

    def blob(data: bytes) -> int:
        blobs.append(data)
        return len(blobs) - 1

    def enc(x, depth=0):
        t = type(x)
        if depth > MAX_DEPTH:
            raise ValueError("the value is nested too deeply")
        if x is None or t in (bool, int, str):
            return x if t is not int or abs(x) < 2**63 else {"$": "bigint", "v": str(x)}
        if t is float:
            return x if math.isfinite(x) else {"$": "float", "v": repr(x)}
        if t is complex:
            return {"$": "complex", "v": [repr(x.real), repr(x.imag)]}
        if t is bytes:
            return {"$": "bytes", "b": blob(x)}
        if t is list:
            return [enc(v, depth + 1) for v in x]
        if t is tuple:
            return {"$": "tuple", "v": [enc(v, depth + 1) for v in x]}
        if t in (set, frozenset):
            return {"$": t.__name__, "v": [enc(v, depth + 1) for v in x]}
        if t is dict:
            return {
                "$": "dict",
                "v": [[enc(k, depth + 1), enc(v, depth + 1)] for k, v in x.items()],
            }
        if isinstance(x, torch.Tensor) and not x.is_sparse and x.dtype in TORCH_DTYPES.values():
            data = torch.Tensor.contiguous(torch.Tensor.cpu(torch.Tensor.detach(x)))
            raw = data.reshape(-1).view(torch.uint8).numpy().tobytes() if data.numel() else b""
            return {
                "$": "tensor",
                "dtype": str(data.dtype).removeprefix("torch."),
                "shape": list(data.shape),
                "b": blob(raw),
            }
        if t is np.ndarray and x.dtype.name in NUMPY_DTYPES:
            data = np.ascontiguousarray(x)
            return {
                "$": "ndarray",
                "dtype": data.dtype.name,
                "shape": list(data.shape),
                "b": blob(data.tobytes()),
            }
        if (
            isinstance(x, np.generic)
            and type(x).__module__ == "numpy"
            and np.dtype(type(x)).name in NUMPY_DTYPES
        ):
            return {"$": "npscalar", "dtype": np.dtype(type(x)).name, "b": blob(x.tobytes())}
        return {"$": "handle", "id": register(x), "type": type(x).__name__}

    header = json.dumps(enc(value)).encode()
    out = io.BytesIO()
    out.write(struct.pack("<QQ", len(header), len(blobs)))
    out.write(header)
    for data in blobs:
        out.write(struct.pack("<Q", len(data)))
        out.write(data)
    return out.getvalue()


# ---------------------------------------------------------------- grader side: decode


def decode(payload: bytes, make_handle=None):
    """The value in ``payload``, rebuilt from built-in types only; :class:`WireError` if malformed."""
    try:
        return _decode(payload, make_handle)
    except WireError:
        raise
    except (
        ValueError,
        TypeError,
        KeyError,
        IndexError,
        struct.error,
        RecursionError,
        OverflowError,
        RuntimeError,
    ) as error:
        raise WireError(f"malformed reply from the sandbox ({type(error).__name__})") from None


def _decode(payload, make_handle):
    view = memoryview(payload)
    n_header, n_blobs = struct.unpack_from("<QQ", view, 0)
    pos = 16
    header = bytes(view[pos : pos + n_header])
    pos += n_header
    if n_blobs > MAX_ITEMS:
        raise WireError("too many buffers")
    blobs = []
    for _ in range(n_blobs):
        (size,) = struct.unpack_from("<Q", view, pos)
        pos += 8
        if pos + size > len(view):
            raise WireError("truncated buffer")
        blobs.append(bytes(view[pos : pos + size]))
        pos += size
    if pos != len(view):
        raise WireError("trailing bytes")
    tree = json.loads(header)
    count = [0]

    def need(cond):
        if not cond:
            raise WireError("malformed value")

    def shape_of(node):
        shape = node["shape"]
        need(
            type(shape) is list
            and len(shape) <= 32
            and all(type(s) is int and s >= 0 for s in shape)
        )
        return tuple(shape)

    def dec(node, depth=0):
        count[0] += 1
        need(depth <= MAX_DEPTH and count[0] <= MAX_ITEMS)
        t = type(node)
        if node is None or t in (bool, int, str):
            return node
        if t is float:
            return node
        if t is list:
            return [dec(v, depth + 1) for v in node]
        need(t is dict and type(node.get("$")) is str)
        tag = node["$"]
        if tag == "float":
            need(node["v"] in ("nan", "inf", "-inf"))
            return float(node["v"])
        if tag == "bigint":
            need(type(node["v"]) is str and len(node["v"]) < 5000)
            return int(node["v"])
        if tag == "complex":
            re_, im = node["v"]
            return complex(float(re_), float(im))
        if tag == "bytes":
            return blobs[node["b"]]
        if tag == "tuple":
            return tuple(dec(v, depth + 1) for v in node["v"])
        if tag in ("set", "frozenset"):
            items = [dec(v, depth + 1) for v in node["v"]]
            need(
                all(
                    type(i) in (type(None), bool, int, float, str, bytes, tuple, complex)
                    for i in items
                )
            )
            return set(items) if tag == "set" else frozenset(items)
        if tag == "dict":
            out = {}
            for pair in node["v"]:
                need(type(pair) is list and len(pair) == 2)
                key = dec(pair[0], depth + 1)
                need(type(key) in (type(None), bool, int, float, str, bytes, tuple, complex))
                out[key] = dec(pair[1], depth + 1)
            return out
        if tag == "tensor":
            dtype = TORCH_DTYPES[node["dtype"]]
            shape = shape_of(node)
            raw = blobs[node["b"]]
            n = math.prod(shape)
            size = torch.empty((), dtype=dtype).element_size()
            need(len(raw) == n * size)
            if n == 0:
                return torch.empty(shape, dtype=dtype)
            return (
                torch.frombuffer(bytearray(raw), dtype=torch.uint8)
                .view(dtype)
                .reshape(shape)
                .clone()
            )
        if tag == "ndarray":
            need(node["dtype"] in NUMPY_DTYPES)
            dtype = np.dtype(node["dtype"])
            shape = shape_of(node)
            raw = blobs[node["b"]]
            need(len(raw) == math.prod(shape) * dtype.itemsize)
            return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()
        if tag == "npscalar":
            need(node["dtype"] in NUMPY_DTYPES)
            dtype = np.dtype(node["dtype"])
            raw = blobs[node["b"]]
            need(len(raw) == dtype.itemsize)
            return np.frombuffer(raw, dtype=dtype)[0]
        if tag == "handle":
            need(type(node["id"]) is int)
            return (
                Handle(node["id"], node.get("type", "object"), None)
                if make_handle is None
                else make_handle(node["id"], str(node.get("type")))
            )
        raise WireError(f"unknown tag {tag[:20]!r}")

    return dec(tree)


# ---------------------------------------------------------------- grader side: arguments


class _ArgPickler(pickle.Pickler):
    """Pickle trusted arguments; generators by state, handles by reference."""

    def __init__(self, file):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.generators = []

    def persistent_id(self, obj):
        if isinstance(obj, torch.Generator):
            self.generators.append(obj)
            return ("generator", str(obj.device), obj.get_state().numpy().tobytes())
        if type(obj) is Handle:
            return ("handle", obj._ref)
        return None


def dump_args(message) -> tuple[bytes, list]:
    """The pickled request, and the generators in it (in the order the sandbox rebuilds them)."""
    buffer = io.BytesIO()
    pickler = _ArgPickler(buffer)
    pickler.dump(message)
    return buffer.getvalue(), pickler.generators
