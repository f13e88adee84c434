import pytest
import torch

from genai_course.data import load_digits
from genai_course.models.pixel import IndependentPixels, PixelConfig, PixelMADE
from genai_course.pretrained import load_pretrained
from genai_course.seeding import seed_everything
from genai_course.training import fit


@pytest.mark.parametrize("num_classes", [0, 10])
def test_changing_a_later_pixel_never_changes_an_earlier_prediction(num_classes):
    seed_everything(0)
    model = PixelMADE(PixelConfig(hidden=32, layers=2, num_classes=num_classes))
    labels = torch.arange(8) % 10 if num_classes else None
    x = torch.bernoulli(torch.full((8, 64), 0.5))
    base = model.logits(x, labels)
    for j in (0, 17, 40, 63):
        flipped = x.clone()
        flipped[:, j] = 1 - flipped[:, j]
        changed = model.logits(flipped, labels)
        assert torch.equal(changed[:, : j + 1], base[:, : j + 1]), j  # pixel j and before
        if j < 63:
            assert not torch.allclose(changed[:, j + 1 :], base[:, j + 1 :])  # later ones do see it


def test_shapes_sampling_and_errors():
    seed_everything(0)
    model = PixelMADE(PixelConfig(hidden=16, layers=1, num_classes=10))
    images = model.sample(5, generator=torch.Generator().manual_seed(0), labels=7)
    assert images.shape == (5, 8, 8) and set(images.unique().tolist()) <= {0.0, 1.0}
    again = model.sample(5, generator=torch.Generator().manual_seed(0), labels=7)
    assert torch.equal(images, again)
    assert model.log_prob(images, torch.full((5,), 7)).shape == (5,)
    assert model.sample(2).shape == (
        2,
        8,
        8,
    )  # no labels: cycles through the classes, as every model
    with pytest.raises(ValueError, match=r"labels must lie in 0\.\.9"):
        model.sample(2, labels=torch.tensor([1, 10]))
    with pytest.raises(ValueError, match="0 or 1"):
        model.log_prob(torch.full((2, 8, 8), 0.3), torch.zeros(2, dtype=torch.long))
    with pytest.raises(ValueError, match="64 pixels"):
        model.log_prob(torch.zeros(2, 7, 7), torch.zeros(2, dtype=torch.long))
    with pytest.raises(ValueError, match="unconditional"):
        PixelMADE(hidden=8).log_prob(torch.zeros(1, 64), torch.zeros(1, dtype=torch.long))


def test_log_prob_is_a_normalised_distribution_over_a_tiny_image():
    # 4 pixels: the probabilities of all 16 images add up to 1 (the chain rule at work)
    model = PixelMADE(PixelConfig(hidden=8, layers=1, data_shape=(4,)))
    every = torch.tensor([[(i >> b) & 1 for b in range(4)] for i in range(16)], dtype=torch.float)
    with torch.no_grad():
        total = float(model.log_prob(every).exp().sum())
    assert total == pytest.approx(1.0, abs=1e-5)


def test_a_short_training_beats_independent_pixels():
    data = load_digits("binary")
    seed_everything(0)
    model = PixelMADE(PixelConfig(hidden=64, layers=1))
    fit(model, data.x_train, steps=300, lr=3e-3, progress=False)
    baseline = IndependentPixels().fit_counts(data.x_train)
    assert model.bits_per_pixel(data.x_test) < baseline.bits_per_pixel(data.x_test) - 0.05
    assert 0.5 < baseline.bits_per_pixel(data.x_test) < 0.6


def test_shipped_digits_pixel_model():
    model = load_pretrained("digits-pixel")
    metrics = model.pretrained_metadata["metrics"]
    assert metrics["test_bits_per_pixel"] < metrics["independent_pixels_test_bits_per_pixel"] - 0.15
    sevens = model.sample(4, generator=torch.Generator().manual_seed(0), labels=7)
    assert sevens.shape == (4, 8, 8)
