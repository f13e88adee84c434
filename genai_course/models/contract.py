"""The one contract every generative model of the course follows, written once.

Learners meet one vocabulary, and helpers (``fit``, the metrics, the widgets, the
benchmark) never guess which method a model has:

- ``loss(batch)``: a scalar tensor, or a dict whose ``"loss"`` entry ``fit`` minimises.
  ``batch`` is ``x`` or ``(x, labels)``.
- ``sample(n, *, labels=None, generator=None)``: ``n`` new examples, shaped like the
  training data (``(n, *data_shape)``) and on its value scale, on the model's device.
- ``decode(z, labels=None)`` wherever there is a latent ``z`` (GAN, VAE, latent flow).
- ``num_classes``: 0 always means unconditional; ``labels`` are then not allowed.
- ``value_scale``: one of :data:`VALUE_SCALES`, read by the plotting, metric and widget
  helpers instead of a name matched by hand.
- ``data_shape``: the shape of one example, e.g. ``(2,)`` for toy points, ``(8, 8)``.
- ``steps_trained``: how many optimiser steps ``fit`` has taken on it (0 when new).

Language models follow makemore's ``forward(idx, targets) -> (logits, loss)`` and one
``generate``; see :mod:`genai_course.models.language_model`.

New tensors follow the model's device (``self.device``), as in nanoGPT's
``device = idx.device``: the same code then runs on the CPU and the GPU.

Configuration vocabulary (every config dataclass): width ``hidden``, depth ``layers``,
attention heads ``heads``, ``latent_dim``, ``num_classes``, ``data_shape``,
``vocab_size``, ``block_size``, ``dropout``. Older names (``hidden_size``,
``num_layers``, ``n_embd``, ...) are still read, so old checkpoints keep loading:
:func:`renamed` maps them.
"""

from __future__ import annotations

import warnings

import torch
import torch.nn.functional as F
from torch import nn

from genai_course.validation import check_labels

# name -> (lowest value, highest value); "real" data (toy points) has no fixed range.
VALUE_SCALES: dict[str, tuple[float, float]] = {
    "symmetric": (-1.0, 1.0),  # images for tanh outputs: -1 black, +1 white
    "unit": (0.0, 1.0),  # grey levels in [0, 1]
    "binary": (0.0, 1.0),  # pixels that are exactly 0 or 1
    "real": (float("-inf"), float("inf")),  # unbounded points, e.g. the toy 2-D data
}

# Old configuration names -> the one vocabulary.
LEGACY_NAMES = {
    "hidden_size": "hidden",
    "n_embd": "hidden",
    "num_layers": "layers",
    "n_layer": "layers",
    "n_head": "heads",
    "num_heads": "heads",
}


def renamed(config: dict) -> dict:
    """A config dict with old names (``hidden_size``, ``num_layers``, ...) replaced by the
    course's vocabulary; used when a checkpoint's JSON is rebuilt into a config."""
    out = {}
    config = dict(config)
    if "num_pixels" in config:  # pixel models gave a count; a square count is a square image
        count = int(config.pop("num_pixels"))
        side = int(count**0.5 + 0.5)
        config.setdefault("data_shape", (side, side) if side * side == count else (count,))
    if "dim" in config:  # the mixture gave the length of a point
        config.setdefault("data_shape", (int(config.pop("dim")),))
    for key, value in config.items():
        new = LEGACY_NAMES.get(key, key)
        if new in out and out[new] != value:
            raise ValueError(
                f"The config gives both {key!r} (an old name) and {new!r} with "
                f"different values ({value!r} and {out[new]!r}); keep only {new!r}."
            )
        out[new] = value
    return out


def legacy(config, old: str, new: str, value) -> None:
    """Move an old-name ``InitVar`` value onto its new field (called from ``__post_init__``)."""
    if value is None:
        return
    warnings.warn(
        f"{type(config).__name__}({old}=...) is the old name; use {new}=...",
        DeprecationWarning,
        stacklevel=4,
    )
    setattr(config, new, value)


def check_value_scale(name: str, x: torch.Tensor, scale: str, *, model: str = "this model") -> None:
    """Raise a clear error when data lie outside the range the model declares.

    The classic mistake: 0-255 pixels given to a Bernoulli VAE, which then reports a loss
    of -24,605 and learns nothing. Checked once per batch; cheap (one min and one max).
    """
    if scale not in VALUE_SCALES or scale == "real" or x.numel() == 0 or x.device.type == "meta":
        return
    low, high = VALUE_SCALES[scale]
    lo, hi = float(x.min()), float(x.max())
    fix = {
        "unit": "divide 0-255 pixels by 255 (or use load_digits('unit'))",
        "symmetric": "map [0, 1] pixels to [-1, 1] with 2 * x - 1 (or load_digits('symmetric'))",
        "binary": "threshold the images, e.g. (x > 0.5).float() (or load_digits('binary'))",
    }[scale]
    if lo < low - 1e-6 or hi > high + 1e-6:
        raise ValueError(
            f"{name} lie in [{lo:g}, {hi:g}], but {model} expects values in "
            f"[{low:g}, {high:g}] (value_scale={scale!r}): {fix}."
        )
    if scale == "binary" and not ((x == 0) | (x == 1)).all():
        raise ValueError(
            f"{name} must be exactly 0 or 1 (value_scale='binary'), got other "
            f"values in [{lo:g}, {hi:g}]: {fix}."
        )


class StepCounter(nn.Module):
    """``steps_trained``: optimiser steps ``fit`` has taken, saved with the weights.

    Shared by :class:`GenerativeModel` and the language models."""

    def __init__(self):
        super().__init__()
        # A buffer, so it is saved with the weights and moves with .to().
        self.register_buffer("_steps_trained", torch.zeros((), dtype=torch.long))

    @property
    def steps_trained(self) -> int:
        """Optimiser steps taken by ``fit`` on this model (0 for a new model)."""
        return int(self._steps_trained)

    @steps_trained.setter
    def steps_trained(self, value: int) -> None:
        self._steps_trained.fill_(int(value))

    def _load_from_state_dict(self, state_dict, prefix, *args, **kwargs):
        # Checkpoints written before the contract call the counter "steps_trained", or
        # lack it: map the old name, and keep the current count when it is missing.
        old, new = prefix + "steps_trained", prefix + "_steps_trained"
        if old in state_dict:
            state_dict[new] = state_dict.pop(old)
        state_dict.setdefault(new, self._steps_trained.detach().clone())
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)


class GenerativeModel(StepCounter):
    """Base class: what every generative model of the course has, beside its own maths.

    Subclasses set ``num_classes``, ``value_scale`` and ``data_shape`` (usually from
    their config) and write ``loss`` and ``sample``.
    """

    num_classes: int = 0
    value_scale: str = "real"
    data_shape: tuple[int, ...] = (2,)

    @property
    def device(self) -> torch.device:
        """Where the parameters live; new tensors are created there."""
        for tensor in self.parameters():
            return tensor.device
        for tensor in self.buffers():
            return tensor.device
        return torch.device("cpu")

    # ----- helpers every model uses ----------------------------------------------------
    def check_data(self, x, name: str = "x") -> torch.Tensor:
        """Check one batch of data: shape ``(n, *data_shape)``, float, on the declared scale.

        float64 (NumPy's default) is converted to the model's float32 rather than failing
        deep inside torch with a dtype error.
        """
        if not isinstance(x, torch.Tensor):
            raise TypeError(
                f"{name} must be a torch tensor, got {type(x).__name__}; "
                "convert with torch.as_tensor(x, dtype=torch.float32)."
            )
        shape = tuple(self.data_shape)
        if tuple(x.shape[1:]) != shape and not (x.ndim == 2 and x.shape[1] == _prod(shape)):
            raise ValueError(
                f"{name} must have shape (n, {', '.join(map(str, shape))}) for this "
                f"{type(self).__name__} (data_shape={shape}), got {tuple(x.shape)}. "
                "Reshape the data, or build the model with data_shape= matching it."
            )
        if not x.is_floating_point() or x.dtype == torch.float64:
            x = x.float()
        check_value_scale(name, x, self.value_scale, model=f"this {type(self).__name__}")
        return x

    def check_labels(self, labels, n: int) -> torch.Tensor | None:
        """Labels as a long tensor of n classes on the model's device, or None when unconditional."""
        c = self.num_classes
        if c == 0:
            if labels is not None:
                raise ValueError(
                    f"This {type(self).__name__} is unconditional (num_classes=0): "
                    "do not pass labels."
                )
            return None
        if labels is None:
            raise ValueError(
                f"This {type(self).__name__} is class-conditional: pass labels in "
                f"0..{c - 1}, one per example (or one for all)."
            )
        if isinstance(labels, torch.Tensor) and labels.device.type == "meta":
            return labels
        return check_labels("labels", labels, c, n=n).to(self.device)

    def one_hot(self, labels, n: int) -> torch.Tensor | None:
        """Checked labels as one-hot float rows (n, num_classes), or None when unconditional."""
        labels = self.check_labels(labels, n)
        return None if labels is None else F.one_hot(labels, self.num_classes).float()

    def default_labels(self, n: int, labels=None):
        """A conditional model given no labels cycles through the classes 0, 1, 2, ..."""
        if self.num_classes and labels is None:
            return torch.arange(n, device=self.device) % self.num_classes
        return labels

    def randn(self, *shape: int, generator: torch.Generator | None = None) -> torch.Tensor:
        """Standard normal noise on the model's device, reproducible with ``generator``
        wherever the generator lives (a CPU generator draws on the CPU, then moves)."""
        return randn(shape, generator=generator, device=self.device)

    def loss(self, batch):  # pragma: no cover - every subclass writes its own
        raise NotImplementedError(f"{type(self).__name__} must define loss(batch).")

    def sample(self, n: int, *, labels=None, generator: torch.Generator | None = None):
        raise NotImplementedError(
            f"{type(self).__name__} must define sample(n, ...)."
        )  # pragma: no cover

    def split_batch(self, batch):
        """A batch is ``x`` or ``(x, labels)``; an unconditional model ignores the labels."""
        if isinstance(batch, (tuple, list)):
            x, labels = (batch[0], batch[1] if len(batch) > 1 else None)
        else:
            x, labels = batch, None
        return x, (labels if self.num_classes else None)


def _prod(shape) -> int:
    out = 1
    for s in shape:
        out *= int(s)
    return out


def check_generator(generator) -> torch.Generator | None:
    if generator is not None and not isinstance(generator, torch.Generator):
        raise TypeError(
            f"generator must be a torch.Generator or None, got {generator!r}; "
            "pass class labels by keyword: sample(n, labels=7)."
        )
    return generator


def _draw_device(generator, device) -> torch.device:
    device = torch.device(device)
    return generator.device if generator is not None else device


def randn(shape, *, generator=None, device="cpu", dtype=torch.float32) -> torch.Tensor:
    """``torch.randn`` on ``device``; with a generator the draw happens on its device."""
    check_generator(generator)
    draw = _draw_device(generator, device)
    return torch.randn(tuple(shape), generator=generator, device=draw, dtype=dtype).to(device)


def bernoulli(p: torch.Tensor, *, generator=None) -> torch.Tensor:
    """``torch.bernoulli`` that accepts a generator on another device than ``p``."""
    check_generator(generator)
    if generator is None or generator.device == p.device:
        return torch.bernoulli(p, generator=generator)
    return torch.bernoulli(p.to(generator.device), generator=generator).to(p.device)


def multinomial(p: torch.Tensor, n: int, *, replacement=True, generator=None) -> torch.Tensor:
    """``torch.multinomial`` that accepts a generator on another device than ``p``."""
    check_generator(generator)
    if generator is None or generator.device == p.device:
        return torch.multinomial(p, n, replacement=replacement, generator=generator)
    return torch.multinomial(
        p.to(generator.device), n, replacement=replacement, generator=generator
    ).to(p.device)
