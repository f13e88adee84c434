"""Offline datasets for the course. Nothing here downloads anything.

- :func:`load_toy2d`: small 2D point clouds (mixture of Gaussians, ring, moons, spiral).
- :func:`load_digits`: scikit-learn's 8x8 handwritten digits, scaled per model family.
- :func:`load_corpus` / :func:`load_text`: English text shipped with Python, or your own file.
- :func:`load_chorale_melodies` / :func:`split_chorales`: soprano melodies of Bach's chorales.
"""

from genai_course.data.chorales import MelodySplit, load_chorale_melodies, split_chorales
from genai_course.data.digits import DigitSplit, load_digits
from genai_course.data.fingerprint import fingerprint
from genai_course.data.text import (
    CORPORA,
    load_corpus,
    load_text,
    split_corpus,
    split_text,
    text_batches,
    text_windows,
)
from genai_course.data.toy2d import TOY2D_NAMES, Split, load_toy2d, make_toy2d

__all__ = [
    "CORPORA",
    "DigitSplit",
    "Split",
    "TOY2D_NAMES",
    "fingerprint",
    "load_corpus",
    "MelodySplit",
    "load_chorale_melodies",
    "split_chorales",
    "load_digits",
    "load_text",
    "load_toy2d",
    "make_toy2d",
    "split_corpus",
    "split_text",
    "text_batches",
    "text_windows",
]
