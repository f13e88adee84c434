"""A class-conditional pixel autoregressive model (MADE) of the binarised 8x8 digits.

Lessons 03 and 05 load it to draw digits pixel by pixel ("draw a 7"). Quality is the
test negative log-likelihood, per image in nats and per pixel in bits, next to the
baseline that treats the 64 pixels as independent coins (fitted on the same training
images).
"""

from __future__ import annotations

from dataclasses import asdict

import torch

from genai_course.data import fingerprint, load_digits
from genai_course.models.contract import renamed
from genai_course.models.pixel import IndependentPixels, PixelConfig, PixelMADE
from genai_course.training import fit

NAME = "digits-pixel"
DESCRIPTION = (
    "Class-conditional MADE (masked MLP, 1 hidden layer of 256) over binarised 8x8 "
    "digits, raster order; test NLL in nats per image and bits per pixel."
)
# The model card's words (what metadata cannot say); see genai_course.ethics.modelcards.
CARD = {
    "dataset": "digits",
    "intended": "Teaching: pixel-by-pixel autoregressive generation (lessons 03 and 05).",
    "factors": "Binarised 8x8 digits only.",
    "ethics": "Check samples for near-copies of training images before calling them new.",
    "caveats": (
        "Binarisation discards intensity; bits per pixel are not comparable with models "
        "of grey-level images."
    ),
}
VALUE_SCALE = "binary"  # the scale of what sample() returns
STEPS = 1500
LR = 2e-3
BATCH_SIZE = 64


def build(config: dict) -> PixelMADE:
    return PixelMADE(PixelConfig(**renamed(config)))


def evaluate(model: PixelMADE) -> dict:
    data = load_digits("binary")
    model.eval()
    with torch.no_grad():
        nll = float(-model.log_prob(data.x_test, data.y_test).mean())
    baseline = IndependentPixels().fit_counts(data.x_train)
    return {
        "test_nll_nats_per_image": round(nll, 5),
        "test_bits_per_pixel": round(model.bits_per_pixel(data.x_test, data.y_test), 5),
        "independent_pixels_test_bits_per_pixel": round(baseline.bits_per_pixel(data.x_test), 5),
    }


def train(seed: int = 0, progress: bool = True):
    data = load_digits("binary")
    torch.manual_seed(seed)
    model = build({"hidden": 256, "layers": 1, "num_classes": 10})
    fit(
        model,
        (data.x_train, data.y_train),
        steps=STEPS,
        batch_size=BATCH_SIZE,
        lr=LR,
        seed=seed,
        progress=progress,
        description="digits-pixel",
    )
    return model, {
        "config": asdict(model.config),
        "data_fingerprint": fingerprint(data.x_train),
        "steps": STEPS,
        "batch_size": BATCH_SIZE,
        "lr": LR,
        "metrics": evaluate(model),
    }
