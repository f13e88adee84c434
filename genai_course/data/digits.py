"""Handwritten digits: scikit-learn's 1,797 images of 8x8 pixels, shipped with the library.

Each model family wants its pixels on a different scale, so :func:`load_digits` returns
one of three:

- ``"unit"``: floats in [0, 1] (the VAE's Bernoulli decoder, classifiers);
- ``"symmetric"``: floats in [-1, 1] (a GAN generator ending in ``tanh``);
- ``"binary"``: 0 or 1, pixel on when above half intensity (the pixel autoregressive model).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import torch

from genai_course.validation import check_choice, check_number

SCALES = ("unit", "symmetric", "binary")
IMAGE_SHAPE = (8, 8)


@dataclass(frozen=True)
class DigitSplit:
    """Images of shape (N, 8, 8) and integer labels 0-9, split into train and test."""

    x_train: torch.Tensor
    y_train: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor
    scale: str

    def __repr__(self) -> str:
        return (
            f"DigitSplit(scale={self.scale!r}, train={tuple(self.x_train.shape)}, "
            f"test={tuple(self.x_test.shape)})"
        )


@lru_cache(maxsize=1)
def _raw_digits() -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import load_digits as sklearn_digits

    bunch = sklearn_digits()
    return bunch.images.astype(np.float32) / 16.0, bunch.target.astype(np.int64)


def rescale(images: torch.Tensor, scale: str) -> torch.Tensor:
    """Map images in [0, 1] to the given scale (see the module docstring)."""
    check_choice("scale", scale, SCALES)
    if scale == "symmetric":
        return images * 2 - 1
    if scale == "binary":
        return (images > 0.5).float()
    return images


def load_digits(scale: str = "unit", *, test_fraction: float = 0.2, seed: int = 0) -> DigitSplit:
    """The digits, split into train and test with every class in the same proportion."""
    check_choice("scale", scale, SCALES)
    test_fraction = check_number("test_fraction", test_fraction, low=0.05, high=0.95)
    from sklearn.model_selection import train_test_split

    images, labels = _raw_digits()
    x_train, x_test, y_train, y_test = train_test_split(
        images, labels, test_size=test_fraction, stratify=labels, random_state=seed
    )
    as_images = lambda a: rescale(torch.from_numpy(a.copy()), scale)  # noqa: E731
    return DigitSplit(
        as_images(x_train),
        torch.from_numpy(y_train),
        as_images(x_test),
        torch.from_numpy(y_test),
        scale,
    )
