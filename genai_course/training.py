"""One training loop for every model of the course.

A model only has to say how bad it is on a batch: ``model.loss(batch)`` returns a
scalar tensor, or a dict of named terms whose ``"loss"`` entry is minimised (a VAE
reports ``{"loss", "reconstruction", "kl"}``). A model with two players (a GAN)
brings its own ``train_step(batch, optimizers)`` and ``make_optimizers(lr)``.
``fit`` does the rest: mini-batches, the optimiser, a progress bar, a history.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import torch
from tqdm.auto import tqdm

from genai_course.validation import check_number, check_positive_int

Batch = torch.Tensor | tuple[torch.Tensor, ...]
Callback = Callable[[int, dict[str, float], torch.nn.Module], None]


@dataclass
class History:
    """What happened during training: the step numbers and every logged value per step."""

    steps: list[int] = field(default_factory=list)
    values: dict[str, list[float]] = field(default_factory=dict)

    def record(self, step: int, logs: dict[str, float]) -> None:
        self.steps.append(step)
        for name, value in logs.items():
            self.values.setdefault(name, []).append(value)

    def __getitem__(self, name: str) -> list[float]:
        if name not in self.values:
            raise KeyError(f"No {name!r} in this history; it holds {sorted(self.values)}.")
        return self.values[name]

    def last(self, name: str = "loss", window: int = 1) -> float:
        """Mean of the last ``window`` values of ``name`` (smooths a noisy loss)."""
        values = self[name][-window:]
        return sum(values) / len(values)

    def __len__(self) -> int:
        return len(self.steps)


def default_device() -> torch.device:
    """The GPU when there is one, else the CPU (the course is built for the CPU)."""
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def make_batcher(data, batch_size: int, generator: torch.Generator) -> Callable[[], Batch]:
    """Return a function that draws a random mini-batch from ``data``.

    ``data`` is a tensor (rows are examples), a tuple of tensors with the same number of
    rows (for example images and labels), or a function ``get_batch(batch_size, generator)``
    for data that are cut on the fly (windows of a long text).
    """
    if callable(data):
        return lambda: data(batch_size, generator)
    tensors = data if isinstance(data, (tuple, list)) else (data,)
    if not tensors or not all(isinstance(t, torch.Tensor) for t in tensors):
        raise TypeError("data must be a tensor, a tuple of tensors, or a function "
                        f"get_batch(batch_size, generator); got {type(data).__name__}.")
    n = len(tensors[0])
    if n == 0:
        raise ValueError("data is empty: there is nothing to train on.")
    if any(len(t) != n for t in tensors):
        raise ValueError("All tensors in data must have the same number of rows, got "
                         f"{[len(t) for t in tensors]}.")

    def draw() -> Batch:
        rows = torch.randint(n, (batch_size,), generator=generator)
        picked = tuple(t[rows] for t in tensors)
        return picked if isinstance(data, (tuple, list)) else picked[0]

    return draw


def _to_device(batch: Batch, device: torch.device) -> Batch:
    if isinstance(batch, torch.Tensor):
        return batch.to(device)
    return tuple(t.to(device) for t in batch)


def _number(value) -> float:
    return float(value.detach()) if isinstance(value, torch.Tensor) else float(value)


def _as_logs(result) -> tuple[torch.Tensor, dict[str, float]]:
    """Split what ``model.loss`` returned into the tensor to minimise and numbers to log."""
    if isinstance(result, dict):
        if "loss" not in result:
            raise KeyError(f"model.loss returned a dict without a 'loss' entry: {sorted(result)}.")
        return result["loss"], {k: _number(v) for k, v in result.items()}
    return result, {"loss": _number(result)}


def standard_step(model: torch.nn.Module, batch: Batch,
                  optimizer: torch.optim.Optimizer) -> dict[str, float]:
    """One gradient step: loss, backward pass, parameter update."""
    loss, logs = _as_logs(model.loss(batch))
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    optimizer.step()
    return logs


def fit(model: torch.nn.Module, data, *, steps: int, batch_size: int = 64, lr: float = 1e-3,
        seed: int | None = 0, progress: bool = True, callbacks: Iterable[Callback] = (),
        device: str | torch.device | None = None, description: str | None = None) -> History:
    """Train ``model`` on ``data`` for exactly ``steps`` mini-batch updates.

    A fixed step budget (not a time budget) makes results the same on every machine.
    ``seed`` fixes the order of mini-batches (``None`` leaves it to the global seed);
    ``callbacks`` are called as ``callback(step, logs, model)`` after every step, which
    is how live plots and sample grids are drawn. Returns the :class:`History`.
    """
    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}.")
    custom_step = getattr(model, "train_step", None)
    if custom_step is None and not hasattr(model, "loss"):
        raise TypeError(f"{type(model).__name__} has no loss(batch) method, so fit() cannot "
                        "train it. Give it one that returns the loss of a batch.")
    steps = check_positive_int("steps", steps)
    batch_size = check_positive_int("batch_size", batch_size)
    lr = check_number("lr", lr, low=0, low_inclusive=False)
    callbacks = list(callbacks)

    device = torch.device(device) if device is not None else default_device()
    model.to(device)
    generator = torch.Generator()
    generator.manual_seed(seed if seed is not None else int(torch.randint(2**31, (1,))))
    if seed is not None:
        torch.manual_seed(seed)
    draw = make_batcher(data, batch_size, generator)

    if hasattr(model, "make_optimizers"):
        optimizers = model.make_optimizers(lr)
    else:
        optimizers = torch.optim.Adam(model.parameters(), lr=lr)

    history = History()
    model.train()
    bar = tqdm(range(1, steps + 1), desc=description or f"training {type(model).__name__}",
               disable=not progress, leave=True)
    try:
        for step in bar:
            batch = _to_device(draw(), device)
            if custom_step is not None:
                logs = custom_step(batch, optimizers)
            else:
                logs = standard_step(model, batch, optimizers)
            if not all(math.isfinite(v) for v in logs.values()):
                raise FloatingPointError(
                    f"The loss became {logs} at step {step}. Try a smaller learning rate "
                    f"(lr={lr}) or check the data for extreme values.")
            history.record(step, logs)
            if step % max(1, steps // 100) == 0 or step == steps:
                bar.set_postfix({k: f"{v:.3f}" for k, v in logs.items()}, refresh=False)
            for callback in callbacks:
                callback(step, logs, model)
    finally:
        bar.close()
        model.eval()
    return history
