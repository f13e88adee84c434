"""How good, how varied, how new and how fast are generated digits?

Lesson 05 compares the GAN, the VAE and the pixel autoregressive model on the same
8x8 digits with five measurements:

- :func:`classify_digits` / :func:`digit_features`: a small classifier, trained on real
  digits and shipped as ``"digits-classifier"``, labels each image and describes it by
  64 features (its last hidden layer);
- :func:`frechet_distance`: the Fréchet distance between two sets of features, the
  formula of the Fréchet Inception Distance (FID, Heusel et al. 2017) with our
  classifier in place of the Inception network. **Our numbers are not comparable with
  published FID values**: different network, different features, tiny images, few samples;
- :func:`class_coverage`: the mix of predicted classes among samples against the
  training data's mix;
- :func:`image_novelty`: the distance from each sample to its nearest training image,
  against held-out real images (built on :mod:`genai_course.metrics.novelty`);
- :func:`sampling_speed`: images per second of a model's ``sample`` method.

Images may come in any of the three scales of :func:`genai_course.data.load_digits`
("unit" [0, 1], "symmetric" [-1, 1], "binary" {0, 1}); they are converted to "unit",
the scale the classifier reads, after checking that their values fit the stated scale.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import torch

from genai_course.data.digits import SCALES
from genai_course.metrics.novelty import NoveltyReport, novelty_report
from genai_course.validation import check_choice, check_labels, check_positive_int, check_tensor

CLASSIFIER_NAME = "digits-classifier"
_TOLERANCE = 1e-4  # float round-off allowed at the edges of a scale
# A reading is "confident" when the classifier gives its class a probability >= 0.99.
# Measured on the shipped classifier: the share of confident readings is 0.983 on its
# training digits, 0.944 on the test digits, 0.894 on binarised test digits, 0.94 / 1.00 /
# 0.88 on 500 samples of the shipped GAN / VAE / pixel model; on non-digits it is 0.33
# (uniform noise), 0.10 (smooth blobs), 0.50 (inverted digits), 0.59 (shuffled pixels).
# The classifier is over-confident (median 0.95 on noise), so argmax labels alone would
# call almost anything a digit.
CONFIDENT = 0.99
# Below this share of confident readings (in a set of >= 20 images) the digit metrics warn.
MIN_CONFIDENT_SHARE = 0.6


# --------------------------------------------------------------------------- images and scales


def to_unit_scale(images, scale: str = "unit", *, name: str = "images") -> torch.Tensor:
    """Check that ``images`` (N, H, W), (N, 1, H, W) or flat (N, H*W) fit ``scale``; return (N, H, W) in [0, 1].

    ``scale`` is a scale name or a model, whose declared ``value_scale`` is then used
    (``classify_digits(gan.sample(100), gan)``). Flat rows must hold a square number of pixels. Raises a clear error on an empty set,
    a wrong shape or values outside the scale (for example [-1, 1] images passed as "unit").
    """
    scale = getattr(scale, "value_scale", scale)  # a model of the contract stands for its scale
    check_choice("scale", scale, SCALES)
    images = check_tensor(name, images, ndim=(2, 3, 4), min_len=1).detach().float().cpu()
    if images.ndim == 4:
        if images.shape[1] != 1:
            raise ValueError(
                f"{name} must have one channel, shape (N, 1, H, W); got {tuple(images.shape)}."
            )
        images = images[:, 0]
    elif images.ndim == 2:
        side = int(round(images.shape[1] ** 0.5))
        if side * side != images.shape[1]:
            raise ValueError(
                f"{name}: flat rows of {images.shape[1]} pixels are not square images; "
                "pass them with shape (N, H, W)."
            )
        images = images.reshape(len(images), side, side)
    low, high = float(images.min()), float(images.max())
    if scale == "binary":
        if not torch.all((images == 0) | (images == 1)):
            raise ValueError(
                f"{name} were declared 'binary' but hold values other than 0 and 1 "
                f"(range [{low:.3g}, {high:.3g}]); pass the scale they are in."
            )
        return images
    lo = -1.0 if scale == "symmetric" else 0.0
    if low < lo - _TOLERANCE or high > 1 + _TOLERANCE:
        raise ValueError(
            f"{name} were declared {scale!r} (values in [{lo:g}, 1]) but range over "
            f"[{low:.3g}, {high:.3g}]; pass the scale they are in "
            f"(one of {', '.join(map(repr, SCALES))})."
        )
    if scale == "symmetric":
        images = (images + 1) / 2
    return images.clamp(0, 1)


def _digit_images(images, scale: str, name: str = "images") -> torch.Tensor:
    images = to_unit_scale(images, scale, name=name)
    if tuple(images.shape[1:]) != (8, 8):
        raise ValueError(
            f"{name} must be 8x8 digits, got images of shape {tuple(images.shape[1:])}."
        )
    return images


# --------------------------------------------------------------------------- the classifier


@lru_cache(maxsize=1)
def default_classifier() -> torch.nn.Module:
    """The shipped ``"digits-classifier"`` (loaded once, in evaluation mode)."""
    from genai_course.pretrained import load_pretrained

    return load_pretrained(CLASSIFIER_NAME)


def _classifier_device(classifier) -> torch.device:
    return next(classifier.parameters()).device


def _warn_if_not_digits(probabilities: torch.Tensor, what: str) -> None:
    """Warn when the classifier is unsure that these images are digits at all."""
    share = float((probabilities.max(dim=1).values >= CONFIDENT).float().mean())
    if len(probabilities) >= 20 and share < MIN_CONFIDENT_SHARE:
        import warnings

        warnings.warn(
            f"The digits classifier is unsure these {len(probabilities)} images are digits: only "
            f"{share:.0%} are read with confidence >= {CONFIDENT} (real test digits: 94%). {what} "
            "may mean nothing for them. For your own images, use features from a network made for "
            "them and call frechet_distance(features_a, features_b).",
            UserWarning,
            stacklevel=4,
        )


@torch.no_grad()
def digit_probabilities(images, scale: str = "unit", *, classifier=None) -> torch.Tensor:
    """The classifier's probability of each digit for each image, shape (N, 10)."""
    classifier = default_classifier() if classifier is None else classifier
    classifier.eval()
    x = _digit_images(images, scale).to(_classifier_device(classifier))
    return classifier(x).softmax(dim=1).cpu()


@torch.no_grad()
def classify_digits(
    images, scale: str = "unit", *, classifier=None, return_confidence: bool = False
):
    """The digit (0-9) the classifier sees in each image, as a LongTensor of shape (N,).

    With ``return_confidence=True``, also the probability of that digit (N,): pass it to
    :func:`class_coverage` so that only confident readings count. Warns when few images
    are read confidently (they may not be digits at all).
    """
    probabilities = digit_probabilities(images, scale, classifier=classifier)
    _warn_if_not_digits(probabilities, "Digit labels")
    confidence, labels = probabilities.max(dim=1)
    return (labels, confidence) if return_confidence else labels


@torch.no_grad()
def digit_features(images, scale: str = "unit", *, classifier=None) -> torch.Tensor:
    """The classifier's 64 features of each image (its last hidden layer), shape (N, 64)."""
    classifier = default_classifier() if classifier is None else classifier
    classifier.eval()
    x = _digit_images(images, scale).to(_classifier_device(classifier))
    _warn_if_not_digits(classifier(x).softmax(dim=1), "A Fréchet distance on digit features")
    return classifier.features(x).cpu()


# --------------------------------------------------------------------------- Fréchet distance


def _feature_matrix(name: str, features) -> np.ndarray:
    features = check_tensor(name, features, ndim=2)
    if len(features) < 2:
        raise ValueError(
            f"{name} must hold at least 2 rows to estimate a covariance, got {len(features)}."
        )
    return features.detach().cpu().double().numpy()


def _sqrt_psd(matrix: np.ndarray) -> np.ndarray:
    """Square root of a symmetric positive semi-definite matrix, by its eigen-decomposition."""
    values, vectors = np.linalg.eigh((matrix + matrix.T) / 2)
    return (vectors * np.sqrt(np.clip(values, 0, None))) @ vectors.T


def frechet_distance(features_a, features_b) -> float:
    """Fréchet distance between Gaussians fitted to two feature sets (rows are examples).

    d^2 = ||mu_a - mu_b||^2 + Tr(S_a + S_b - 2 (S_a S_b)^{1/2})

    (Heusel et al. 2017, "GANs trained by a two time-scale update rule converge to a
    local Nash equilibrium"; with Inception features this is the FID). The trace of
    (S_a S_b)^{1/2} is computed as the sum of square roots of the eigenvalues of the
    symmetric matrix S_a^{1/2} S_b S_a^{1/2}, which has the same eigenvalues as S_a S_b
    but, unlike a general matrix square root, no spurious imaginary parts; eigenvalues
    that round-off pushed slightly below zero are clipped to zero. Identical sets give 0.
    The estimate is biased upwards for small sets: compare sets of the same size.
    """
    a = _feature_matrix("features_a", features_a)
    b = _feature_matrix("features_b", features_b)
    if a.shape[1] != b.shape[1]:
        raise ValueError(
            f"features_a have {a.shape[1]} features per row but features_b have "
            f"{b.shape[1]}; compare features from the same extractor."
        )
    mu_a, mu_b = a.mean(axis=0), b.mean(axis=0)
    cov_a = np.atleast_2d(np.cov(a, rowvar=False))  # (1, 1) when there is one feature
    cov_b = np.atleast_2d(np.cov(b, rowvar=False))
    root_a = _sqrt_psd(cov_a)
    middle = root_a @ cov_b @ root_a
    trace_sqrt = np.sqrt(np.clip(np.linalg.eigvalsh((middle + middle.T) / 2), 0, None)).sum()
    distance = ((mu_a - mu_b) ** 2).sum() + np.trace(cov_a) + np.trace(cov_b) - 2 * trace_sqrt
    return float(max(distance, 0.0))


def frechet_digit_distance(
    images_a, images_b, scale_a: str = "unit", scale_b: str | None = None, *, classifier=None
) -> float:
    """Fréchet distance between the classifier features of two sets of digit images.

    Our stand-in for FID (not comparable with published FID values). ``scale_b``
    defaults to ``scale_a``.
    """
    scale_b = scale_a if scale_b is None else scale_b
    return frechet_distance(
        digit_features(images_a, scale_a, classifier=classifier),
        digit_features(images_b, scale_b, classifier=classifier),
    )


# --------------------------------------------------------------------------- class coverage


def class_shares(labels, num_classes: int = 10) -> torch.Tensor:
    """Fraction of the labels that fall in each class, shape (num_classes,), summing to 1."""
    num_classes = check_positive_int("num_classes", num_classes)
    labels = check_labels("labels", labels, num_classes)
    return torch.bincount(labels, minlength=num_classes).double() / len(labels)


@dataclass(frozen=True)
class ClassCoverage:
    """The class mix of samples against a reference (training) mix."""

    sample_shares: tuple[float, ...]
    reference_shares: tuple[float, ...]
    total_variation: float  # 0.5 * sum |p - q|: 0 = same mix, 1 = no overlap at all
    smallest_class: int
    smallest_share: float  # share of the rarest class among the samples
    missing: tuple[int, ...]  # classes the samples never show
    n_samples: int  # readings counted (the confident ones, when confidences were given)
    confident_share: float = 1.0  # share of all samples read confidently (1.0: not filtered)

    def __str__(self) -> str:
        missing = ", ".join(map(str, self.missing)) or "none"
        confident = (
            f" ({self.confident_share:.0%} of the samples read confidently)"
            if self.confident_share < 1
            else ""
        )
        return (
            f"class mix of {self.n_samples} samples{confident}: total-variation distance "
            f"{self.total_variation:.3f} from the training mix; rarest class "
            f"{self.smallest_class} at {self.smallest_share:.1%}; missing classes: {missing}"
        )


def class_coverage(
    sample_labels,
    reference_labels,
    *,
    num_classes: int = 10,
    confidence=None,
    min_confidence: float = CONFIDENT,
) -> ClassCoverage:
    """Compare the class mix of samples (e.g. ``classify_digits(samples)``) with the training labels.

    With ``confidence`` (from ``classify_digits(..., return_confidence=True)``), only the
    readings at or above ``min_confidence`` count: argmax labels of scribbles would cover
    every class and make the measure hard to fail. ``confident_share`` reports how many
    samples were counted.
    """
    sample_labels = check_labels("sample_labels", sample_labels, num_classes)
    share = 1.0
    if confidence is not None:
        confidence = check_tensor("confidence", confidence, ndim=1).cpu()
        if len(confidence) != len(sample_labels):
            raise ValueError(
                f"confidence holds {len(confidence)} values for {len(sample_labels)} labels."
            )
        keep = confidence >= min_confidence
        share = float(keep.float().mean())
        if not keep.any():
            raise ValueError(
                f"No sample was read with confidence >= {min_confidence}: the class mix "
                "cannot be measured (the samples may not look like digits at all)."
            )
        sample_labels = sample_labels.cpu()[keep]
    p = class_shares(sample_labels, num_classes)
    q = class_shares(reference_labels, num_classes)
    smallest = int(p.argmin())
    return ClassCoverage(
        sample_shares=tuple(float(v) for v in p),
        reference_shares=tuple(float(v) for v in q),
        total_variation=float(0.5 * (p - q).abs().sum()),
        smallest_class=smallest,
        smallest_share=float(p[smallest]),
        missing=tuple(int(c) for c in torch.nonzero(p == 0).flatten()),
        n_samples=len(sample_labels),
        confident_share=share,
    )


# --------------------------------------------------------------------------- novelty


def image_novelty(
    samples, training, heldout, *, scale: str = "unit", quantile: float = 0.05
) -> NoveltyReport:
    """Nearest-training-image distances of samples against those of held-out real images.

    All three sets must be in the same ``scale`` (compare a pixel model's {0, 1} samples
    with binarised training images); they are converted to [0, 1] so that distances are
    comparable across scales. A sample is a near-copy when it lies closer to the training
    set than the ``quantile`` of held-out images does (see
    :func:`genai_course.metrics.novelty.novelty_report`).
    """
    samples = to_unit_scale(samples, scale, name="samples")
    training = to_unit_scale(training, scale, name="training")
    heldout = to_unit_scale(heldout, scale, name="heldout")
    for name, images in (("training", training), ("heldout", heldout)):
        if images.shape[1:] != samples.shape[1:]:
            raise ValueError(
                f"samples are {tuple(samples.shape[1:])} images but {name} images are "
                f"{tuple(images.shape[1:])}; compare images of the same size."
            )
    return novelty_report(samples, training, heldout, quantile=quantile)


# --------------------------------------------------------------------------- sampling speed


@dataclass(frozen=True)
class SamplingSpeed:
    """How fast a sampler makes images: the median of several timed calls."""

    images_per_second: float  # from wall-clock time
    seconds_per_call: float  # wall clock, median over the timed calls
    cpu_seconds_per_call: float  # CPU time of this process (all threads), median
    n: int  # images per call
    repeats: int

    def __str__(self) -> str:
        return (
            f"{self.images_per_second:,.0f} images/s ({self.n} images in "
            f"{self.seconds_per_call * 1000:.1f} ms wall, {self.cpu_seconds_per_call * 1000:.1f} ms CPU; "
            f"median of {self.repeats} calls)"
        )


def sampling_speed(
    sampler, n: int = 256, *, repeats: int = 3, warmup: int = 1, **sample_kwargs
) -> SamplingSpeed:
    """Time ``sampler.sample(n, **sample_kwargs)`` (or ``sampler(n, ...)`` for a function).

    One untimed ``warmup`` call first (first calls pay for memory allocation), then
    ``repeats`` timed calls; the median is reported. Wall-clock time depends on the
    machine and its load: compare models measured together, on the same machine.
    """
    n = check_positive_int("n", n)
    repeats = check_positive_int("repeats", repeats)
    warmup = check_positive_int("warmup", warmup, allow_zero=True)
    call = getattr(sampler, "sample", sampler)
    if not callable(call):
        raise TypeError(
            f"sampler must have a sample(n) method or be a function of n, "
            f"got {type(sampler).__name__}."
        )
    walls, cpus = [], []
    with torch.no_grad():
        for i in range(warmup + repeats):
            wall, cpu = time.perf_counter(), time.process_time()
            out = call(n, **sample_kwargs)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            if i == 0 and (not isinstance(out, torch.Tensor) or len(out) != n):
                raise ValueError(
                    f"the sampler returned {type(out).__name__} of length "
                    f"{len(out) if hasattr(out, '__len__') else '?'}, "
                    f"expected a tensor of {n} images."
                )
            if i >= warmup:
                walls.append(wall)
                cpus.append(cpu)
    seconds = max(statistics.median(walls), 1e-9)
    return SamplingSpeed(
        images_per_second=n / seconds,
        seconds_per_call=seconds,
        cpu_seconds_per_call=statistics.median(cpus),
        n=n,
        repeats=repeats,
    )


__all__ = [
    "CLASSIFIER_NAME",
    "ClassCoverage",
    "SamplingSpeed",
    "class_coverage",
    "class_shares",
    "classify_digits",
    "default_classifier",
    "digit_features",
    "frechet_digit_distance",
    "frechet_distance",
    "image_novelty",
    "sampling_speed",
    "to_unit_scale",
]
