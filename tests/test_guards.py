"""One case per class of bad input (issue 15 §4): each gives an error or a warning that
names the bad value and the fix, instead of a raw torch error or a silent wrong result."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from genai_course import fit
from genai_course.data import load_digits
from genai_course.models import GAN, VAE, GaussianMixture, PixelMADE, RecurrentLM, grow_vocabulary
from genai_course.tokenizer import CharTokenizer


def pixels_0_255():
    return load_digits("unit").x_train[:64] * 255


def test_bernoulli_vae_refuses_0_255_pixels():
    # before: a loss of -24,605 and no warning
    with pytest.raises(
        ValueError,
        match=r"lie in \[0, 255\].*expects values in \[0, 1\].*divide 0-255 pixels by 255",
    ):
        fit(VAE(hidden=16), pixels_0_255(), steps=1, progress=False)


def test_tanh_gan_refuses_unit_pixels_out_of_range():
    with pytest.raises(ValueError, match=r"expects values in \[-1, 1\].*2 \* x - 1"):
        fit(
            GAN(data_shape=(8, 8), output="tanh", hidden=16),
            pixels_0_255(),
            steps=1,
            progress=False,
        )


def test_binary_model_refuses_grey_pixels():
    with pytest.raises(ValueError, match=r"must be 0 or 1.*\(x > 0.5\)"):
        PixelMADE(hidden=16, layers=1).loss(load_digits("unit").x_train[:4])


def test_float64_data_is_converted_not_a_dtype_error():
    # before: "mat1 and mat2 must have the same dtype" from deep inside torch
    data = load_digits("symmetric").x_train[:64].double()
    history = fit(GAN(data_shape=(8, 8), output="tanh", hidden=16), data, steps=2, progress=False)
    assert len(history) == 2, "float64 data must train a float32 model"
    points = np.random.default_rng(0).normal(size=(100, 2))  # NumPy float64
    assert len(fit(GaussianMixture(n_components=2), points, steps=2, progress=False)) == 2


def test_shape_mismatch_names_the_expected_shape_and_the_fix():
    with pytest.raises(
        ValueError, match=r"must have shape \(n, 8, 8\).*data_shape=\(8, 8\).*got \(4, 16, 16\)"
    ):
        VAE(hidden=16).loss(torch.rand(4, 16, 16))
    with pytest.raises(ValueError, match=r"must have 64 pixels each.*got 256.*data_shape="):
        PixelMADE(hidden=16, layers=1).loss(torch.zeros(4, 16, 16))


def test_labels_for_an_unconditional_model_and_missing_labels():
    with pytest.raises(ValueError, match="unconditional \\(num_classes=0\\): do not pass labels"):
        VAE(hidden=16).sample(2, labels=3)
    with pytest.raises(ValueError, match=r"labels must lie in 0\.\.9, got values from 0 to 12"):
        GAN(num_classes=10).sample(3, labels=[0, 5, 12])


def test_fit_names_what_it_got_when_data_is_unusable():
    with pytest.raises(TypeError, match="NumPy array of Python objects"):
        fit(GaussianMixture(), np.array([{"a": 1}, {"b": 2}]), steps=1, progress=False)
    with pytest.raises(ValueError, match="same number of rows, got \\[10, 9\\]"):
        fit(
            VAE(hidden=16, num_classes=10),
            (torch.rand(10, 8, 8), torch.zeros(9, dtype=torch.long)),
            steps=1,
            progress=False,
        )


def test_tokenizer_that_does_not_match_the_model():
    tokenizer = CharTokenizer.from_text("hello world")
    model = RecurrentLM(vocab_size=tokenizer.vocab_size, embed_dim=4, hidden=8)
    model.tokenizer = tokenizer
    other_size = CharTokenizer.from_text("abc")
    with pytest.raises(
        ValueError, match="has 3 tokens but this RecurrentLM has vocab_size=8.*model.tokenizer"
    ):
        model.check_tokenizer(other_size)
    same_size = CharTokenizer.from_text("abcdefgh")  # 8 characters, other meanings
    with pytest.raises(ValueError, match="differs from the model's own"):
        model.check_tokenizer(same_size)
    from genai_course.widgets.prompt import PromptWidget

    with pytest.raises(ValueError, match="has 3 tokens"):
        PromptWidget(model, other_size)
    with pytest.raises(ValueError, match=r"token ids must lie in \[0, 8\).*model's own tokenizer"):
        model(torch.tensor([[0, 9]]))


def test_growing_a_vocabulary_keeps_old_rows_and_adds_new():
    tokenizer = CharTokenizer.from_text("hello world")
    model = RecurrentLM(vocab_size=tokenizer.vocab_size, embed_dim=4, hidden=8)
    model.tokenizer = tokenizer
    before = model(tokenizer.encode("hello")[None])[0]
    old_embedding = model.embed.weight.detach().clone()
    bigger = tokenizer.extended("hello, wörld!")
    assert bigger.chars[: tokenizer.vocab_size] == tokenizer.chars, "old ids must not move"
    grow_vocabulary(model, bigger)
    assert model.config.vocab_size == bigger.vocab_size == tokenizer.vocab_size + 3
    assert torch.equal(model.embed.weight[: tokenizer.vocab_size], old_embedding), (
        "old rows must be kept"
    )
    after = model(bigger.encode("hello")[None])[0]
    assert torch.allclose(after[..., : tokenizer.vocab_size], before), (
        "old logits must be unchanged"
    )
    history = fit(
        model,
        lambda n, g: (
            bigger.encode("hello, wörld!")[None, :-1].expand(n, -1),
            bigger.encode("hello, wörld!")[None, 1:].expand(n, -1),
        ),
        steps=3,
        batch_size=2,
        progress=False,
    )
    assert len(history) == 3, "the grown model must train on text with the new characters"
    with pytest.raises(ValueError, match="keep the model's characters in their places"):
        grow_vocabulary(model, CharTokenizer.from_text("zyxwvutsrqponm"))


def test_digit_metrics_warn_on_images_that_are_not_digits():
    from genai_course.metrics.images import class_coverage, classify_digits, frechet_digit_distance

    noise = torch.rand(200, 8, 8, generator=torch.Generator().manual_seed(0))
    with pytest.warns(
        UserWarning,
        match=r"unsure these 200 images are digits: only \d+% .*frechet_distance\(features_a, features_b\)",
    ):
        classify_digits(noise)
    with pytest.warns(UserWarning, match="Fréchet distance on digit features"):
        frechet_digit_distance(noise, load_digits("unit").x_test)
    with pytest.warns(UserWarning):
        labels, confidence = classify_digits(noise, return_confidence=True)
    confident = class_coverage(labels, load_digits("unit").y_train, confidence=confidence)
    plain = class_coverage(labels, load_digits("unit").y_train)
    assert confident.confident_share < 0.6, "noise must not be read as confident digits"
    assert confident.n_samples < plain.n_samples == 200, (
        "coverage must count only confident readings"
    )


def test_float64_latent_codes_decode():
    codes = np.zeros((2, 8))  # float64, e.g. from a NumPy computation
    assert GAN(hidden=16).decode(torch.from_numpy(codes)).dtype == torch.float32
    assert VAE(hidden=16, latent_dim=8).decode(torch.from_numpy(codes)).dtype == torch.float32
