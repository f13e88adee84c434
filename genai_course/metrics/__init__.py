"""Measures of generated samples: how new they are, and (in later lessons) how good."""

from genai_course.metrics.novelty import (
    NoveltyReport,
    near_copy_fraction,
    nearest_neighbour_distances,
    novelty_report,
)

__all__ = ["NoveltyReport", "near_copy_fraction", "nearest_neighbour_distances", "novelty_report"]
