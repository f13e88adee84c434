"""Measures of generated samples: how new they are, and (in later lessons) how good."""

from genai_course.metrics.images import (
    ClassCoverage,
    SamplingSpeed,
    class_coverage,
    class_shares,
    classify_digits,
    digit_features,
    frechet_digit_distance,
    frechet_distance,
    image_novelty,
    sampling_speed,
    to_unit_scale,
)
from genai_course.metrics.novelty import (
    NoveltyReport,
    near_copy_fraction,
    nearest_neighbour_distances,
    novelty_report,
)
from genai_course.metrics.precision_recall import digit_precision_recall, precision_recall

__all__ = [
    "NoveltyReport",
    "near_copy_fraction",
    "nearest_neighbour_distances",
    "novelty_report",
    # images (lesson 05): quality, class mix, novelty and speed of generated digits
    "ClassCoverage",
    "SamplingSpeed",
    "class_coverage",
    "class_shares",
    "classify_digits",
    "digit_features",
    "frechet_digit_distance",
    "frechet_distance",
    "image_novelty",
    "sampling_speed",
    "to_unit_scale",
    # fidelity and diversity apart (lesson 05): k-NN precision and recall
    "digit_precision_recall",
    "precision_recall",
]
