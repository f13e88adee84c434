import math

import pytest
import torch

from genai_course import fit, seed_everything
from genai_course.data import load_toy2d
from genai_course.models import GAN, GANConfig


def test_shapes_and_scales():
    seed_everything(0)
    points = GAN(latent_dim=3)
    assert points.sample(5).shape == (5, 2)
    digits = GAN(data_shape=(8, 8), output="tanh")
    images = digits.sample(7)
    assert images.shape == (7, 8, 8)
    assert images.abs().max() <= 1  # tanh: the symmetric scale of the digits
    assert digits.discriminate(images).shape == (7,)
    assert digits.latent(4).shape == (4, 8)
    assert digits.interpolate(torch.zeros(8), torch.ones(8), steps=6).shape == (6, 8, 8)


def test_losses_match_the_value_function():
    # With D = sigmoid(l): -V = -(log D(x) + log(1 - D(G(z)))); the generator losses follow.
    real, fake = torch.tensor([0.3, -1.2]), torch.tensor([2.0, -0.5])
    d_real, d_fake = torch.sigmoid(real), torch.sigmoid(fake)
    value = d_real.log().mean() + (1 - d_fake).log().mean()
    assert GAN.discriminator_loss(real, fake) == pytest.approx(-float(value), rel=1e-5)
    minimax = GAN(loss="minimax").generator_loss(fake)
    assert minimax == pytest.approx(float((1 - d_fake).log().mean()), rel=1e-5)
    non_saturating = GAN().generator_loss(fake)
    assert non_saturating == pytest.approx(float(-d_fake.log().mean()), rel=1e-5)
    # when D confidently rejects the fakes, the minimax loss has almost no gradient
    confident = torch.tensor([-8.0], requires_grad=True)
    GAN(loss="minimax").generator_loss(confident).backward()
    saturated = confident.grad.abs().item()
    confident.grad = None
    GAN().generator_loss(confident).backward()
    assert saturated < 1e-3 < confident.grad.abs().item()


def test_training_on_the_ring_moves_samples_onto_it():
    seed_everything(0)
    ring = load_toy2d("ring", n_train=1000, n_test=10)
    gan = GAN(latent_dim=4, hidden=64)
    before = (
        (gan.sample(500, generator=torch.Generator().manual_seed(0)).norm(dim=1) - 1.5).abs().mean()
    )
    history = fit(gan, ring.train, steps=300, batch_size=64, lr=2e-3, progress=False)
    assert set(history.values) == {"d_loss", "g_loss", "d_real", "d_fake"}
    assert all(math.isfinite(v) for v in history["d_loss"] + history["g_loss"])
    after = (
        (gan.sample(500, generator=torch.Generator().manual_seed(0)).norm(dim=1) - 1.5).abs().mean()
    )
    assert after < 0.5 * before
    assert int(gan.steps_trained) == 300
    # at the equilibrium D(x) = 1/2 everywhere; after training D is unsure
    assert 0.3 < history.last("d_real", 100) < 0.8 and 0.2 < history.last("d_fake", 100) < 0.7


def test_sampling_is_deterministic_under_a_seed():
    gan = GAN(data_shape=(8, 8), output="tanh")
    a = gan.sample(4, generator=torch.Generator().manual_seed(3))
    b = gan.sample(4, generator=torch.Generator().manual_seed(3))
    c = gan.sample(4, generator=torch.Generator().manual_seed(4))
    assert torch.equal(a, b) and not torch.equal(a, c)


def test_conditional_gan():
    gan = GAN(data_shape=(8, 8), output="tanh", num_classes=10)
    assert gan.sample(12).shape == (12, 8, 8)  # cycles through the classes
    sevens = gan.sample(3, labels=7, generator=torch.Generator().manual_seed(0))
    same = gan.sample(3, labels=torch.tensor([7, 7, 7]), generator=torch.Generator().manual_seed(0))
    other = gan.sample(3, labels=1, generator=torch.Generator().manual_seed(0))
    assert (
        sevens.shape == (3, 8, 8) and torch.equal(sevens, same) and not torch.equal(sevens, other)
    )
    images, labels = torch.rand(16, 8, 8) * 2 - 1, torch.randint(10, (16,))
    history = fit(gan, (images, labels), steps=3, batch_size=8, progress=False)
    assert len(history["g_loss"]) == 3
    with pytest.raises(ValueError, match=r"labels must lie in 0..9"):
        gan.sample(2, labels=10)
    with pytest.raises(ValueError, match="one integer or 2 of them"):
        gan.sample(2, labels=[1, 2, 3])
    with pytest.raises(ValueError, match="unconditional"):
        GAN().sample(2, labels=1)
    with pytest.raises(
        TypeError, match="positional argument"
    ):  # labels and generator are keyword-only
        gan.sample(2, 7)


def test_bad_input_gets_clear_errors():
    with pytest.raises(ValueError, match="n must be a positive integer, got 0"):
        GAN().sample(0)
    with pytest.raises(ValueError, match="Unknown loss 'wasserstein'"):
        GAN(loss="wasserstein")
    with pytest.raises(ValueError, match="Unknown output"):
        GAN(GANConfig(output="sigmoid"))  # the model checks its config
    with pytest.raises(ValueError, match=r"z0 and z1 must each hold 8 numbers"):
        GAN().interpolate(torch.zeros(3), torch.zeros(8))
    with pytest.raises(ValueError, match=r"x must have shape \(n, 8, 8\)"):
        GAN(data_shape=(8, 8)).discriminate(torch.zeros(2, 10))
