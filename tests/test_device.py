"""Device mistakes caught without a GPU (issue 13).

Under ``torch.set_default_device("meta")`` every tensor created without ``device=`` lands
on the "meta" device, while the models and data here live on the CPU: mixing the two
raises at once. So a tensor made with a bare ``torch.randn(...)`` (instead of following its
model or input, as nanoGPT's ``device = idx.device``) fails these tests, as it would fail
on a GPU.
"""

from __future__ import annotations

import pytest
import torch

from genai_course.models import (
    GAN,
    MLPLM,
    VAE,
    Autoencoder,
    GaussianMixture,
    IndependentPixels,
    NGramLM,
    PixelMADE,
    RecurrentLM,
)
from genai_course.training import fit


def meta_default():
    """Within this block, a tensor made without ``device=`` lands on "meta" (models and data
    are built before it, on the CPU)."""
    return torch.device("meta")


def cpu_generator():
    return torch.Generator(device="cpu").manual_seed(0)


def image_models():
    """Every image / point model of the contract, with a batch of its own data (CPU)."""
    digits = (torch.rand(16, 8, 8, device="cpu") > 0.5).float()
    labels = torch.arange(16, device="cpu") % 10
    return {
        "gan": (GAN(data_shape=(8, 8), output="tanh", hidden=16), digits * 2 - 1),
        "gan-conditional": (
            GAN(data_shape=(8, 8), output="tanh", hidden=16, num_classes=10),
            (digits * 2 - 1, labels),
        ),
        "vae": (VAE(hidden=16), digits),
        "vae-conditional": (VAE(hidden=16, num_classes=10), (digits, labels)),
        "autoencoder": (Autoencoder(hidden=16), digits),
        "made": (PixelMADE(hidden=16, layers=1), digits),
        "made-conditional": (PixelMADE(hidden=16, layers=1, num_classes=10), (digits, labels)),
        "independent": (IndependentPixels().fit_counts(digits), digits),
        "mixture": (GaussianMixture(n_components=3), torch.randn(16, 2, device="cpu")),
    }


@pytest.mark.parametrize("name", list(image_models()))
def test_loss_sample_decode_follow_the_model_device(name):
    model, batch = image_models()[name]
    with meta_default():
        _exercise(name, model, batch)


def _exercise(name, model, batch):
    if hasattr(model, "train_step"):
        model.train_step(batch, model.make_optimizers(1e-3))
    else:
        loss = model.loss(batch)
        loss = loss["loss"] if isinstance(loss, dict) else loss
        assert loss.device.type == "cpu"
    labels = 3 if model.num_classes else None
    for generator in (None, cpu_generator()):
        out = model.sample(4, labels=labels, generator=generator)
        assert out.device.type == "cpu" and out.shape == (4, *model.data_shape), name
    if hasattr(model, "decode"):
        z = torch.zeros(2, model.config.latent_dim, device="cpu")
        assert model.decode(z, labels=[1, 2] if model.num_classes else None).device.type == "cpu"
    if hasattr(model, "interpolate"):
        z = torch.zeros(model.config.latent_dim, device="cpu")
        model.interpolate(z, z + 1, steps=3, labels=[1, 2, 3] if model.num_classes else None)


def test_fit_follows_the_data_and_model_device():
    model, batch = image_models()["vae"]
    with meta_default():
        history = fit(model, batch, steps=2, batch_size=4, progress=False, device="cpu")
    assert len(history) == 2 and model.steps_trained == 2


def language_models():
    V = 7
    ids = torch.arange(40, device="cpu") % V
    return ids, {
        "ngram": NGramLM(vocab_size=V, n=3).fit_counts(ids),
        "mlp": MLPLM(vocab_size=V, block_size=4, hidden=16),
        "gru": RecurrentLM(vocab_size=V, embed_dim=4, hidden=8),
    }


@pytest.mark.parametrize("name", ["ngram", "mlp", "gru"])
def test_language_models_forward_and_generate(name):
    ids, models = language_models()
    with meta_default():
        _exercise_lm(models[name], ids)


def _exercise_lm(model, ids):
    from genai_course.models.language_model import sequence_loss

    idx = ids[:12].view(2, 6)
    logits, loss = model(idx, idx)
    assert logits.device.type == "cpu" and loss.device.type == "cpu"
    for generator in (None, cpu_generator()):
        out = model.generate(idx[:, :2], 5, temperature=0.8, top_k=3, generator=generator)
        assert out.shape == (2, 7) and out.device.type == "cpu"
    assert sequence_loss(model, ids, block_size=8) > 0


def test_ngram_tables_move_with_the_model():
    ids, models = language_models()
    ngram = models["ngram"]
    buffers = dict(ngram.named_buffers())
    assert {"keys_0", "counts_0", "counts_2"} <= set(buffers), "count tables must be buffers"
    moved = ngram.to(torch.float64)  # a device move is the same path as a dtype move
    assert moved.counts_1.dtype == torch.float64


def test_widgets_update_on_the_model_device():
    from genai_course.tokenizer import CharTokenizer

    models = image_models()
    vae, batch = models["vae-conditional"]
    gan, _ = models["gan-conditional"]
    tokenizer = CharTokenizer.from_text("hello world")
    lm = RecurrentLM(vocab_size=tokenizer.vocab_size, embed_dim=4, hidden=8)
    z0, z1 = torch.zeros(8), torch.ones(8)
    with meta_default():
        _exercise_widgets(vae, gan, lm, tokenizer, z0, z1)


def _exercise_widgets(vae, gan, lm, tokenizer, z0, z1):
    from genai_course.widgets.class_picker import ClassPicker
    from genai_course.widgets.latent import LatentExplorer, LatentInterpolator
    from genai_course.widgets.monitor import TrainingMonitor
    from genai_course.widgets.prompt import PromptWidget

    explorer = LatentExplorer(vae, label=3, allow_untrained=True)
    explorer.sliders[0].value = 1.0
    assert explorer.current_image().device.type == "cpu"
    interpolator = LatentInterpolator(gan, z0, z1, label=2, steps=3, allow_untrained=True)
    interpolator.set_t(0.5)
    picker = ClassPicker({"GAN": gan, "VAE": vae}, n=4, judge=False)
    picker.button.click()
    monitor = TrainingMonitor(every=1, sample_fn=lambda m: m.sample(4, labels=1))
    monitor(1, {"loss": 1.0}, vae)
    widget = PromptWidget(lm, tokenizer, prompt="hel", length=5)
    widget.temperature.value = 0.5
    assert isinstance(widget.continuation(), str)


def test_sequence_loss_respects_a_transformer_block_size():
    from genai_course.models import TransformerLM
    from genai_course.models.language_model import sequence_loss

    ids = torch.arange(200) % 7
    model = TransformerLM(vocab_size=7, block_size=16)
    assert sequence_loss(model, ids, block_size=64) > 0, "windows are cut to the model's block_size"
