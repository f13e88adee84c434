"""Bias and representation: does a generator reproduce, or amplify, the mix of its data?

A generative model learns the distribution of its training data, including its
imbalances. Label what it generates (with a classifier) and compare the **class mix** of
the samples with the mix of the training data:

- the **imbalance ratio** is the share of the over-represented classes divided by the share
  of all the others (5.0 means five majority examples for every minority one);
- the **amplification factor** is the samples' imbalance ratio divided by the training
  data's: 1 means the skew is reproduced, above 1 amplified (the rare classes get rarer),
  below 1 damped;
- the **total variation distance** between the two mixes, (1/2) sum_c |p_c - q_c|, says how
  far apart the mixes are overall (0 = identical, 1 = no class in common).

:func:`skewed_subset` makes a deliberately unbalanced training set to measure this on.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import torch

from genai_course.metrics.images import class_shares
from genai_course.validation import check_number


def class_mix(labels, n_classes: int = 10) -> torch.Tensor:
    """Fraction of each class among ``labels``: a tensor of ``n_classes`` shares summing to 1."""
    return class_shares(labels, n_classes)


@dataclass(frozen=True)
class SkewReport:
    """The class mix of generated samples against the training mix."""

    training_mix: torch.Tensor
    generated_mix: torch.Tensor
    over_represented: tuple[int, ...]  # classes above the uniform share in training
    training_ratio: float  # share of over-represented / share of the rest
    generated_ratio: float  # the same among the samples (inf if the rest vanish)
    total_variation: float  # (1/2) sum |training - generated|

    @property
    def amplification(self) -> float:
        """Generated imbalance ratio / training imbalance ratio (1 = skew reproduced)."""
        return self.generated_ratio / self.training_ratio

    def __str__(self) -> str:
        classes = ", ".join(map(str, self.over_represented))
        train = float(self.training_mix[list(self.over_represented)].sum())
        gen = float(self.generated_mix[list(self.over_represented)].sum())
        return (
            f"classes {{{classes}}} make {train:.1%} of the training data and {gen:.1%} of "
            f"the samples: imbalance {self.training_ratio:.1f}:1 -> "
            f"{self.generated_ratio:.1f}:1, amplification x{self.amplification:.2f}; "
            f"total variation distance {self.total_variation:.3f}"
        )


def skew_report(
    training_labels, generated_labels, n_classes: int = 10, over_represented=None
) -> SkewReport:
    """Compare the class mixes; ``over_represented`` defaults to the classes whose training
    share exceeds 1 / n_classes."""
    train = class_mix(training_labels, n_classes)
    generated = class_mix(generated_labels, n_classes)
    if over_represented is None:
        over_represented = tuple(int(c) for c in torch.nonzero(train > 1 / n_classes).flatten())
    else:
        over_represented = tuple(int(c) for c in over_represented)
        if any(not 0 <= c < n_classes for c in over_represented):
            raise ValueError(f"over_represented classes must lie in [0, {n_classes}).")
    if not over_represented:
        raise ValueError(
            "The training mix is uniform, so no class is over-represented; "
            "pass over_represented=... or use a skewed training set."
        )
    share_train = float(train[list(over_represented)].sum())
    if share_train >= 1:
        raise ValueError(
            "Every training example belongs to the over-represented classes; "
            "there is no minority to compare with."
        )
    share_generated = float(generated[list(over_represented)].sum())
    ratio = lambda share: share / (1 - share) if share < 1 else float("inf")  # noqa: E731
    return SkewReport(
        train,
        generated,
        over_represented,
        ratio(share_train),
        ratio(share_generated),
        float((train - generated).abs().sum() / 2),
    )


def skewed_subset(images, labels, keep: Mapping[int, float], *, seed: int = 0):
    """Keep a fraction ``keep[c]`` of the examples of class c (1.0 for classes not named).

    Returns ``(images, labels)`` of the subset, in a random order fixed by ``seed``.
    """
    labels_t = torch.as_tensor(labels).long()
    if len(images) != len(labels_t):
        raise ValueError(f"images ({len(images)}) and labels ({len(labels_t)}) differ in length.")
    if not isinstance(keep, Mapping):
        raise TypeError("keep must map class -> fraction to keep, e.g. {5: 0.2, 6: 0.2}.")
    g = torch.Generator().manual_seed(seed)
    chosen = []
    for c in torch.unique(labels_t).tolist():
        fraction = check_number(f"keep[{c}]", keep.get(c, 1.0), low=0, high=1)
        rows = torch.nonzero(labels_t == c).flatten()
        rows = rows[torch.randperm(len(rows), generator=g)]
        chosen.append(rows[: round(fraction * len(rows))])
    unknown = set(keep) - set(torch.unique(labels_t).tolist())
    if unknown:
        raise ValueError(f"keep names classes {sorted(unknown)} that are not in labels.")
    rows = torch.cat(chosen)
    rows = rows[torch.randperm(len(rows), generator=g)]
    return images[rows], labels_t[rows]


def proportion_interval(successes: int, trials: int, *, z: float = 1.96) -> tuple[float, float]:
    """The Wilson score interval of a proportion (95% by default).

    Why Wilson and not ``p +- 1.96 sqrt(p(1-p)/n)``: with few trials, or a share near 0 or
    1 (no exact copies, all trials right), the textbook interval collapses to a point or
    leaves [0, 1]; Wilson's stays sensible.
    """
    trials = int(trials)
    if trials < 1:
        raise ValueError(f"trials must be a positive number of trials, got {trials!r}.")
    if not 0 <= successes <= trials:
        raise ValueError(f"successes must be between 0 and trials={trials}, got {successes!r}.")
    p = successes / trials
    centre = (p + z * z / (2 * trials)) / (1 + z * z / trials)
    half = (
        z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / (1 + z * z / trials)
    )
    return max(0.0, centre - half), min(1.0, centre + half)


def amplification_interval(
    training_labels,
    generated_labels,
    over_represented,
    *,
    n_classes: int = 10,
    n_boot: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> tuple[float, float, float]:
    """The amplification factor with a bootstrap interval: ``(value, low, high)``.

    Why: a class mix read from a few thousand samples, of a minority of a few dozen
    training images, moves by chance; a factor of 1.2 means nothing without its interval.
    Both the training labels and the generated labels are resampled with replacement.
    Pass as ``training_labels`` the *classifier's reading* of the training images, not
    their true labels: the classifier's own errors then cancel instead of posing as bias.
    """
    training = torch.as_tensor(training_labels).long().cpu()
    generated = torch.as_tensor(generated_labels).long().cpu()
    if len(training) < 2 or len(generated) < 2:
        raise ValueError(
            f"Need at least 2 training and 2 generated labels, got {len(training)} "
            f"and {len(generated)}."
        )
    confidence = check_number(
        "confidence", confidence, low=0, high=1, low_inclusive=False, high_inclusive=False
    )
    classes = torch.as_tensor(tuple(over_represented)).long()
    if classes.numel() == 0 or bool(((classes < 0) | (classes >= n_classes)).any()):
        raise ValueError(
            f"over_represented must name classes in [0, {n_classes}), got {tuple(over_represented)}."
        )

    def ratio(labels):
        share = torch.isin(labels, classes).double().mean()
        return share / (1 - share)

    g = torch.Generator().manual_seed(int(seed))
    value = float(ratio(generated) / ratio(training))
    draws = []
    for _ in range(int(n_boot)):
        t = training[torch.randint(len(training), (len(training),), generator=g)]
        s = generated[torch.randint(len(generated), (len(generated),), generator=g)]
        draws.append(float(ratio(s) / ratio(t)))
    tail = (1 - confidence) / 2
    low, high = np.quantile(np.array(draws), [tail, 1 - tail])
    return value, float(low), float(high)


def share_interval(
    labels, classes, *, n_boot: int = 1000, confidence: float = 0.95, seed: int = 0
) -> tuple[float, float, float]:
    """The share of ``labels`` in ``classes`` with a bootstrap interval: ``(value, low, high)``."""
    labels = torch.as_tensor(labels).long().cpu()
    if len(labels) < 2:
        raise ValueError(f"Need at least 2 labels, got {len(labels)}.")
    hits = torch.isin(labels, torch.as_tensor(tuple(classes)).long()).double()
    g = torch.Generator().manual_seed(int(seed))
    draws = torch.stack(
        [
            hits[torch.randint(len(hits), (len(hits),), generator=g)].mean()
            for _ in range(int(n_boot))
        ]
    )
    tail = (
        1
        - check_number(
            "confidence", confidence, low=0, high=1, low_inclusive=False, high_inclusive=False
        )
    ) / 2
    low, high = draws.quantile(torch.tensor([tail, 1 - tail], dtype=torch.float64)).tolist()
    return float(hits.mean()), low, high
