"""Red team, at the boundary: what the sandbox sends back is plain data or nothing.

The worker's replies are untrusted bytes: a forged reply must decode to built-in values
or be refused, never to an object with the student's methods; a value that is not plain
data stays an inert handle. Gradients cross the boundary through probes.gradients.
"""

import json
import math
import struct

import pytest
import torch

from genai_course.grading.probes import gradients
from genai_course.grading.sandbox import Sandbox, StandIn, sandbox_problem
from genai_course.grading.wire import Handle, WireError, decode, encode


def _payload(tree, blobs=()) -> bytes:
    header = json.dumps(tree).encode()
    out = struct.pack("<QQ", len(header), len(blobs)) + header
    for blob in blobs:
        out += struct.pack("<Q", len(blob)) + blob
    return out


class AlwaysEqual(float):
    def __eq__(self, other):
        return True

    __hash__ = float.__hash__


def test_spoofed_values_come_back_as_built_ins_or_inert_handles():
    kept = []
    value = decode(
        encode(
            [AlwaysEqual(0.1), {"x": torch.ones(2).as_subclass(torch.nn.Parameter)}, object()],
            lambda o: kept.append(o) or len(kept),
        )
    )
    assert type(value[0]) is Handle and value[0] != 0.1, "a float subclass must not pass as a float"
    assert type(value[1]["x"]) is torch.Tensor, "tensor subclasses come back as plain tensors"
    handle = value[2]
    assert type(handle) is Handle and handle != handle.__class__ and handle == handle
    with pytest.raises(TypeError, match="no truth value"):
        bool(handle)


@pytest.mark.parametrize(
    "tree,blobs",
    [
        ({"$": "tensor", "dtype": "float32", "shape": [4], "b": 0}, [b"\0" * 8]),  # wrong size
        ({"$": "tensor", "dtype": "object", "shape": [1], "b": 0}, [b"\0"]),
        ({"$": "ndarray", "dtype": "O", "shape": [1], "b": 0}, [b"\0" * 8]),
        ({"$": "pickle", "v": "cos\nsystem\n"}, []),
        ({"$": "dict", "v": [[[1], 2]]}, []),  # an unhashable key
        ({"$": "float", "v": "1e999999"}, []),
        ({"$": "handle", "id": "x"}, []),
    ],
)
def test_forged_replies_are_refused(tree, blobs):
    with pytest.raises(WireError):
        decode(_payload(tree, blobs))
    with pytest.raises(WireError):
        decode(_payload({"ok": 1})[:-1])  # truncated


def test_round_trip_of_plain_data():
    value = {
        "a": (1, 2.5, math.inf, None, frozenset({1})),
        3: [True, b"x", 1 + 2j, 2**80],
        "t": torch.arange(6.0).reshape(2, 3).T,
        "s": torch.tensor(2.0, dtype=torch.bfloat16),
    }
    back = decode(encode(value, lambda o: 0))
    assert back.keys() == value.keys() and back["a"] == value["a"] and back[3] == value[3]
    assert torch.equal(back["t"], value["t"]) and back["s"].dtype == torch.bfloat16


@pytest.mark.skipif(sandbox_problem() is not None, reason=f"no sandbox: {sandbox_problem()}")
def test_calls_generators_and_gradients_cross_the_sandbox():
    sandbox = Sandbox()
    sandbox.start()
    try:
        sandbox.deadline = float("inf")
        reply = sandbox.request(
            (
                "exec",
                "import torch\ndef f(x, g=None):\n"
                "    return (x * x).sum() + torch.rand(1, generator=g)[0] * 0\n"
                "def draw(g):\n    return torch.rand(3, generator=g)\n",
                ["f", "draw"],
            ),
            timeout=120,
        )
        assert reply["status"] == "ok" and type(reply["value"]["f"]) is Handle
        f, draw = StandIn(sandbox, "f"), StandIn(sandbox, "draw")
        x = torch.tensor([1.0, -2.0])
        assert f(x).item() == pytest.approx(5.0)
        (grad,) = gradients(f, x)
        assert torch.allclose(grad, 2 * x), "gradients are computed where the function runs"
        g, local = torch.Generator().manual_seed(3), torch.Generator().manual_seed(3)
        assert torch.equal(draw(g), torch.rand(3, generator=local))
        assert torch.equal(draw(g), torch.rand(3, generator=local)), "the generator advances"
    finally:
        sandbox.close()
