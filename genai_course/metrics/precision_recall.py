"""k-NN precision and recall: fidelity and diversity, measured apart.

One number such as the Fréchet distance mixes two failures: samples that do not look
real (low *fidelity*) and samples that miss part of the data (low *diversity*).
Kynkäänniemi et al. (2019, "Improved Precision and Recall Metric for Assessing
Generative Models") separate them. Around every real feature vector draw a ball whose
radius is the distance to its k-th nearest real neighbour; the union of those balls
estimates the region ("manifold") of real data. Do the same for the generated set.

- **precision**: the share of generated samples that fall inside the real region
  (do samples look like real data?);
- **recall**: the share of real examples that fall inside the generated region
  (is every kind of real data produced?).

A mode-collapsed generator has high precision and low recall; a blurry one low
precision. The paper uses k = 3 on VGG-16 features; :func:`digit_precision_recall`
uses the course's digit classifier features instead (so our numbers are comparable only
with each other), and equal sample sizes, since both measures depend on set size.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from genai_course.validation import check_positive_int, check_tensor


def _features(name: str, x) -> torch.Tensor:
    x = check_tensor(name, x, ndim=2, min_len=2).detach().double().cpu()
    return x


def kth_neighbour_radii(features, k: int = 3) -> torch.Tensor:
    """Distance from each row to its k-th nearest *other* row, shape (n,)."""
    x = _features("features", features)
    k = check_positive_int("k", k)
    if k >= len(x):
        raise ValueError(
            f"k must be smaller than the number of rows ({len(x)}), got k={k}; "
            "pass more examples or a smaller k."
        )
    d = torch.cdist(x, x)
    # The smallest distance in each row is the row to itself (0), so take the (k+1)-th.
    return d.kthvalue(k + 1, dim=1).values


def _inside(points: torch.Tensor, centres: torch.Tensor, radii: torch.Tensor) -> torch.Tensor:
    """For each point: does it fall in at least one ball (centre, radius)?"""
    return (torch.cdist(points, centres) <= radii.unsqueeze(0)).any(dim=1)


@dataclass(frozen=True)
class PrecisionRecall:
    precision: float  # share of generated samples inside the real manifold
    recall: float  # share of real examples inside the generated manifold
    k: int
    n_real: int
    n_generated: int

    def __str__(self) -> str:
        return (
            f"precision {self.precision:.3f}, recall {self.recall:.3f} "
            f"(k={self.k}, {self.n_generated} generated vs {self.n_real} real)"
        )


def precision_recall(real_features, generated_features, *, k: int = 3) -> PrecisionRecall:
    """k-NN precision and recall of generated features against real ones (Kynkäänniemi et al. 2019)."""
    real = _features("real_features", real_features)
    fake = _features("generated_features", generated_features)
    if real.shape[1] != fake.shape[1]:
        raise ValueError(
            f"real_features have {real.shape[1]} features per row but generated_features "
            f"have {fake.shape[1]}; use the same feature extractor for both."
        )
    real_radii = kth_neighbour_radii(real, k)
    fake_radii = kth_neighbour_radii(fake, k)
    precision = _inside(fake, real, real_radii).double().mean()
    recall = _inside(real, fake, fake_radii).double().mean()
    return PrecisionRecall(float(precision), float(recall), k, len(real), len(fake))


def digit_precision_recall(
    samples,
    real_images,
    scale: str = "unit",
    real_scale: str | None = None,
    *,
    k: int = 3,
    classifier=None,
) -> PrecisionRecall:
    """Precision and recall of digit samples, on the digit classifier's 64 features."""
    from genai_course.metrics.images import digit_features

    real_scale = scale if real_scale is None else real_scale
    return precision_recall(
        digit_features(real_images, real_scale, classifier=classifier),
        digit_features(samples, scale, classifier=classifier),
        k=k,
    )


__all__ = ["PrecisionRecall", "digit_precision_recall", "kth_neighbour_radii", "precision_recall"]
