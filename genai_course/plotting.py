"""Figures the lessons draw again and again, always titled and labelled."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import torch

from genai_course.training import History


def _as_numpy(x) -> np.ndarray:
    if isinstance(x, torch.Tensor):
        return x.detach().cpu().numpy()
    return np.asarray(x)


def image_grid(
    images,
    *,
    nrow: int | None = None,
    title: str = "",
    labels=None,
    ax=None,
    vmin: float | None = None,
    vmax: float | None = None,
    cmap: str = "gray_r",
):
    """Show a batch of small images in a grid: grey (N, H, W), flat square (N, H*W), or
    colour (N, 3, H, W) as torch stores it (or (N, H, W, 3)).

    ``labels`` (one per image) are written above each image. Returns the matplotlib axes.
    Pixel values are shown as they are; pass ``vmin``/``vmax`` to fix the colour range
    (by default the range of the data, so [-1, 1] and [0, 1] images both look right).
    """
    images = _as_numpy(images)
    if images.ndim == 4 and images.shape[1] == 1:
        images = images[:, 0]
    if images.ndim == 4:
        return _colour_grid(
            images, nrow=nrow, title=title, labels=labels, ax=ax, vmin=vmin, vmax=vmax
        )
    if images.ndim == 2:
        side = math.isqrt(images.shape[1])
        if side * side != images.shape[1]:
            raise ValueError(
                f"Flat images of {images.shape[1]} pixels are not square; "
                "pass them with shape (N, H, W)."
            )
        images = images.reshape(-1, side, side)
    if images.ndim != 3 or len(images) == 0:
        raise ValueError(f"images must have shape (N, H, W) with N >= 1, got {images.shape}.")
    n, h, w = images.shape
    nrow = nrow or math.ceil(math.sqrt(n))
    ncol = math.ceil(n / nrow)
    pad = 1
    gap = pad if labels is None else 3  # room above each row for its labels
    canvas = np.full((ncol * (h + gap) + gap, nrow * (w + pad) + pad), np.nan)
    for i, image in enumerate(images):
        r, c = divmod(i, nrow)
        top, left = gap + r * (h + gap), pad + c * (w + pad)
        canvas[top : top + h, left : left + w] = image
    if ax is None:
        _, ax = plt.subplots(figsize=(min(1 + 0.6 * nrow, 10), min(1 + 0.6 * ncol, 10)))
    lo = np.nanmin(images) if vmin is None else vmin
    hi = np.nanmax(images) if vmax is None else vmax
    shown = np.ma.masked_invalid(canvas)
    colormap = plt.get_cmap(cmap).with_extremes(bad="white")  # padding shows as white
    ax.imshow(shown, cmap=colormap, vmin=lo, vmax=hi, interpolation="nearest")
    if labels is not None:
        for i, label in enumerate(list(labels)[:n]):
            r, c = divmod(i, nrow)
            ax.text(
                pad + c * (w + pad) + w / 2 - 0.5,
                gap + r * (h + gap) - 0.7,
                str(label),
                ha="center",
                va="bottom",
                fontsize=7,
            )
    ax.set_title(title)
    ax.set_xticks([])
    ax.set_yticks([])
    return ax


def _colour_grid(images, *, nrow, title, labels, ax, vmin, vmax):
    """image_grid for colour images: channels scaled from [vmin, vmax] to [0, 1] together."""
    if images.shape[1] == 3 and images.shape[-1] != 3:
        images = images.transpose(0, 2, 3, 1)  # (N, 3, H, W) -> (N, H, W, 3)
    if images.shape[-1] != 3 or len(images) == 0:
        raise ValueError(
            "colour images must have shape (N, 3, H, W) or (N, H, W, 3) with N >= 1, "
            f"got {images.shape}."
        )
    lo = float(np.min(images)) if vmin is None else vmin
    hi = float(np.max(images)) if vmax is None else vmax
    images = np.clip((images - lo) / max(hi - lo, 1e-12), 0.0, 1.0)
    n, h, w, _ = images.shape
    nrow = nrow or math.ceil(math.sqrt(n))
    ncol = math.ceil(n / nrow)
    pad = 1
    gap = pad if labels is None else 3
    canvas = np.ones((ncol * (h + gap) + gap, nrow * (w + pad) + pad, 3))  # white padding
    for i, image in enumerate(images):
        r, c = divmod(i, nrow)
        top, left = gap + r * (h + gap), pad + c * (w + pad)
        canvas[top : top + h, left : left + w] = image
    if ax is None:
        _, ax = plt.subplots(figsize=(min(1 + 0.6 * nrow, 10), min(1 + 0.6 * ncol, 10)))
    ax.imshow(canvas, interpolation="nearest")
    for i, label in enumerate(list(labels)[:n] if labels is not None else []):
        r, c = divmod(i, nrow)
        ax.text(
            pad + c * (w + pad) + w / 2 - 0.5,
            gap + r * (h + gap) - 0.7,
            str(label),
            ha="center",
            va="bottom",
            fontsize=7,
        )
    ax.set_title(title)
    ax.set_xticks([])
    ax.set_yticks([])
    return ax


def plot_history(
    history: History,
    names=None,
    *,
    title: str = "Training loss",
    ax=None,
    smooth: int = 1,
    ylabel: str = "loss",
):
    """Plot logged values against the training step; ``smooth`` is a moving-average window."""
    if not isinstance(history, History):
        raise TypeError(
            f"history must be the History returned by fit(), got {type(history).__name__}."
        )
    names = names or list(history.values)
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))
    steps = np.asarray(history.steps)
    for name in names:
        values = np.asarray(history[name], dtype=float)
        if smooth > 1 and len(values) >= smooth:
            kernel = np.ones(smooth) / smooth
            values = np.convolve(values, kernel, mode="valid")
            ax.plot(steps[smooth - 1 :], values, label=name)
        else:
            ax.plot(steps, values, label=name)
    ax.set_xlabel("training step")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend()
    return ax


def scatter_compare(
    real,
    generated=None,
    *,
    title: str = "Data and samples",
    ax=None,
    real_label: str = "training data",
    generated_label: str = "model samples",
    limits: float | None = 2.5,
):
    """Scatter 2D training points and model samples on the same, square axes."""
    real = _as_numpy(real)
    if real.ndim != 2 or real.shape[1] != 2:
        raise ValueError(f"real must have shape (N, 2), got {real.shape}.")
    if ax is None:
        _, ax = plt.subplots(figsize=(4.5, 4.5))
    ax.scatter(real[:, 0], real[:, 1], s=4, alpha=0.4, label=real_label, color="tab:blue")
    if generated is not None:
        generated = _as_numpy(generated)
        if generated.ndim != 2 or generated.shape[1] != 2:
            raise ValueError(f"generated must have shape (N, 2), got {generated.shape}.")
        ax.scatter(
            generated[:, 0],
            generated[:, 1],
            s=4,
            alpha=0.5,
            label=generated_label,
            color="tab:orange",
        )
    if limits is not None:
        ax.set_xlim(-limits, limits)
        ax.set_ylim(-limits, limits)
    ax.set_aspect("equal")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_title(title)
    ax.legend(loc="upper right", markerscale=3, fontsize=8)
    return ax
