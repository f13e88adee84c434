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
"""

from __future__ import annotations

import torch
from torch import nn

# name -> (lowest value, highest value); "real" data (toy points) has no fixed range.
VALUE_SCALES: dict[str, tuple[float, float]] = {
    "symmetric": (-1.0, 1.0),  # images for tanh outputs: -1 black, +1 white
    "unit": (0.0, 1.0),  # grey levels in [0, 1]
    "binary": (0.0, 1.0),  # pixels that are exactly 0 or 1
    "real": (float("-inf"), float("inf")),  # unbounded points, e.g. the toy 2-D data
}


class GenerativeModel(nn.Module):
    """Base class: what every generative model of the course has, beside its own maths.

    Subclasses set ``num_classes``, ``value_scale`` and ``data_shape`` (usually from
    their config) and write ``loss`` and ``sample``.
    """

    num_classes: int = 0
    value_scale: str = "real"
    data_shape: tuple[int, ...] = (2,)

    def __init__(self):
        super().__init__()
        # A buffer, so it is saved with the weights and moves with .to().
        self.register_buffer("_steps_trained", torch.zeros((), dtype=torch.long), persistent=False)

    @property
    def steps_trained(self) -> int:
        """Optimiser steps taken by ``fit`` on this model (0 for a new model)."""
        return int(self._steps_trained)

    @steps_trained.setter
    def steps_trained(self, value: int) -> None:
        self._steps_trained.fill_(int(value))

    @property
    def device(self) -> torch.device:
        """Where the parameters live; new tensors are created there."""
        for tensor in self.parameters():
            return tensor.device
        for tensor in self.buffers():
            return tensor.device
        return torch.device("cpu")

    def loss(self, batch):  # pragma: no cover - every subclass writes its own
        raise NotImplementedError(f"{type(self).__name__} must define loss(batch).")

    def sample(self, n: int, *, labels=None, generator: torch.Generator | None = None):
        raise NotImplementedError(f"{type(self).__name__} must define sample(n, ...).")  # pragma: no cover
