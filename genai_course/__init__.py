"""genai_course: the helper package behind the Generative AI course.

The lessons write out the ideas (a loss, a sampling loop); this package holds
what they reuse: datasets, one training loop, plotting, models, metrics, widgets.

``fit``, ``History`` and ``seed_everything`` are imported on first use (PEP 562), so that
``import genai_course.cli`` (the ``genai-course`` command) does not import torch.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"
__all__ = ["History", "StopTraining", "fit", "seed_everything", "__version__"]
_LAZY = {
    "fit": "genai_course.training",
    "History": "genai_course.training",
    "StopTraining": "genai_course.training",
    "seed_everything": "genai_course.seeding",
}


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'genai_course' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
