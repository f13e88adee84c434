"""Ethics of generative AI, measured: one concept per module.

- :mod:`~genai_course.ethics.datacards`, :mod:`~genai_course.ethics.modelcards`:
  where the data come from, under what terms; what a model is for and not for.
- :mod:`~genai_course.ethics.memorisation`: verbatim copies in text and melodies, nearest
  training images.
- :mod:`~genai_course.ethics.bias`: the class mix of samples against the training mix.
- :mod:`~genai_course.ethics.content_filter`: a blocklist filter and its failure modes.
- :mod:`~genai_course.ethics.watermark`: a keyed green-list watermark and its z-test.
- :mod:`~genai_course.ethics.membership`: membership inference by a loss threshold.
"""

from genai_course.ethics.bias import (
    SkewReport,
    amplification_interval,
    class_mix,
    proportion_interval,
    share_interval,
    skew_report,
    skewed_subset,
)
from genai_course.ethics.content_filter import (
    MILD_BLOCKLIST,
    BlocklistFilter,
    FilterReport,
    evaluate_filter,
    normalise,
    variants,
)
from genai_course.ethics.datacards import DataCard, data_card, data_card_names, show_data_cards
from genai_course.ethics.membership import MembershipReport, auc, loss_threshold_attack
from genai_course.ethics.memorisation import (
    CorpusIndex,
    Overlap,
    longest_verbatim_overlap,
    nearest_training_examples,
    ngram_copies,
    ngram_copy_fraction,
    repeated_targets,
)
from genai_course.ethics.modelcards import ModelCard, model_card
from genai_course.ethics.watermark import Detection, GreenListWatermark, random_edits

__all__ = [
    "MILD_BLOCKLIST",
    "BlocklistFilter",
    "CorpusIndex",
    "DataCard",
    "Detection",
    "FilterReport",
    "GreenListWatermark",
    "MembershipReport",
    "ModelCard",
    "Overlap",
    "SkewReport",
    "amplification_interval",
    "auc",
    "share_interval",
    "class_mix",
    "data_card",
    "data_card_names",
    "evaluate_filter",
    "longest_verbatim_overlap",
    "loss_threshold_attack",
    "model_card",
    "nearest_training_examples",
    "ngram_copies",
    "ngram_copy_fraction",
    "normalise",
    "proportion_interval",
    "random_edits",
    "repeated_targets",
    "show_data_cards",
    "skew_report",
    "skewed_subset",
    "variants",
]
