"""Is a sample new, or a copy of a training example?

The test: distance from each sample to its nearest training example. Held-out real
examples give the yardstick: a fresh draw from the data distribution lies about that
far from the training set. Samples much closer than that are near-copies.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from genai_course.validation import check_number, check_tensor


def _flat(name: str, x) -> torch.Tensor:
    x = check_tensor(name, x, min_len=1)
    if x.ndim == 1:
        raise ValueError(
            f"{name} must have one row per example (shape (N, ...)), got {tuple(x.shape)}."
        )
    return x.reshape(len(x), -1).float()


def nearest_neighbour_distances(samples, reference, *, chunk: int = 1024) -> torch.Tensor:
    """Euclidean distance from each sample to its closest row of ``reference``.

    Both are (N, ...) tensors with the same trailing shape; images are compared pixel by pixel.
    """
    samples = _flat("samples", samples)
    reference = _flat("reference", reference)
    if samples.shape[1] != reference.shape[1]:
        raise ValueError(
            f"samples have {samples.shape[1]} values per example but reference has "
            f"{reference.shape[1]}; compare examples of the same shape."
        )
    # The exact mode: the faster matrix-product formula loses precision for the tiny
    # distances that matter most here (a near-copy at 1e-4 could read as 1e-3).
    pieces = [
        torch.cdist(part, reference, compute_mode="donot_use_mm_for_euclid_dist").min(dim=1).values
        for part in samples.split(chunk)
    ]
    return torch.cat(pieces)


def near_copy_fraction(samples, training, *, threshold: float) -> float:
    """Fraction of samples closer than ``threshold`` to some training example."""
    threshold = check_number("threshold", threshold, low=0)
    return float((nearest_neighbour_distances(samples, training) <= threshold).float().mean())


@dataclass(frozen=True)
class NoveltyReport:
    """Nearest-training-neighbour distances of samples against those of held-out data."""

    sample_median: float
    heldout_median: float
    threshold: float
    near_copy_fraction: float
    heldout_near_copy_fraction: float

    def __str__(self) -> str:
        return (
            f"median distance to nearest training example: samples {self.sample_median:.3f}, "
            f"held-out data {self.heldout_median:.3f}; near-copies (distance <= "
            f"{self.threshold:.3f}): samples {self.near_copy_fraction:.1%}, held-out data "
            f"{self.heldout_near_copy_fraction:.1%}"
        )


def novelty_report(samples, training, heldout, *, quantile: float = 0.05) -> NoveltyReport:
    """Compare samples with held-out data by their distance to the training set.

    The near-copy threshold is the ``quantile`` of held-out distances: by construction
    about ``quantile`` of real, unseen data falls below it, so a generator that copies
    shows a far larger fraction.
    """
    quantile = check_number("quantile", quantile, low=0, high=1, low_inclusive=False)
    sample_d = nearest_neighbour_distances(samples, training)
    heldout_d = nearest_neighbour_distances(heldout, training)
    threshold = float(torch.quantile(heldout_d, quantile))
    return NoveltyReport(
        sample_median=float(sample_d.median()),
        heldout_median=float(heldout_d.median()),
        threshold=threshold,
        near_copy_fraction=float((sample_d <= threshold).float().mean()),
        heldout_near_copy_fraction=float((heldout_d <= threshold).float().mean()),
    )
