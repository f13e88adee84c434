"""One training loop for every model of the course.

A model only has to say how bad it is on a batch: ``model.loss(batch)`` returns a
scalar tensor, or a dict of named terms whose ``"loss"`` entry is minimised (a VAE
reports ``{"loss", "reconstruction", "kl"}``). A model with two players (a GAN)
brings its own ``train_step(batch, optimizers)`` and ``make_optimizers(lr)``.
``fit`` does the rest: mini-batches, the optimiser, a progress bar, a history.

It takes the data PyTorch users already have: a tensor, a tuple of tensors (images and
labels), NumPy arrays, a ``torch.utils.data.Dataset``, a ``DataLoader``, or a function
``get_batch(batch_size, generator)``. A callback can stop training early (return
``False`` or raise :class:`StopTraining`); the History survives that and Ctrl-C.
"""

from __future__ import annotations

import math
import sys
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset

from genai_course.seeding import default_device
from genai_course.validation import check_number, check_positive_int

Batch = torch.Tensor | tuple[torch.Tensor, ...]
Callback = Callable[[int, dict[str, float], torch.nn.Module], bool | None]

__all__ = ["History", "StopTraining", "fit", "make_batcher", "standard_step", "default_device"]


class StopTraining(Exception):  # noqa: N818 - reads as an instruction: raise StopTraining
    """Raise from a callback to end training early; ``fit`` returns the History so far."""


@dataclass(repr=False)
class History:
    """What happened during training: the step numbers and every logged value per step.

    ``stopped`` says why training ended before its budget ("callback", "interrupted"),
    or is None when every step ran.
    """

    steps: list[int] = field(default_factory=list)
    values: dict[str, list[float]] = field(default_factory=dict)
    stopped: str | None = None

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

    def summary(self) -> str:
        """One line: how many steps, and the last value of each logged number."""
        if not self.steps:
            return "no steps"
        last = ", ".join(f"{k}={v[-1]:.4g}" for k, v in self.values.items())
        end = f", stopped early ({self.stopped})" if self.stopped else ""
        return f"{len(self)} steps (last step {self.steps[-1]}): {last}{end}"

    def __repr__(self) -> str:  # short: a notebook shows it when fit(...) ends a cell
        return f"History({self.summary()})"


# ----- data -------------------------------------------------------------------------------
def _as_tensor(value, name: str) -> torch.Tensor:
    """Tensors pass; NumPy arrays become tensors; float64 becomes the models' float32."""
    if isinstance(value, np.ndarray):
        if value.dtype == object:
            raise TypeError(
                f"{name} is a NumPy array of Python objects; convert it to numbers first."
            )
        value = torch.from_numpy(np.ascontiguousarray(value))
    if not isinstance(value, torch.Tensor):
        raise TypeError(f"{name} must be a tensor or a NumPy array, got {type(value).__name__}.")
    if value.dtype == torch.float64:  # NumPy's default; the course's models are float32
        value = value.float()
    return value


def _dataset_batcher(loader_or_dataset, batch_size: int, generator: torch.Generator):
    """Cycle through a DataLoader (or a Dataset wrapped in one) for as many steps as asked."""
    if isinstance(loader_or_dataset, DataLoader):
        loader = loader_or_dataset
    else:
        if len(loader_or_dataset) == 0:
            raise ValueError("The dataset is empty: there is nothing to train on.")
        loader = DataLoader(
            loader_or_dataset,
            batch_size=batch_size,
            shuffle=True,
            generator=generator,
            drop_last=False,
        )
    iterator = iter(loader)

    def draw() -> Batch:
        nonlocal iterator
        try:
            batch = next(iterator)
        except StopIteration:  # a new epoch
            iterator = iter(loader)
            try:
                batch = next(iterator)
            except StopIteration:
                raise ValueError(
                    "The DataLoader yields no batches: there is nothing to train on."
                ) from None
        if isinstance(batch, (list, tuple)):
            return tuple(_as_tensor(t, "a batch from the DataLoader") for t in batch)
        return _as_tensor(batch, "a batch from the DataLoader")

    return draw


def make_batcher(data, batch_size: int, generator: torch.Generator) -> Callable[[], Batch]:
    """Return a function that draws a random mini-batch from ``data``.

    ``data`` is a tensor or NumPy array (rows are examples), a tuple of them with the same
    number of rows (for example images and labels), a ``Dataset`` or ``DataLoader``, or a
    function ``get_batch(batch_size, generator)`` for data cut on the fly (windows of a text).
    """
    if isinstance(data, (DataLoader, Dataset)):
        return _dataset_batcher(data, batch_size, generator)
    if callable(data):
        return lambda: data(batch_size, generator)
    is_tuple = isinstance(data, (tuple, list))
    if is_tuple and data and all(isinstance(t, (int, float)) for t in data):
        raise TypeError(
            "data is a list of numbers; pass a tensor or a NumPy array of examples, "
            "e.g. torch.tensor(data)."
        )
    items = data if is_tuple else (data,)
    if not items:
        raise ValueError("data is empty: there is nothing to train on.")
    try:
        tensors = tuple(
            _as_tensor(t, f"data[{i}]" if is_tuple else "data") for i, t in enumerate(items)
        )
    except TypeError as error:
        raise TypeError(
            f"{error} fit() takes a tensor, NumPy array, a tuple of them (e.g. "
            "(images, labels)), a Dataset, a DataLoader, or a function "
            f"get_batch(batch_size, generator); got {type(data).__name__}"
            + (f" of {[type(t).__name__ for t in items]}" if is_tuple else "")
            + "."
        ) from None
    n = len(tensors[0]) if tensors[0].ndim else 0
    if n == 0:
        raise ValueError("data is empty: there is nothing to train on.")
    if any(t.ndim == 0 or len(t) != n for t in tensors):
        raise ValueError(
            "All tensors in data must have the same number of rows, got "
            f"{[len(t) if t.ndim else 0 for t in tensors]}."
        )

    def draw() -> Batch:
        # Rows are drawn with the (CPU) generator, then indexed on the data's own device.
        rows = torch.randint(n, (batch_size,), generator=generator, device=generator.device)
        picked = tuple(t[rows.to(t.device)] for t in tensors)
        return picked if is_tuple else picked[0]

    return draw


def _to_device(batch: Batch, device: torch.device) -> Batch:
    if isinstance(batch, torch.Tensor):
        return batch.to(device)
    return tuple(t.to(device) if isinstance(t, torch.Tensor) else t for t in batch)


# ----- steps ------------------------------------------------------------------------------
def _number(value) -> float:
    return float(value.detach()) if isinstance(value, torch.Tensor) else float(value)


def _as_logs(result) -> tuple[torch.Tensor, dict[str, float]]:
    """Split what ``model.loss`` returned into the tensor to minimise and numbers to log."""
    if isinstance(result, dict):
        if "loss" not in result:
            raise KeyError(f"model.loss returned a dict without a 'loss' entry: {sorted(result)}.")
        return result["loss"], {k: _number(v) for k, v in result.items()}
    if not isinstance(result, torch.Tensor) or result.numel() != 1:
        raise TypeError(
            "model.loss(batch) must return a scalar tensor or a dict with a 'loss' "
            f"entry, got {type(result).__name__} {tuple(getattr(result, 'shape', ()))}."
        )
    return result, {"loss": _number(result)}


def standard_step(
    model: torch.nn.Module, batch: Batch, optimizer: torch.optim.Optimizer
) -> dict[str, float]:
    """One gradient step: loss, backward pass, parameter update."""
    loss, logs = _as_logs(model.loss(batch))
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    optimizer.step()
    return logs


def _optimizers(model, optimizer, lr: float):
    if optimizer is None:
        if hasattr(model, "make_optimizers"):
            return model.make_optimizers(lr)
        return torch.optim.Adam(model.parameters(), lr=lr)
    if isinstance(optimizer, torch.optim.Optimizer):
        if hasattr(model, "make_optimizers"):
            raise TypeError(
                f"{type(model).__name__} trains two players: pass optimizer=(opt_d, opt_g), "
                "or leave it out to use model.make_optimizers(lr)."
            )
        return optimizer
    if isinstance(optimizer, (tuple, list)) and all(
        isinstance(o, torch.optim.Optimizer) for o in optimizer
    ):
        return tuple(optimizer)
    if callable(optimizer):  # a class or factory: torch.optim.SGD, or lambda params: ...
        return optimizer(model.parameters(), lr=lr)
    raise TypeError(
        "optimizer must be a torch.optim.Optimizer, an optimizer class such as "
        f"torch.optim.SGD, or None (Adam), got {optimizer!r}."
    )


def _callbacks(callbacks) -> list[Callback]:
    if callbacks is None:
        return []
    if callable(callbacks):
        return [callbacks]
    callbacks = list(callbacks)
    for callback in callbacks:
        if not callable(callback):
            raise TypeError(
                f"Each callback must be a function callback(step, logs, model), got {callback!r}."
            )
    return callbacks


def _progress_bar(steps: int, description: str, progress: bool):
    """A text bar on stdout (stderr is shown on a red background in JupyterLab). An ipywidgets bar (tqdm.auto) freezes at "0% 0/600" in an
    executed notebook (nbval, nbconvert, the site); a text bar is redrawn with carriage
    returns, so a stored output shows its final state: steps done and the last losses."""
    from tqdm.std import tqdm

    return tqdm(
        range(1, steps + 1),
        desc=description,
        disable=not progress,
        leave=True,
        file=sys.stdout,
        mininterval=1.0,
        dynamic_ncols=False,
        ncols=90,
        ascii=True,
    )


# ----- the loop ---------------------------------------------------------------------------
def fit(
    model: torch.nn.Module,
    data,
    *,
    steps: int,
    batch_size: int = 64,
    lr: float = 1e-3,
    seed: int | None = 0,
    progress: bool = True,
    callbacks=(),
    optimizer=None,
    device: str | torch.device | None = None,
    description: str | None = None,
) -> History:
    """Train ``model`` on ``data`` for exactly ``steps`` mini-batch updates.

    A fixed step budget (not a time budget) makes results the same on every machine.
    ``seed`` fixes the order of mini-batches (``None`` leaves it to the global seed);
    ``callbacks`` (one function or a list) are called as ``callback(step, logs, model)``
    after every step, which is how live plots and sample grids are drawn; one that returns
    ``False`` or raises :class:`StopTraining` ends training early. ``optimizer`` is an
    optimizer, an optimizer class (``torch.optim.SGD``) or None for Adam at ``lr``.
    ``device`` defaults to the course's (``GENAI_COURSE_DEVICE``, "cpu" unless set).
    Returns the :class:`History`, also after an early stop or Ctrl-C.
    """
    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}.")
    custom_step = getattr(model, "train_step", None)
    if custom_step is None and not hasattr(model, "loss"):
        raise TypeError(
            f"{type(model).__name__} has no loss(batch) method, so fit() cannot "
            "train it. Give it one that returns the loss of a batch."
        )
    steps = check_positive_int("steps", steps)
    batch_size = check_positive_int("batch_size", batch_size)
    lr = check_number("lr", lr, low=0, low_inclusive=False)
    callbacks = _callbacks(callbacks)

    device = torch.device(device) if device is not None else default_device()
    model.to(device)
    generator = torch.Generator(device="cpu")
    generator.manual_seed(
        seed if seed is not None else int(torch.randint(2**31, (1,), device="cpu"))
    )
    if seed is not None:
        torch.manual_seed(seed)
    draw = make_batcher(data, batch_size, generator)
    optimizers = _optimizers(model, optimizer, lr)
    counter = getattr(model, "_steps_trained", None)

    history = History()
    model.train()
    bar = _progress_bar(steps, description or f"training {type(model).__name__}", progress)
    try:
        for step in bar:
            batch = _to_device(draw(), device)
            before = int(counter) if counter is not None else None
            if custom_step is not None:
                logs = custom_step(batch, optimizers)
            else:
                logs = standard_step(model, batch, optimizers)
            if counter is not None and int(counter) == before:  # the model did not count itself
                counter += 1
            if not all(math.isfinite(v) for v in logs.values()):
                raise FloatingPointError(
                    f"The loss became {logs} at step {step}. Try a smaller learning rate "
                    f"(lr={lr}) or check the data for extreme values."
                )
            history.record(step, logs)
            if step % max(1, steps // 100) == 0 or step == steps:
                bar.set_postfix({k: f"{v:.3f}" for k, v in logs.items()}, refresh=False)
            try:
                if any(callback(step, logs, model) is False for callback in callbacks):
                    raise StopTraining
            except StopTraining:
                history.stopped = "callback"
                break
    except KeyboardInterrupt:
        history.stopped = "interrupted"
        warnings.warn(
            f"Training interrupted after {len(history)} of {steps} steps; the "
            "History and the model so far are kept.",
            stacklevel=2,
        )
    finally:
        bar.close()
        model.eval()
    return history
