"""One readable file per model family. Every model is a ``torch.nn.Module`` that knows
its ``loss(batch)`` (what ``fit`` minimises) and how to ``sample`` or ``generate``.
"""

from genai_course.models.classifier import ClassifierConfig, DigitClassifier
from genai_course.models.gan import GAN, GANConfig
from genai_course.models.mixture import GaussianMixture, MixtureConfig
from genai_course.models.mlp_lm import MLPLM, MLPConfig
from genai_course.models.ngram import NGramConfig, NGramLM, best_ngram
from genai_course.models.pixel import IndependentPixels, PixelConfig, PixelMADE
from genai_course.models.recurrent import RecurrentLM, RNNConfig
from genai_course.models.vae import VAE, Autoencoder, VAEConfig

__all__ = ["GAN", "GANConfig", "GaussianMixture", "MixtureConfig", "VAE", "Autoencoder", "VAEConfig",
           "MLPLM", "MLPConfig", "NGramConfig", "NGramLM", "best_ngram", "IndependentPixels",
           "PixelConfig", "PixelMADE", "RecurrentLM", "RNNConfig", "ClassifierConfig", "DigitClassifier"]
