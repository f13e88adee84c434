"""A class-conditional GAN on the digits (lesson 05's GAN, its "draw a 7").

Judged by the shipped digits classifier (``genai_course.metrics.classify_digits``):
asked for class k, how often does it draw a k, and how evenly are the ten classes covered? Plus the mean distance from each sample to its
nearest test image, a pixel statistic that needs no classifier.
"""

from __future__ import annotations

from dataclasses import asdict

import torch

from genai_course.data import fingerprint, load_digits
from genai_course.metrics import nearest_neighbour_distances
from genai_course.metrics.images import classify_digits
from genai_course.models.contract import renamed
from genai_course.models.gan import GAN, GANConfig
from genai_course.training import fit

NAME = "digits-gan"
DESCRIPTION = (
    "Class-conditional GAN (MLP 256, latent 32, dropout 0.3 in D, non-saturating "
    "loss) on symmetric-scale digits."
)
# The model card's words (what metadata cannot say); see genai_course.ethics.modelcards.
CARD = {
    "dataset": "digits",
    "intended": "Teaching: adversarial training and image generation (lessons 01 and 05).",
    "factors": "Only 8x8 digits in the handwriting styles of 13 writers.",
    "ethics": (
        "No personal data beyond handwriting samples; samples should be checked for "
        "near-copies of training images."
    ),
    "caveats": "GANs can drop classes (mode collapse): check the class mix of samples.",
}
VALUE_SCALE = "symmetric"  # the scale of what sample() returns
STEPS = 6000
BATCH_SIZE = 128
LR = 5e-4
EVAL_SAMPLES = 1000


def build(config: dict) -> GAN:
    return GAN(GANConfig(**renamed(config)))


@torch.no_grad()
def evaluate(model: GAN) -> dict:
    model.eval()
    labels = torch.arange(EVAL_SAMPLES, device=model.device) % 10  # labels follow the model
    samples = model.sample(EVAL_SAMPLES, generator=torch.Generator().manual_seed(0), labels=labels)
    predicted = classify_digits(samples, "symmetric")
    share = torch.bincount(predicted, minlength=10).float() / EVAL_SAMPLES
    data = load_digits("symmetric")
    distance = nearest_neighbour_distances(
        samples.reshape(EVAL_SAMPLES, -1), data.x_test.reshape(len(data.x_test), -1)
    )
    return {
        "label_accuracy": round(float((predicted == labels).float().mean()), 4),
        "min_class_share": round(float(share.min()), 4),
        "mean_nearest_test_distance": round(float(distance.mean()), 4),
    }


def train(seed: int = 0, progress: bool = True):
    torch.manual_seed(seed)
    data = load_digits("symmetric")
    model = build(
        {
            "data_shape": (8, 8),
            "latent_dim": 32,
            "hidden": 256,
            "output": "tanh",
            "num_classes": 10,
            "dropout": 0.3,
        }
    )
    fit(
        model,
        (data.x_train, data.y_train),
        steps=STEPS,
        batch_size=BATCH_SIZE,
        lr=LR,
        seed=seed,
        progress=progress,
        description="training the digits GAN",
    )
    return model, {
        "config": asdict(model.config),
        "data_fingerprint": fingerprint(data.x_train),
        "steps": STEPS,
        "batch_size": BATCH_SIZE,
        "lr": LR,
        "judge": "the shipped digits-classifier",
        "metrics": evaluate(model),
    }
