"""The digits classifier that judges generated images (lesson 05's metrics).

Half of every training batch is binarised (pixel on above half intensity) so that the
classifier reads the {0, 1} samples of the pixel autoregressive model as fairly as the
grey-level samples of the GAN and the VAE.
"""

from __future__ import annotations

from dataclasses import asdict

import torch

from genai_course.data import fingerprint, load_digits
from genai_course.models.classifier import ClassifierConfig, DigitClassifier
from genai_course.models.contract import renamed
from genai_course.training import fit

NAME = "digits-classifier"
DESCRIPTION = (
    "Small CNN digits classifier (features for the Fréchet distance, labels for "
    "class coverage); trained on unit-scale and binarised training digits."
)
# The model card's words (what metadata cannot say); see genai_course.ethics.modelcards.
CARD = {
    "dataset": "digits",
    "intended": (
        "Teaching: labelling generated digits for quality, coverage and bias measurements."
    ),
    "factors": (
        "Trained on real digits; generated images that look unlike real ones are labelled "
        "with unknown reliability."
    ),
    "ethics": "Bias measurements inherit the classifier's own errors.",
    "caveats": "High accuracy on the test set does not mean it labels blurry samples well.",
}
VALUE_SCALE = None  # a language model: token ids, no value scale
STEPS = 2000
BATCH_SIZE = 64
LR = 2e-3


def build(config: dict) -> DigitClassifier:
    return DigitClassifier(ClassifierConfig(**renamed(config)))


def _accuracy(model: DigitClassifier, images: torch.Tensor, labels: torch.Tensor) -> float:
    return round(float((model.predict(images) == labels).float().mean()), 5)


def evaluate(model: DigitClassifier) -> dict:
    data = load_digits("unit")
    return {
        "test_accuracy": _accuracy(model, data.x_test, data.y_test),
        "test_accuracy_binarised": _accuracy(model, (data.x_test > 0.5).float(), data.y_test),
    }


def _batches(images: torch.Tensor, labels: torch.Tensor):
    """Random mini-batches in which a random half of the images is binarised."""

    def get_batch(batch_size: int, generator: torch.Generator):
        rows = torch.randint(len(images), (batch_size,), generator=generator)
        x = images[rows]
        binarise = torch.rand(batch_size, generator=generator) < 0.5
        x = torch.where(binarise[:, None, None], (x > 0.5).float(), x)
        return x, labels[rows]

    return get_batch


def train(seed: int = 0, progress: bool = True):
    torch.manual_seed(seed)
    data = load_digits("unit")
    model = build(asdict(ClassifierConfig()))
    fit(
        model,
        _batches(data.x_train, data.y_train),
        steps=STEPS,
        batch_size=BATCH_SIZE,
        lr=LR,
        seed=seed,
        progress=progress,
        description="training the digits classifier",
    )
    return model, {
        "config": asdict(model.config),
        "data_fingerprint": fingerprint(data.x_train),
        "steps": STEPS,
        "batch_size": BATCH_SIZE,
        "lr": LR,
        "metrics": evaluate(model),
    }
