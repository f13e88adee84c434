"""Helpers that tests use to ask questions *about* a student's function.

The grader runs student code in a sandbox and decides verdicts in a separate, clean
process, where student functions are stand-ins that call into the sandbox and bring
back plain data (numbers, strings, lists, arrays, tensors). Autograd cannot cross that
boundary, so a test that needs a gradient asks for it with :func:`gradients`: it runs
where the function runs and only the gradients (plain tensors) come back.

In an ordinary notebook (a learner running the visible tests, ``genai-course check``,
nbval) these helpers simply run locally.
"""

from __future__ import annotations

import torch


def gradients(fn, *args, **kwargs) -> tuple:
    """Gradients of ``fn(*args, **kwargs).sum()`` with respect to each tensor argument.

    Floating-point tensor arguments are copied with ``requires_grad=True``; the result has
    one entry per positional argument: its gradient (a tensor, or ``None`` when no gradient
    reached it, or when the argument is not a floating-point tensor).
    """
    remote = getattr(fn, "__genai_remote_gradients__", None)
    if remote is not None:  # a grader stand-in: compute where the student code runs
        return remote(*args, **kwargs)
    leaves = [
        a.detach().clone().requires_grad_()
        if isinstance(a, torch.Tensor) and a.is_floating_point()
        else a
        for a in args
    ]
    out = fn(*leaves, **kwargs)
    if not isinstance(out, torch.Tensor) or not out.requires_grad:
        return tuple(None for _ in leaves)
    out.sum().backward()
    return tuple(
        leaf.grad if isinstance(leaf, torch.Tensor) and leaf.requires_grad else None
        for leaf in leaves
    )


class VelocityField:
    """A simple velocity field ``v(x, t)`` for tests of samplers and flow losses.

    Tests pass it where a network would go. Unlike a lambda it can be pickled, so it can
    cross into the grader's sandbox with the other arguments. It also checks how it is
    called: ``t`` must be a tensor of shape ``(n,)``, one time per row of ``x``.

    Kinds: ``"zero"``, ``"one"`` (1 everywhere), ``"identity"`` (``x``), ``"double"``
    (``2 x``), ``"time"`` (``t`` broadcast over each row) and ``"constant"`` (``value``).
    """

    KINDS = ("zero", "one", "identity", "double", "time", "constant")

    def __init__(self, kind: str, value: torch.Tensor | None = None):
        if kind not in self.KINDS:
            raise ValueError(f"kind must be one of {self.KINDS}, got {kind!r}.")
        if kind == "constant" and not isinstance(value, torch.Tensor):
            raise ValueError("a 'constant' field needs value=<tensor shaped like x>.")
        self.kind, self.value = kind, value

    def __call__(self, x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        if not isinstance(t, torch.Tensor) or tuple(t.shape) != (len(x),):
            shape = tuple(t.shape) if isinstance(t, torch.Tensor) else type(t).__name__
            raise ValueError(
                f"the velocity must be called with t of shape ({len(x)},), one time "
                f"per row of x; got {shape}."
            )
        if self.kind == "zero":
            return torch.zeros_like(x)
        if self.kind == "one":
            return torch.ones_like(x)
        if self.kind == "identity":
            return x.clone()
        if self.kind == "double":
            return 2 * x
        if self.kind == "time":
            return t.reshape(-1, *[1] * (x.ndim - 1)).to(x).expand_as(x).clone()
        return self.value.to(x).expand_as(x).clone()

    def __repr__(self) -> str:
        return f"VelocityField({self.kind!r})"
