import numpy as np
import pytest
import torch

from genai_course.data import load_digits
from genai_course.metrics import (
    class_coverage,
    class_shares,
    classify_digits,
    digit_features,
    frechet_digit_distance,
    frechet_distance,
    image_novelty,
    sampling_speed,
    to_unit_scale,
)


def test_frechet_distance_of_identical_sets_is_zero():
    g = torch.Generator().manual_seed(0)
    features = torch.randn(300, 16, generator=g) @ torch.randn(16, 16, generator=g)
    assert frechet_distance(features, features) == pytest.approx(0.0, abs=1e-6)


def test_frechet_distance_of_shifted_features_is_the_squared_shift():
    # equal covariances: the trace term vanishes and d^2 = ||mu_a - mu_b||^2
    g = torch.Generator().manual_seed(1)
    features = torch.randn(400, 8, generator=g) * torch.linspace(0.1, 3, 8)
    shift = torch.tensor([1.0, -2.0, 0.5, 0.0, 0.0, 3.0, 0.0, 0.25])
    expected = float((shift**2).sum())
    assert frechet_distance(features, features + shift) == pytest.approx(expected, rel=1e-6)


def test_frechet_distance_known_answer_for_scaled_gaussians():
    # one feature, variances s^2 and t^2, same mean: d^2 = (s - t)^2
    x = torch.tensor([-1.0, 1.0] * 50, dtype=torch.float64)
    assert frechet_distance(x[:, None], 3 * x[:, None]) == pytest.approx(
        4 * float(x.var()), rel=1e-9
    )


def test_frechet_distance_agrees_with_scipy_sqrtm():
    from scipy import linalg

    rng = np.random.default_rng(2)
    a = rng.normal(size=(200, 6)) @ rng.normal(size=(6, 6))
    b = rng.normal(size=(150, 6)) @ rng.normal(size=(6, 6)) + 0.3
    ca, cb = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    covmean = linalg.sqrtm(ca @ cb).real
    expected = ((a.mean(0) - b.mean(0)) ** 2).sum() + np.trace(ca + cb - 2 * covmean)
    assert frechet_distance(torch.tensor(a), torch.tensor(b)) == pytest.approx(expected, rel=1e-6)


def test_frechet_distance_input_errors():
    with pytest.raises(ValueError, match="at least 2 rows"):
        frechet_distance(torch.zeros(1, 4), torch.zeros(5, 4))
    with pytest.raises(ValueError, match="4 features per row but features_b have 3"):
        frechet_distance(torch.zeros(5, 4), torch.zeros(5, 3))
    with pytest.raises(ValueError, match="2 dimensions"):
        frechet_distance(torch.zeros(5), torch.zeros(5))
    with pytest.raises(ValueError, match="NaN"):
        frechet_distance(torch.full((3, 2), float("nan")), torch.zeros(3, 2))


def test_scales_are_checked_and_converted():
    x = torch.tensor([[[0.0, 1.0], [0.5, 0.25]]])
    assert torch.equal(to_unit_scale(x * 2 - 1, "symmetric"), x)
    assert torch.equal(to_unit_scale(x.reshape(1, 4), "unit"), x)
    assert torch.equal(to_unit_scale(x[:, None], "unit"), x)
    with pytest.raises(ValueError, match="declared 'unit'.*range over \\[-1"):
        to_unit_scale(x * 2 - 1, "unit")
    with pytest.raises(ValueError, match="declared 'binary' but hold values other than 0 and 1"):
        to_unit_scale(x, "binary")
    with pytest.raises(ValueError, match="Unknown scale 'grey'"):
        to_unit_scale(x, "grey")
    with pytest.raises(ValueError, match="at least 1 rows"):
        to_unit_scale(torch.zeros(0, 8, 8), "unit")
    with pytest.raises(ValueError, match="not square"):
        to_unit_scale(torch.zeros(2, 10), "unit")
    with pytest.raises(ValueError, match="must be 8x8 digits"):
        classify_digits(torch.zeros(2, 4, 4))


def test_classifier_reads_every_scale_alike():
    digits = load_digits("unit")
    x, y = digits.x_test[:100], digits.y_test[:100]
    unit = classify_digits(x)
    assert unit.dtype == torch.long and unit.shape == (100,)
    assert torch.equal(classify_digits(x * 2 - 1, "symmetric"), unit)
    assert (unit == y).float().mean() > 0.95
    assert (classify_digits((x > 0.5).float(), "binary") == y).float().mean() > 0.9
    assert digit_features(x).shape == (100, 64)


def test_real_digits_are_closer_to_real_digits_than_noise_is():
    digits = load_digits("unit")
    floor = frechet_digit_distance(digits.x_test, digits.x_train[:360])
    noise = torch.rand(360, 8, 8, generator=torch.Generator().manual_seed(0))
    assert frechet_digit_distance(noise, digits.x_test) > 10 * floor
    assert frechet_digit_distance(digits.x_test, digits.x_test) == pytest.approx(0, abs=1e-6)


def test_coverage_of_a_one_class_set():
    reference = torch.arange(10).repeat(10)
    cover = class_coverage(torch.full((50,), 7), reference)
    assert cover.sample_shares[7] == 1.0
    assert cover.total_variation == pytest.approx(0.9)
    assert cover.smallest_share == 0.0 and cover.missing == (0, 1, 2, 3, 4, 5, 6, 8, 9)
    assert "missing classes: 0, 1" in str(cover)
    balanced = class_coverage(reference, reference)
    assert balanced.total_variation == 0.0 and balanced.smallest_share == pytest.approx(0.1)
    assert balanced.missing == ()
    assert class_shares(torch.tensor([0, 0, 1]), 3).tolist() == pytest.approx([2 / 3, 1 / 3, 0])


def test_coverage_input_errors():
    with pytest.raises(ValueError, match="non-empty 1-D"):
        class_coverage(torch.tensor([], dtype=torch.long), torch.arange(10))
    with pytest.raises(ValueError, match=r"must lie in 0..9, got values from 0 to 12"):
        class_coverage(torch.tensor([0, 12]), torch.arange(10))
    with pytest.raises(ValueError, match="whole class numbers"):
        class_coverage(torch.tensor([0.5]), torch.arange(10))


def test_a_set_of_copies_is_flagged_as_copies():
    digits = load_digits("symmetric")
    g = torch.Generator().manual_seed(0)
    copies = (digits.x_train[:100] + 0.01 * torch.randn(100, 8, 8, generator=g)).clamp(-1, 1)
    report = image_novelty(copies, digits.x_train, digits.x_test, scale="symmetric")
    assert report.near_copy_fraction == 1.0
    fresh = image_novelty(
        digits.x_test[:180], digits.x_train, digits.x_test[180:], scale="symmetric"
    )
    assert fresh.near_copy_fraction < 0.15
    binary = load_digits("binary")
    copied = image_novelty(binary.x_train[:50], binary.x_train, binary.x_test, scale="binary")
    assert copied.near_copy_fraction == 1.0 and copied.sample_median == 0.0
    with pytest.raises(
        ValueError, match="samples are \\(8, 8\\) images but training images are \\(4, 4\\)"
    ):
        image_novelty(copies, torch.zeros(5, 4, 4), digits.x_test, scale="symmetric")
    with pytest.raises(ValueError, match="declared 'unit'"):
        image_novelty(copies, digits.x_train, digits.x_test)


def test_sampling_speed_times_a_sampler():
    class Sampler:
        calls = 0

        def sample(self, n, generator=None):
            Sampler.calls += 1
            return torch.zeros(n, 8, 8)

    speed = sampling_speed(Sampler(), n=32, repeats=3, warmup=1)
    assert Sampler.calls == 4 and speed.n == 32 and speed.repeats == 3
    assert speed.images_per_second > 0 and speed.seconds_per_call > 0
    assert "images/s" in str(speed)
    assert sampling_speed(lambda n: torch.ones(n, 2), n=5, repeats=1).n == 5
    with pytest.raises(ValueError, match="expected a tensor of 7 images"):
        sampling_speed(lambda n: torch.ones(3, 2), n=7)
    with pytest.raises(TypeError, match="sample\\(n\\) method"):
        sampling_speed(42)
    with pytest.raises(ValueError, match="n must be a positive integer"):
        sampling_speed(Sampler(), n=0)


def test_a_model_stands_for_its_value_scale():
    from genai_course.metrics.images import to_unit_scale
    from genai_course.models import GAN

    gan = GAN(data_shape=(8, 8), output="tanh", hidden=8)
    images = torch.full((2, 8, 8), -1.0)
    assert torch.equal(to_unit_scale(images, gan), torch.zeros(2, 8, 8)), (
        "a tanh GAN's -1 is black, 0 in unit scale"
    )
