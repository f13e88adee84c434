from types import SimpleNamespace

import pytest
import torch

from genai_course.data import load_digits
from genai_course.widgets.class_picker import ClassPicker, grid_png


class RealDigits:
    """A stand-in class-conditional "model": it returns real test digits of the asked class."""

    def __init__(self, scale):
        data = load_digits(scale)
        self.by_class = {k: data.x_test[data.y_test == k] for k in range(10)}
        self.config = SimpleNamespace(num_classes=10)
        self.num_classes = 10  # the contract: 0 would mean unconditional
        self.calls = []

    def eval(self):
        return self

    def sample(self, n, generator=None, labels=None):
        self.calls.append(labels.tolist())
        rows = [
            self.by_class[int(k)][
                torch.randint(len(self.by_class[int(k)]), (1,), generator=generator)
            ]
            for k in labels
        ]
        return torch.cat(rows)


def picker(**kwargs):
    families = {
        "real (unit)": (RealDigits("unit"), "unit"),
        "real (binary)": (RealDigits("binary"), "binary"),
        "real (symmetric)": (RealDigits("symmetric"), "symmetric"),
    }
    return ClassPicker(families, **kwargs)


def test_builds_and_draws_the_default_digit():
    p = picker(n=8)
    assert "genai-class-picker" in p.widget._dom_classes
    assert p.digit_buttons.options == tuple(range(10)) and p.digit_buttons.value == 7
    assert p.image.value[:8] == b"\x89PNG\r\n\x1a\n"
    assert p.last_images.shape == (8, 8, 8)
    assert "digit <b>7</b>" in p.status.value and "classifier reads" in p.status.value
    model = p.families["real (unit)"][0]
    assert model.calls == [[7] * 8]


def test_generate_follows_digit_family_and_press():
    p = picker(n=6)
    p.digit_buttons.value = 3
    p.family_menu.value = "real (symmetric)"
    first_png = p.image.value
    p.button.click()
    images = p.last_images
    assert images.min() >= 0 and images.max() <= 1  # converted from [-1, 1]
    assert p.families["real (symmetric)"][0].calls[-1] == [3] * 6
    assert p.judge(images, 3) >= 5 / 6
    assert p.image.value != first_png
    assert "real (symmetric): 6 samples of the digit <b>3</b>" in p.status.value
    p.button.click()  # the next press uses the next seed: new samples
    assert not torch.equal(p.last_images, images)
    # the same seed repeats exactly
    assert torch.equal(
        p.generate(3, "real (binary)", seed=5), p.generate(3, "real (binary)", seed=5)
    )


def test_grid_png_size():
    from io import BytesIO

    from PIL import Image

    picture = Image.open(BytesIO(grid_png(torch.zeros(10, 8, 8), nrow=5, zoom=2)))
    assert picture.size == ((5 * 9 + 1) * 2, (2 * 9 + 1) * 2)
    with pytest.raises(ValueError, match="shape \\(N, H, W\\)"):
        grid_png(torch.zeros(0, 8, 8))


def test_errors():
    with pytest.raises(ValueError, match="non-empty dict"):
        ClassPicker({})
    with pytest.raises(TypeError, match="must be a model"):
        ClassPicker({"GAN": RealDigits("unit")})
    with pytest.raises(ValueError, match="Unknown scale of 'GAN'"):
        ClassPicker({"GAN": (RealDigits("unit"), "grey")})
    unconditional = RealDigits("unit")
    unconditional.num_classes = 0
    with pytest.raises(ValueError, match="unconditional"):
        ClassPicker({"GAN": (unconditional, "unit")})
    with pytest.raises(TypeError, match="no sample"):
        ClassPicker({"GAN": (object(), "unit")})
    p = picker(n=2, judge=False)
    assert "classifier" not in p.status.value
    with pytest.raises(ValueError, match="digit must be one of 0..9"):
        p.generate(11, "real (unit)")
    with pytest.raises(ValueError, match="Unknown family 'VAE'"):
        p.generate(1, "VAE")
    with pytest.raises(ValueError, match="declared 'unit'"):
        ClassPicker({"wrong scale": (RealDigits("symmetric"), "unit")})
