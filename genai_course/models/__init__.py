"""One readable file per model family. Every generative model subclasses
:class:`GenerativeModel` (``loss``, ``sample``, ``decode`` where there is a latent,
``num_classes``, ``value_scale``, ``data_shape``, ``steps_trained``); every language model
subclasses :class:`LanguageModel` (``forward(idx, targets) -> (logits, loss)``, ``generate``).
"""

from genai_course.models.classifier import ClassifierConfig, DigitClassifier
from genai_course.models.contract import VALUE_SCALES, GenerativeModel
from genai_course.models.flow import DDPM, FlowConfig, FlowMatching
from genai_course.models.gan import GAN, GANConfig
from genai_course.models.language_model import (
    LanguageModel,
    grow_vocabulary,
    mixture_losses,
    perplexity,
    sequence_loss,
    token_losses,
)
from genai_course.models.mixture import GaussianMixture, MixtureConfig
from genai_course.models.mlp_lm import MLPLM, MLPConfig
from genai_course.models.ngram import NGramConfig, NGramLM, best_ngram
from genai_course.models.pixel import IndependentPixels, PixelConfig, PixelMADE
from genai_course.models.recurrent import RecurrentLM, RNNConfig
from genai_course.models.transformer import TransformerConfig, TransformerLM
from genai_course.models.vae import VAE, Autoencoder, VAEConfig

__all__ = [
    "VALUE_SCALES",
    "GenerativeModel",
    "FlowMatching",
    "DDPM",
    "FlowConfig",
    "LanguageModel",
    "sequence_loss",
    "token_losses",
    "mixture_losses",
    "perplexity",
    "grow_vocabulary",
    "GAN",
    "GANConfig",
    "GaussianMixture",
    "MixtureConfig",
    "VAE",
    "Autoencoder",
    "VAEConfig",
    "MLPLM",
    "MLPConfig",
    "NGramConfig",
    "NGramLM",
    "best_ngram",
    "IndependentPixels",
    "PixelConfig",
    "PixelMADE",
    "RecurrentLM",
    "RNNConfig",
    "TransformerConfig",
    "TransformerLM",
    "ClassifierConfig",
    "DigitClassifier",
]
