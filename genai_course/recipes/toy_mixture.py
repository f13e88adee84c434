"""A Gaussian mixture fitted to the three-blob toy data (lesson 00's first model)."""

from __future__ import annotations

from dataclasses import asdict

import torch

from genai_course.data import fingerprint, load_toy2d
from genai_course.models import GaussianMixture, MixtureConfig
from genai_course.models.contract import renamed
from genai_course.training import fit

NAME = "toy-mixture"
DESCRIPTION = "Gaussian mixture, 3 components, fitted to the 'gaussians' toy data."
# The model card's words (what metadata cannot say); see genai_course.ethics.modelcards.
CARD = {
    "dataset": "toy2d",
    "intended": "Teaching: the mechanism of a generative model (lesson 00).",
    "factors": "Synthetic 2D data only.",
    "ethics": "None specific: synthetic data.",
    "caveats": "Three components; it describes the 'gaussians' toy data and nothing else.",
}
VALUE_SCALE = "real"  # the scale of what sample() returns
STEPS = 600


def build(config: dict) -> GaussianMixture:
    return GaussianMixture(MixtureConfig(**renamed(config)))


def evaluate(model: GaussianMixture) -> dict:
    data = load_toy2d("gaussians")
    with torch.no_grad():
        return {"test_nll": round(float(model.loss(data.test)), 5)}


def train(seed: int = 0, progress: bool = True):
    torch.manual_seed(seed)
    data = load_toy2d("gaussians")
    model = build({"n_components": 3, "data_shape": (2,)})
    fit(model, data.train, steps=STEPS, batch_size=256, lr=0.05, seed=seed, progress=progress)
    return model, {
        "config": asdict(model.config),
        "data_fingerprint": fingerprint(data.train),
        "steps": STEPS,
        "metrics": evaluate(model),
    }
