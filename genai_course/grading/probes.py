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
    leaves = [a.detach().clone().requires_grad_() if isinstance(a, torch.Tensor)
              and a.is_floating_point() else a for a in args]
    out = fn(*leaves, **kwargs)
    if not isinstance(out, torch.Tensor) or not out.requires_grad:
        return tuple(None for _ in leaves)
    out.sum().backward()
    return tuple(leaf.grad if isinstance(leaf, torch.Tensor) and leaf.requires_grad else None
                 for leaf in leaves)
