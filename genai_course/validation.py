"""Argument checks shared by the package, so every error says what was wrong and what to do.

A learner who passes ``n=-5`` should read "n must be a positive integer, got -5",
not a traceback from deep inside torch.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Sequence

import torch


def check_positive_int(name: str, value, *, allow_zero: bool = False) -> int:
    """Return ``value`` as an int, or raise a clear error if it is not a positive integer."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r} ({type(value).__name__}).")
    lowest = 0 if allow_zero else 1
    if value < lowest:
        kind = "a non-negative" if allow_zero else "a positive"
        raise ValueError(f"{name} must be {kind} integer, got {value}.")
    return int(value)


def check_number(
    name: str, value, *, low=None, high=None, low_inclusive=True, high_inclusive=True
) -> float:
    """Return ``value`` as a float, or raise a clear error if it is not a number in range."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {value!r} ({type(value).__name__}).")
    value = float(value)
    too_low = low is not None and (value < low if low_inclusive else value <= low)
    too_high = high is not None and (value > high if high_inclusive else value >= high)
    if too_low or too_high or value != value:  # value != value catches NaN
        left = "[" if low_inclusive else "("
        right = "]" if high_inclusive else ")"
        lo = "-inf" if low is None else low
        hi = "inf" if high is None else high
        raise ValueError(f"{name} must lie in {left}{lo}, {hi}{right}, got {value}.")
    return value


def check_choice(name: str, value, choices: Iterable[str]) -> str:
    """Raise a clear error listing the allowed values if ``value`` is not one of them."""
    choices = list(choices)
    if value not in choices:
        raise ValueError(
            f"Unknown {name} {value!r}. Choose one of: {', '.join(map(repr, choices))}."
        )
    return value


def check_tensor(
    name: str,
    value,
    *,
    ndim: int | Sequence[int] | None = None,
    last_dims: Sequence[int] | None = None,
    min_len: int = 0,
) -> torch.Tensor:
    """Return ``value`` as a float tensor after checking its shape.

    ``ndim`` is the allowed number of dimensions (one or several), ``last_dims`` the
    sizes the trailing dimensions must have (for example ``(8, 8)`` for digit images),
    ``min_len`` the least number of rows.
    """
    if not isinstance(value, torch.Tensor):
        try:
            value = torch.as_tensor(value, dtype=torch.float32, device="cpu")
        except (TypeError, ValueError, RuntimeError) as error:
            raise TypeError(
                f"{name} must be a tensor or an array of numbers, got {type(value).__name__}."
            ) from error
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if value.ndim not in allowed:
            raise ValueError(
                f"{name} must have {' or '.join(map(str, allowed))} dimensions, "
                f"got shape {tuple(value.shape)}."
            )
    if last_dims is not None:
        last_dims = tuple(last_dims)
        if tuple(value.shape[-len(last_dims) :]) != last_dims or value.ndim < len(last_dims):
            raise ValueError(
                f"{name} must have shape (..., {', '.join(map(str, last_dims))}), "
                f"got {tuple(value.shape)}."
            )
    if len(value) < min_len:
        raise ValueError(f"{name} must hold at least {min_len} rows, got {len(value)}.")
    if value.is_floating_point() and not torch.isfinite(value).all():
        raise ValueError(f"{name} contains NaN or infinite values.")
    return value


def check_labels(name: str, labels, num_classes: int, *, n: int | None = None) -> torch.Tensor:
    """Return class labels as a 1-D long tensor of whole numbers in 0..num_classes-1.

    With ``n`` (the number of examples), a single integer stands for ``n`` copies of
    itself and anything else must hold exactly ``n`` labels.
    """
    labels = labels if isinstance(labels, torch.Tensor) else torch.as_tensor(labels, device="cpu")
    if labels.dtype == torch.bool or (
        labels.is_floating_point() and not torch.equal(labels, labels.round())
    ):
        raise ValueError(f"{name} must be whole class numbers, got {labels.dtype} values.")
    labels = labels.long()
    if n is not None and labels.ndim == 0:
        labels = labels.expand(n)
    if labels.ndim != 1 or len(labels) == 0:
        raise ValueError(
            f"{name} must be a non-empty 1-D sequence of class labels, "
            f"got shape {tuple(labels.shape)}."
        )
    if n is not None and len(labels) != n:
        raise ValueError(f"{name} must be one integer or {n} of them, got {len(labels)}.")
    if int(labels.min()) < 0 or int(labels.max()) >= num_classes:
        raise ValueError(
            f"{name} must lie in 0..{num_classes - 1}, got values from "
            f"{int(labels.min())} to {int(labels.max())}."
        )
    return labels
