"""A class-conditional VAE on the digits (lesson 02's quality model, lesson 05's VAE).

Latent size 8: enough for good images, while the label carries the digit's identity.
"""

from __future__ import annotations

from dataclasses import asdict

import torch

from genai_course.data import fingerprint, load_digits
from genai_course.models.contract import renamed
from genai_course.models.vae import VAE, VAEConfig
from genai_course.training import fit

NAME = "digits-vae"
DESCRIPTION = "Class-conditional VAE (latent 8, MLP 256, Bernoulli decoder) on unit-scale digits."
# The model card's words (what metadata cannot say); see genai_course.ethics.modelcards.
CARD = {
    "dataset": "digits",
    "intended": "Teaching: autoencoders, the ELBO and latent spaces (lessons 02 and 05).",
    "factors": "Only 8x8 digits in the handwriting styles of 13 writers.",
    "ethics": "Check samples for near-copies of training images before calling them new.",
    "caveats": "Samples are blurry averages; likelihood bounds are not image quality.",
}
VALUE_SCALE = "unit"  # the scale of what sample() returns
STEPS = 6000
BATCH_SIZE = 128
LR = 1e-3
ELBO_SAMPLES = 10  # z draws per test image when estimating the test -ELBO


def build(config: dict) -> VAE:
    return VAE(VAEConfig(**renamed(config)))


@torch.no_grad()
def evaluate(model: VAE) -> dict:
    """Test -ELBO, its two terms (nats per image), and the pixel error of reconstructions.

    The ELBO is averaged over ``ELBO_SAMPLES`` draws of z from a fixed generator, so the
    numbers are the same on every call.
    """
    model.eval()
    data = load_digits("unit")
    generator = torch.Generator().manual_seed(0)
    terms = [
        model.loss((data.x_test, data.y_test), generator=generator) for _ in range(ELBO_SAMPLES)
    ]
    mean = {
        k: sum(float(t[k]) for t in terms) / len(terms)
        for k in ("neg_elbo", "reconstruction", "kl")
    }
    rec = model.reconstruct(data.x_test, data.y_test)
    return {
        "test_neg_elbo": round(mean["neg_elbo"], 4),
        "test_reconstruction": round(mean["reconstruction"], 4),
        "test_kl": round(mean["kl"], 4),
        "test_reconstruction_mse": round(float(((rec - data.x_test) ** 2).mean()), 6),
    }


def train(seed: int = 0, progress: bool = True):
    torch.manual_seed(seed)
    data = load_digits("unit")
    model = build({"data_shape": (8, 8), "latent_dim": 8, "hidden": 256, "num_classes": 10})
    fit(
        model,
        (data.x_train, data.y_train),
        steps=STEPS,
        batch_size=BATCH_SIZE,
        lr=LR,
        seed=seed,
        progress=progress,
        description="training the digits VAE",
    )
    return model, {
        "config": asdict(model.config),
        "data_fingerprint": fingerprint(data.x_train),
        "steps": STEPS,
        "batch_size": BATCH_SIZE,
        "lr": LR,
        "metrics": evaluate(model),
    }
