"""genai_course: the helper package behind the Generative AI course.

The lessons write out the ideas (a loss, a sampling loop); this package holds
what they reuse: datasets, one training loop, plotting, models, metrics, widgets.
"""

from genai_course.seeding import seed_everything
from genai_course.training import History, fit

__version__ = "0.1.0"
__all__ = ["History", "fit", "seed_everything", "__version__"]
