import math

import pytest
import torch

from genai_course import fit, seed_everything
from genai_course.data import load_digits, load_toy2d
from genai_course.models import VAE, Autoencoder
from genai_course.models.vae import gaussian_kl


@pytest.fixture(scope="module")
def digits():
    return load_digits("unit")


def test_kl_formula():
    zero = torch.zeros(3, 4)
    assert torch.equal(gaussian_kl(zero, zero), torch.zeros(3))
    mu, logvar = torch.tensor([[0.5, -1.0]]), torch.tensor([[0.2, -0.7]])
    # closed form of KL(N(m, s^2) || N(0, 1)) = log(1/s) + (s^2 + m^2)/2 - 1/2, per dimension
    s2 = logvar.exp()
    closed = (-0.5 * logvar + (s2 + mu**2) / 2 - 0.5).sum()
    assert gaussian_kl(mu, logvar).item() == pytest.approx(closed.item(), rel=1e-6)
    # Monte-Carlo: E_q[log q(z) - log p(z)]
    g = torch.Generator().manual_seed(0)
    z = VAE.reparameterise(mu.expand(200_000, 2), logvar.expand(200_000, 2), generator=g)
    q = torch.distributions.Normal(mu, (0.5 * logvar).exp())
    p = torch.distributions.Normal(0.0, 1.0)
    estimate = (q.log_prob(z) - p.log_prob(z)).sum(1).mean()
    assert estimate.item() == pytest.approx(closed.item(), abs=0.01)


def test_reparameterisation_passes_gradients_and_is_seeded():
    mu = torch.zeros(5, 2, requires_grad=True)
    logvar = torch.zeros(5, 2, requires_grad=True)
    z = VAE.reparameterise(mu, logvar, generator=torch.Generator().manual_seed(1))
    z.sum().backward()
    assert torch.equal(mu.grad, torch.ones(5, 2)) and logvar.grad.abs().sum() > 0
    again = VAE.reparameterise(mu, logvar, generator=torch.Generator().manual_seed(1))
    assert torch.equal(z, again)


def test_shapes(digits):
    vae = VAE(latent_dim=3)
    mu, logvar = vae.encode(digits.x_train[:5])
    assert mu.shape == logvar.shape == (5, 3)
    assert vae.decode(mu).shape == (5, 8, 8)
    images = vae.sample(6)
    assert images.shape == (6, 8, 8) and 0 <= images.min() and images.max() <= 1
    assert vae.reconstruct(digits.x_train[:2]).shape == (2, 8, 8)
    ae = Autoencoder(latent_dim=3)
    assert ae.encode(digits.x_train[:5]).shape == (5, 3)
    assert ae.sample(4).shape == (4, 8, 8)
    points = VAE(data_shape=(2,), likelihood="gaussian")
    assert points.sample(9).shape == (9, 2)


def test_elbo_terms_and_training(digits):
    seed_everything(0)
    vae = VAE(latent_dim=2, hidden=64)
    with torch.no_grad():
        terms = vae.loss(digits.x_train[:64])
    assert set(terms) == {"loss", "reconstruction", "kl", "neg_elbo"}
    assert terms["loss"].item() == pytest.approx(
        (terms["reconstruction"] + terms["kl"]).item(), rel=1e-5
    )
    history = fit(vae, digits.x_train, steps=150, batch_size=64, lr=2e-3, progress=False)
    assert all(math.isfinite(v) for v in history["loss"])
    assert history.last("loss", 20) < 0.8 * history["loss"][0]
    assert int(vae.steps_trained) == 150
    vae.loss(digits.x_test)  # evaluation mode (fit leaves it there): no step counted
    assert int(vae.steps_trained) == 150


def test_beta_weights_only_the_kl():
    torch.manual_seed(0)
    vae = VAE(latent_dim=2, hidden=32, beta=4.0)
    x = torch.rand(10, 8, 8)
    terms = vae.loss(x, generator=torch.Generator().manual_seed(0))
    assert terms["loss"].item() == pytest.approx(
        (terms["reconstruction"] + 4 * terms["kl"]).item(), rel=1e-5
    )
    assert terms["neg_elbo"].item() == pytest.approx(
        (terms["reconstruction"] + terms["kl"]).item(), rel=1e-5
    )


def test_autoencoder_loss_is_reconstruction_only(digits):
    seed_everything(0)
    ae = Autoencoder(latent_dim=2, hidden=64)
    history = fit(ae, digits.x_train, steps=100, batch_size=64, lr=2e-3, progress=False)
    assert set(history.values) == {"loss", "reconstruction"}
    assert history.last("loss", 10) < history["loss"][0]


def test_gaussian_vae_on_points():
    seed_everything(0)
    data = load_toy2d("moons", n_train=500, n_test=10)
    vae = VAE(data_shape=(2,), latent_dim=2, hidden=32, likelihood="gaussian")
    history = fit(vae, data.train, steps=200, batch_size=100, lr=3e-3, progress=False)
    assert history.last("loss", 20) < history["loss"][0]


def test_sampling_determinism_and_conditional(digits):
    vae = VAE(latent_dim=4, num_classes=10)
    a = vae.sample(5, generator=torch.Generator().manual_seed(0), labels=3)
    b = vae.sample(5, generator=torch.Generator().manual_seed(0), labels=3)
    c = vae.sample(5, generator=torch.Generator().manual_seed(0), labels=4)
    assert a.shape == (5, 8, 8) and torch.equal(a, b) and not torch.equal(a, c)
    assert vae.sample(10).shape == (10, 8, 8)  # labels cycle 0..9 when not given
    history = fit(vae, (digits.x_train, digits.y_train), steps=3, batch_size=8, progress=False)
    assert len(history["kl"]) == 3
    with pytest.raises(ValueError, match="class-conditional: pass labels"):
        vae.loss(digits.x_train[:4])
    with pytest.raises(ValueError, match=r"labels must lie in 0..9"):
        vae.sample(2, labels=-1)
    with pytest.raises(
        TypeError, match="positional argument"
    ):  # labels and generator are keyword-only
        vae.sample(2, 7)


def test_bad_input_gets_clear_errors():
    vae = VAE(latent_dim=2)
    with pytest.raises(ValueError, match="n must be a positive integer, got -1"):
        vae.sample(-1)
    assert vae.encode(torch.zeros(3, 64))[0].shape == (3, 2)  # flat rows are accepted too
    with pytest.raises(ValueError, match=r"x must have shape \(n, 8, 8\).*got \(3, 63\)"):
        vae.encode(torch.zeros(3, 63))
    with pytest.raises(ValueError, match=r"z must have shape \(\.\.\., 2\)"):
        vae.decode(torch.zeros(1, 3))
    with pytest.raises(ValueError, match="Unknown likelihood"):
        VAE(likelihood="poisson")
    with pytest.raises(ValueError, match="beta must lie in"):
        VAE(beta=-1)
    with pytest.raises(ValueError, match="unconditional"):
        vae.sample(2, labels=1)
