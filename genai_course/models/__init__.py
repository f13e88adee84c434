"""One readable file per model family. Every model is a ``torch.nn.Module`` that knows
its ``loss(batch)`` (what ``fit`` minimises) and how to ``sample`` or ``generate``.
"""

from genai_course.models.mixture import GaussianMixture, MixtureConfig

__all__ = ["GaussianMixture", "MixtureConfig"]
