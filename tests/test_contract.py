"""The one model contract (issue 15 §1), checked on every generative model of the package."""

from __future__ import annotations

import inspect
import json
from dataclasses import asdict

import pytest
import torch

from genai_course.models import (
    GAN,
    VAE,
    VALUE_SCALES,
    Autoencoder,
    GANConfig,
    GaussianMixture,
    GenerativeModel,
    IndependentPixels,
    MixtureConfig,
    PixelConfig,
    PixelMADE,
    RNNConfig,
    VAEConfig,
)
from genai_course.models.contract import renamed


def models():
    return {
        "gan": GAN(data_shape=(8, 8), output="tanh", hidden=16),
        "gan-points": GAN(hidden=16),
        "gan-conditional": GAN(data_shape=(8, 8), output="tanh", hidden=16, num_classes=10),
        "vae": VAE(hidden=16),
        "vae-points": VAE(data_shape=(2,), likelihood="gaussian", hidden=16),
        "autoencoder": Autoencoder(hidden=16),
        "made": PixelMADE(hidden=16, layers=1),
        "made-16x16": PixelMADE(hidden=16, layers=1, data_shape=(16, 16)),
        "independent": IndependentPixels(),
        "mixture": GaussianMixture(n_components=2),
    }


@pytest.mark.parametrize("name", list(models()))
def test_every_model_follows_the_contract(name):
    model = models()[name]
    assert isinstance(model, GenerativeModel), f"{name} must subclass GenerativeModel"
    assert isinstance(model.num_classes, int) and model.num_classes >= 0, (
        "num_classes is an int, 0 = unconditional"
    )
    assert model.value_scale in VALUE_SCALES, "value_scale must be one of VALUE_SCALES"
    parameters = inspect.signature(model.sample).parameters
    assert parameters["labels"].kind is inspect.Parameter.KEYWORD_ONLY, "labels is keyword-only"
    assert parameters["generator"].kind is inspect.Parameter.KEYWORD_ONLY, (
        "generator is keyword-only"
    )
    samples = model.sample(5, generator=torch.Generator().manual_seed(0))
    assert samples.shape == (5, *model.data_shape), "samples are shaped like the training data"
    low, high = VALUE_SCALES[model.value_scale]
    if model.value_scale != "real":
        assert low <= float(samples.min()) and float(samples.max()) <= high, (
            "samples lie on the declared scale"
        )
    if model.value_scale == "binary":
        assert set(samples.unique().tolist()) <= {0.0, 1.0}
    again = model.sample(5, generator=torch.Generator().manual_seed(0))
    assert torch.equal(samples, again), "the same generator seed gives the same samples"
    assert model.steps_trained == 0, "a new model has taken no steps"
    if hasattr(model, "decode"):
        z = torch.zeros(3, model.config.latent_dim)
        labels = [0, 1, 2] if model.num_classes else None
        assert model.decode(z, labels).shape == (3, *model.data_shape), (
            "decode(z) is shaped like the data"
        )
    assert not hasattr(model, "generate") or isinstance(model, GAN), (
        "only the GAN keeps generate as an old alias"
    )


def test_made_on_16x16_images_returns_images_not_flat_rows():
    assert PixelMADE(hidden=8, layers=1, data_shape=(16, 16)).sample(2).shape == (2, 16, 16)


def test_steps_trained_is_saved_and_old_checkpoints_load():
    gan = GAN(hidden=16)
    gan.steps_trained = 12
    state = gan.state_dict()
    assert "_steps_trained" in state, "the step counter is saved with the weights"
    fresh = GAN(hidden=16)
    fresh.load_state_dict(state)
    assert fresh.steps_trained == 12
    old = {("steps_trained" if k == "_steps_trained" else k): v for k, v in state.items()}
    older = GAN(hidden=16)
    older.load_state_dict(old)  # a checkpoint from before the contract
    assert older.steps_trained == 12, "the old buffer name must still load"
    none = {k: v for k, v in state.items() if k != "_steps_trained"}
    GAN(hidden=16).load_state_dict(none)  # models that never had a counter


def test_old_config_names_still_load_with_a_warning():
    with pytest.warns(DeprecationWarning, match="num_layers.*old name; use layers"):
        assert PixelConfig(num_layers=1).layers == 1
    with pytest.warns(DeprecationWarning, match="hidden_size"):
        assert RNNConfig(10, hidden_size=32).hidden == 32
    assert renamed({"hidden_size": 8, "num_layers": 2, "num_pixels": 256}) == {
        "hidden": 8,
        "layers": 2,
        "data_shape": (16, 16),
    }
    assert renamed({"n_embd": 64, "n_layer": 2, "n_head": 4}) == {
        "hidden": 64,
        "layers": 2,
        "heads": 4,
    }
    assert PixelConfig(**renamed({"num_classes": None})).num_classes == 0, (
        "None meant unconditional"
    )
    assert MixtureConfig(dim=3).data_shape == (3,)
    with pytest.raises(ValueError, match="both 'hidden_size' .* and 'hidden'"):
        renamed({"hidden": 8, "hidden_size": 16})


@pytest.mark.parametrize(
    "config_class, bad",
    [
        (GANConfig, {"hidden": 0}),
        (GANConfig, {"output": "sigmoid"}),
        (VAEConfig, {"latent_dim": -1}),
        (VAEConfig, {"likelihood": "poisson"}),
        (PixelConfig, {"layers": 0}),
        (MixtureConfig, {"n_components": 0}),
        (RNNConfig, {"vocab_size": 10, "dropout": 1.5}),
    ],
)
def test_configs_validate_themselves_even_from_json(config_class, bad):
    with pytest.raises((ValueError, TypeError)):
        config_class(**bad)
    good = config_class(**({"vocab_size": 10} if config_class is RNNConfig else {}))
    rebuilt = json.loads(json.dumps(asdict(good)))
    rebuilt.update(bad)
    with pytest.raises((ValueError, TypeError)):
        config_class(**rebuilt)  # a config read back from a checkpoint's JSON is checked too


def test_gan_decode_is_g_of_z_and_generate_is_an_old_alias():
    gan = GAN(hidden=16)
    z = torch.randn(4, gan.config.latent_dim)
    with pytest.warns(DeprecationWarning, match="GAN.decode"):
        old = gan.generate(z)
    assert torch.equal(gan.decode(z), old)
