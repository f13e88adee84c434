"""A live training monitor: loss curves and a grid of samples, refreshed as ``fit`` runs.

Use it as a ``fit`` callback::

    monitor = TrainingMonitor(every=100, sample_fn=lambda model: model.sample(16, generator=g))
    display(monitor.widget)
    fit(gan, data, steps=2000, callbacks=[monitor])

Plots are drawn off-screen with matplotlib and put into ``ipywidgets.Image`` widgets as
PNG bytes, so the browser sees new images arrive while the cell runs (and nothing calls
``clear_output``, which strict notebook tests reject). The monitor also keeps every
value it was given in ``monitor.history``, so its logic is testable without a browser.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import ipywidgets as widgets
import numpy as np
import torch
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from genai_course.models.contract import VALUE_SCALES
from genai_course.plotting import image_grid
from genai_course.training import History
from genai_course.validation import check_positive_int


def figure_png(fig: Figure) -> bytes:
    """The PNG bytes of a matplotlib figure made with ``Figure()`` (no pyplot, no display)."""
    FigureCanvasAgg(fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=80, bbox_inches="tight")
    return buffer.getvalue()


class TrainingMonitor:
    """A ``fit`` callback that records the logs and redraws its plots every ``every`` steps.

    ``sample_fn(model)`` returns what to show: images (n, H, W) as a grid, or 2D points
    (n, 2) as a scatter plot. ``names`` picks the logged values to plot (default: all).
    """

    def __init__(
        self,
        every: int = 50,
        sample_fn: Callable | None = None,
        *,
        names: list[str] | None = None,
        title: str = "Training",
        smooth: int = 10,
    ):
        self.every = check_positive_int("every", every)
        self.smooth = check_positive_int("smooth", smooth)
        if sample_fn is not None and not callable(sample_fn):
            raise TypeError(
                "sample_fn must be a function model -> samples (or None), "
                f"got {type(sample_fn).__name__}."
            )
        self.sample_fn, self.names, self.title = sample_fn, names, title
        self.history = History()
        self.refreshes = 0
        self.status = widgets.HTML(value=f"<b>{title}</b>: waiting for the first step")
        self.curves = widgets.Image(format="png", layout=widgets.Layout(width="420px"))
        self.samples = widgets.Image(format="png", layout=widgets.Layout(width="300px"))
        panels = [self.curves] + ([self.samples] if sample_fn is not None else [])
        self.widget = widgets.VBox([self.status, widgets.HBox(panels)])
        self.widget.add_class("genai-training-monitor")

    def __call__(
        self, step: int, logs: dict[str, float], model: torch.nn.Module | None = None
    ) -> None:
        """Record one step's logs; every ``every`` steps, redraw the curves and samples."""
        self.history.record(step, dict(logs))
        if step % self.every == 0:
            self.refresh(model)

    def refresh(self, model: torch.nn.Module | None = None) -> None:
        """Redraw now (the curves from the recorded history; samples if a model is given)."""
        if not self.history.steps:
            raise RuntimeError("Nothing to show yet: the monitor has not been given any step.")
        latest = ", ".join(f"{k} {v[-1]:.3f}" for k, v in self.history.values.items())
        self.status.value = f"<b>{self.title}</b>: step {self.history.steps[-1]} &mdash; {latest}"
        self.curves.value = self._curves_png()
        if self.sample_fn is not None and model is not None:
            was_training = model.training
            model.eval()
            with torch.no_grad():
                shown = self.sample_fn(model)
            model.train(was_training)
            self.samples.value = self._samples_png(shown, getattr(model, "value_scale", None))
        self.refreshes += 1

    def _curves_png(self) -> bytes:
        fig = Figure(figsize=(5.2, 3.2))
        ax = fig.add_subplot()
        steps = np.asarray(self.history.steps)
        for name in self.names or list(self.history.values):
            values = np.asarray(self.history[name], dtype=float)
            k = min(self.smooth, len(values))
            smoothed = np.convolve(values, np.ones(k) / k, mode="valid")
            ax.plot(steps[k - 1 :], smoothed, label=name)
        ax.set_xlabel("training step")
        ax.set_ylabel("value" + (f" (mean of {self.smooth} steps)" if self.smooth > 1 else ""))
        ax.set_title(f"{self.title}: logged values")
        ax.legend(fontsize=8)
        return figure_png(fig)

    def _samples_png(self, shown, scale: str | None = None) -> bytes:
        shown = (
            (shown if isinstance(shown, torch.Tensor) else torch.as_tensor(shown, device="cpu"))
            .detach()
            .cpu()
        )
        fig = Figure(figsize=(3.6, 3.6))
        ax = fig.add_subplot()
        step = self.history.steps[-1]
        if shown.ndim == 2 and shown.shape[1] == 2:
            ax.scatter(
                shown[:, 0], shown[:, 1], s=4, alpha=0.5, color="tab:orange", label="samples"
            )
            ax.set_xlim(-2.5, 2.5)
            ax.set_ylim(-2.5, 2.5)
            ax.set_aspect("equal")
            ax.set_xlabel("$x_1$")
            ax.set_ylabel("$x_2$")
            ax.legend(loc="upper right", fontsize=8)
            ax.set_title(f"samples at step {step}")
        elif shown.ndim == 3:
            # the model's declared scale; without one, guess from the values
            low = (
                VALUE_SCALES[scale][0]
                if scale in ("symmetric", "unit", "binary")
                else (-1.0 if float(shown.min()) < 0 else 0.0)
            )
            image_grid(shown, ax=ax, vmin=low, vmax=1.0, title=f"samples at step {step}")
        else:
            raise ValueError(
                "sample_fn must return images (n, H, W) or points (n, 2), "
                f"got shape {tuple(shown.shape)}."
            )
        return figure_png(fig)

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)
