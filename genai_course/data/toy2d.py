"""Toy 2D distributions: small enough to see every point, rich enough to fool a model.

Each is centred near the origin and lies roughly within [-2, 2] x [-2, 2].
"""

from __future__ import annotations

import math
from typing import NamedTuple

import torch

from genai_course.validation import check_choice, check_number, check_positive_int

TOY2D_NAMES = ("gaussians", "ring", "moons", "spiral")


class Split(NamedTuple):
    """Training examples (the model learns from them) and test examples (held out)."""

    train: torch.Tensor
    test: torch.Tensor


def _gaussians(n: int, g: torch.Generator, noise: float) -> torch.Tensor:
    # Three blobs of different sizes, so a density model must learn the weights too.
    centres = torch.tensor([[-1.2, -0.8], [1.2, -0.6], [0.0, 1.2]])
    weights = torch.tensor([0.5, 0.3, 0.2])
    which = torch.multinomial(weights, n, replacement=True, generator=g)
    return centres[which] + torch.randn(n, 2, generator=g) * (0.25 + noise)


def _ring(n: int, g: torch.Generator, noise: float) -> torch.Tensor:
    # Eight tight Gaussians on a circle of radius 1.5: the classic mode-collapse test.
    which = torch.randint(8, (n,), generator=g)
    angle = which.float() * (2 * math.pi / 8)
    centres = 1.5 * torch.stack([angle.cos(), angle.sin()], dim=1)
    return centres + torch.randn(n, 2, generator=g) * (0.05 + noise)


def _moons(n: int, g: torch.Generator, noise: float) -> torch.Tensor:
    upper = torch.rand(n, generator=g) < 0.5
    t = torch.rand(n, generator=g) * math.pi
    x = torch.where(upper, t.cos(), 1 - t.cos())
    y = torch.where(upper, t.sin(), 0.5 - t.sin())
    points = torch.stack([x - 0.5, y - 0.25], dim=1) * 1.2
    return points + torch.randn(n, 2, generator=g) * (0.05 + noise)


def _spiral(n: int, g: torch.Generator, noise: float) -> torch.Tensor:
    t = torch.rand(n, generator=g).sqrt() * 3 * math.pi  # sqrt: even density along the arm
    points = torch.stack([t * t.cos(), t * t.sin()], dim=1) / (1.5 * math.pi)
    return points + torch.randn(n, 2, generator=g) * (0.04 + noise)


_MAKERS = {"gaussians": _gaussians, "ring": _ring, "moons": _moons, "spiral": _spiral}


def make_toy2d(name: str, n: int = 1000, *, seed: int = 0, noise: float = 0.0) -> torch.Tensor:
    """Draw ``n`` points of the named distribution as a float tensor of shape (n, 2).

    ``noise`` adds to each distribution's own spread (standard deviation).
    """
    check_choice("toy distribution", name, TOY2D_NAMES)
    n = check_positive_int("n", n)
    noise = check_number("noise", noise, low=0)
    g = torch.Generator().manual_seed(seed)
    return _MAKERS[name](n, g, noise).float()


def load_toy2d(
    name: str, n_train: int = 2000, n_test: int = 500, *, seed: int = 0, noise: float = 0.0
) -> Split:
    """Training and test points from the same distribution, drawn independently."""
    n_train = check_positive_int("n_train", n_train)
    n_test = check_positive_int("n_test", n_test)
    points = make_toy2d(name, n_train + n_test, seed=seed, noise=noise)
    return Split(points[:n_train], points[n_train:])
