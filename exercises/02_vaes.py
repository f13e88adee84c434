# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown] nbgrader={"grade": false, "grade_id": "intro", "locked": true, "schema_version": 3, "solution": false, "checksum": "e8130cf3db06776b328e1c2a55d4d755", "cell_type": "markdown"} deletable=false editable=false
# # Exercise 02 — the heart of a VAE: reparameterisation and the KL term
#
# This exercise goes with [lesson 02](../lessons/02_vaes.ipynb). A VAE's encoder outputs,
# for each input, the mean $\mu$ and the log-variance $\log\sigma^2$ of a Gaussian over
# the latent code. You write the three lines that make it trainable, then measure a trained one:
#
# 1. the **reparameterisation** $z = \mu + \sigma \odot \varepsilon$;
# 2. the **KL divergence** of $\mathcal N(\mu, \operatorname{diag}\sigma^2)$ from the prior $\mathcal N(0, I)$;
# 3. the **negative ELBO** = reconstruction loss + KL, the loss the VAE minimises;
# 4. a **measurement** on the lesson's trained VAE: how many latent dimensions does it
#    actually use?
#
# Write your code where it says `# YOUR CODE HERE` (delete the `raise NotImplementedError()`)
# and run the test cell below it. The grader also runs hidden tests, and puts back the
# original test cells, so make your functions right in general.

# %% nbgrader={"grade": false, "grade_id": "setup", "locked": true, "schema_version": 3, "solution": false, "checksum": "a6d93fb78e09870841559b1326967f57", "cell_type": "code"} deletable=false editable=false
import math

import torch
import torch.nn.functional as F

from genai_course import seed_everything
from genai_course.grading.probes import gradients

seed_everything(0)

# %% [markdown] nbgrader={"grade": false, "grade_id": "reparam_md", "locked": true, "schema_version": 3, "solution": false, "checksum": "c7b6489d39b66ea75bcaefc59ac51521", "cell_type": "markdown"} deletable=false editable=false
# ## Part 1 — the reparameterisation trick (3 points)
#
# Sampling $z \sim \mathcal N(\mu, \sigma^2)$ directly would block gradients. Instead draw
# $\varepsilon \sim \mathcal N(0, I)$ and compute $z = \mu + \sigma\,\varepsilon$ with
# $\sigma = \exp(\tfrac12 \log\sigma^2)$: now $z$ is a differentiable function of $\mu$ and
# $\log\sigma^2$. Write `reparameterize(mu, logvar, eps=None)`: use `eps` when given
# (same shape as `mu`), otherwise draw it with `torch.randn_like(mu)`.

# %% nbgrader={"grade": false, "grade_id": "reparameterize", "locked": false, "schema_version": 3, "solution": true, "checksum": "f0f47c7e01f5c9ab49ac9571880655d6", "cell_type": "code"} deletable=false
def reparameterize(mu, logvar, eps=None):
    """z = mu + exp(logvar / 2) * eps, differentiable in mu and logvar."""
    # YOUR CODE HERE
    raise NotImplementedError()


# %% nbgrader={"grade": true, "grade_id": "test_reparameterize", "locked": true, "points": 3, "schema_version": 3, "solution": false, "checksum": "2194266e0333f001c7a5945a95778d73", "cell_type": "code"} deletable=false editable=false
_mu = torch.tensor([[0.0, 1.0], [2.0, -1.0]])
_logvar = torch.tensor([[0.0, math.log(4.0)], [math.log(0.25), 0.0]])
_eps = torch.tensor([[1.0, 1.0], [2.0, -3.0]])
_z = reparameterize(_mu, _logvar, _eps)
assert isinstance(_z, torch.Tensor), f"return a torch.Tensor, got {type(_z).__name__}"
assert _z.shape == (2, 2), f"expected shape (2, 2), got {tuple(_z.shape)}"
assert torch.allclose(_z, torch.tensor([[1.0, 3.0], [3.0, -4.0]])), (
    f"expected mu + sigma * eps = [[1, 3], [3, -4]] (sigma = exp(logvar / 2)), got {_z.tolist()}")
_g_mu, _g_lv, _ = gradients(reparameterize, _mu, _logvar, _eps)
assert _g_mu is not None and _g_lv is not None, (
    "gradients must flow back to mu and logvar: build z from them with torch operations")
assert torch.allclose(_g_lv, 0.5 * torch.exp(0.5 * _logvar) * _eps), (
    "the gradient with respect to logvar must be eps * sigma / 2 (sigma = exp(logvar / 2))")


# %% [markdown] nbgrader={"grade": false, "grade_id": "kl_md", "locked": true, "schema_version": 3, "solution": false, "checksum": "be0857b1e7b0479fbb1f9eb2c8f92b71", "cell_type": "markdown"} deletable=false editable=false
# ## Part 2 — the KL term in closed form (3 points)
#
# For a diagonal Gaussian against the unit Gaussian prior the KL divergence has a closed
# form (Kingma & Welling 2014, appendix B), summed over the $d$ latent dimensions:
#
# $$\mathrm{KL}\bigl(\mathcal N(\mu, \sigma^2)\,\|\,\mathcal N(0, 1)\bigr) = \frac12 \sum_{j=1}^{d}\left(\mu_j^2 + \sigma_j^2 - 1 - \log\sigma_j^2\right).$$
#
# Write `gaussian_kl(mu, logvar)` for a batch: inputs of shape `(batch, d)`, output of
# shape `(batch,)`, one KL per example.

# %% nbgrader={"grade": false, "grade_id": "gaussian_kl", "locked": false, "schema_version": 3, "solution": true, "checksum": "8c3b1ff10b7006b7c2c761d0f389b152", "cell_type": "code"} deletable=false
def gaussian_kl(mu, logvar):
    """KL(N(mu, exp(logvar)) || N(0, I)) for each row, summed over latent dimensions."""
    # YOUR CODE HERE
    raise NotImplementedError()


# %% nbgrader={"grade": true, "grade_id": "test_gaussian_kl", "locked": true, "points": 3, "schema_version": 3, "solution": false, "checksum": "870a5ad62cddf83552a3d098c5d7c0e9", "cell_type": "code"} deletable=false editable=false
_kl = gaussian_kl(torch.zeros(4, 3), torch.zeros(4, 3))
assert isinstance(_kl, torch.Tensor), f"return a torch.Tensor, got {type(_kl).__name__}"
assert _kl.shape == (4,), f"expected one KL per example, shape (4,), got {tuple(_kl.shape)}"
assert torch.allclose(_kl, torch.zeros(4)), "the prior's KL from itself is 0"
_kl = gaussian_kl(torch.tensor([[1.0, 0.0]]), torch.tensor([[0.0, math.log(2.0)]]))
_expected = 0.5 * (1.0 + (2.0 - 1.0 - math.log(2.0)))
assert torch.allclose(_kl, torch.tensor([_expected])), (
    f"for mu = [1, 0], sigma^2 = [1, 2] the KL is {_expected:.4f}, got {_kl.tolist()}")


# %% [markdown] nbgrader={"grade": false, "grade_id": "elbo_md", "locked": true, "schema_version": 3, "solution": false, "checksum": "9d89d24e375512d0ff8f30da108746b5", "cell_type": "markdown"} deletable=false editable=false
# ## Part 3 — the VAE loss: the negative ELBO (2 points)
#
# For binary images the decoder outputs one logit per pixel, and the reconstruction term
# is the binary cross-entropy **summed over pixels**. The loss per example is
# reconstruction + KL; return its **mean over the batch** as a scalar tensor.
# Write `negative_elbo(x, recon_logits, mu, logvar)` (`x` and `recon_logits` of shape
# `(batch, ...)` with values of `x` in $\{0, 1\}$; use your `gaussian_kl` and
# `F.binary_cross_entropy_with_logits(..., reduction="none")`).

# %% nbgrader={"grade": false, "grade_id": "negative_elbo", "locked": false, "schema_version": 3, "solution": true, "checksum": "95d22175b3057678c66b605da8f184f9", "cell_type": "code"} deletable=false
def negative_elbo(x, recon_logits, mu, logvar):
    """Mean over the batch of (BCE summed over pixels + KL to the prior)."""
    # YOUR CODE HERE
    raise NotImplementedError()


# %% nbgrader={"grade": true, "grade_id": "test_negative_elbo", "locked": true, "points": 2, "schema_version": 3, "solution": false, "checksum": "6e34ac9b85bac319e97c0723b35dedb9", "cell_type": "code"} deletable=false editable=false
_x = torch.tensor([[[1.0, 0.0], [0.0, 1.0]]])  # one 2x2 binary image
_loss = negative_elbo(_x, torch.zeros(1, 2, 2), torch.zeros(1, 3), torch.zeros(1, 3))
assert isinstance(_loss, torch.Tensor) and _loss.shape == (), (
    f"return a scalar tensor, got {type(_loss).__name__} of shape {tuple(getattr(_loss, 'shape', ()))}")
assert math.isclose(_loss.item(), 4 * math.log(2), rel_tol=1e-5), (
    f"logits 0 give probability 1/2 for 4 pixels: BCE summed = 4 log 2 = {4 * math.log(2):.4f} "
    f"and KL = 0, got {_loss.item():.4f}")
_x2 = torch.stack([_x[0], 1 - _x[0]])  # two images
_mu2, _lv2 = torch.tensor([[1.0, 0.0], [0.0, 2.0]]), torch.tensor([[0.0, math.log(2.0)], [0.0, 0.0]])
_kl2 = 0.5 * torch.tensor([1.0 + (2.0 - 1.0 - math.log(2.0)), 4.0])  # KL of each image's code
_loss2 = negative_elbo(_x2, torch.zeros(2, 2, 2), _mu2, _lv2)
_expected2 = 4 * math.log(2) + _kl2.mean().item()
assert math.isclose(_loss2.item(), _expected2, rel_tol=1e-5), (
    f"two images with non-zero codes: expected 4 log 2 (reconstruction, summed over pixels) + "
    f"the mean KL = {_expected2:.4f}, got {_loss2.item():.4f}. Did you add the KL term, sum "
    "over pixels, and average over the batch?")


# %% [markdown] nbgrader={"grade": false, "grade_id": "active_md", "locked": true, "schema_version": 3, "solution": false, "checksum": "00beab50d6753905f51366a5ffaf6e61", "cell_type": "markdown"} deletable=false editable=false
# ## Part 4 — how many latent dimensions does the VAE use? (3 points)
#
# The KL term charges for every latent dimension that carries information, so a VAE often
# switches some dimensions off: their posterior stays at the prior for every input, and
# the encoder's mean $\mu_j(x)$ barely changes from one input to the next. Burda et al.
# (2016, *Importance Weighted Autoencoders*, section 5.2) call a dimension **active** when
# the variance of $\mu_j(x)$ across the data exceeds $0.01$. Write
# `active_units(mu, threshold=0.01)`: `mu` holds the encoder means of many inputs,
# shape `(n_inputs, latent_dim)`; return the number of active dimensions as a Python
# `int`. The demo below applies it to the lesson's trained VAE.

# %% nbgrader={"grade": false, "grade_id": "active_units", "locked": false, "schema_version": 3, "solution": true, "checksum": "088b95ef8200d1df6311723c2524e97f", "cell_type": "code"} deletable=false
def active_units(mu, threshold=0.01):
    """How many latent dimensions have Var_x(mu_j(x)) > threshold."""
    # YOUR CODE HERE
    raise NotImplementedError()


# %% nbgrader={"grade": true, "grade_id": "test_active_units", "locked": true, "points": 3, "schema_version": 3, "solution": false, "checksum": "efbf8e6c44584d7b7693787004cd00eb", "cell_type": "code"} deletable=false editable=false
_g = torch.Generator().manual_seed(0)
_mu = torch.randn(500, 4, generator=_g) * torch.tensor([1.0, 0.01, 0.5, 0.03]) + torch.tensor([0.0, 3.0, 0.0, -2.0])
_n = active_units(_mu)
assert type(_n) is int, f"return a Python int, got {type(_n).__name__}"
assert _n == 2, (
    "dimensions 0 and 2 vary across inputs (variance 1 and 0.25); 1 and 3 hardly do (variance "
    f"1e-4 and 9e-4) even though their means are far from 0: expected 2 active, got {_n}. "
    "Take the variance over the inputs (dim=0) of each dimension")

# %% [markdown] nbgrader={"grade": false, "grade_id": "outro", "locked": true, "schema_version": 3, "solution": false, "checksum": "1d8f75defca3c79367a269d05f402fd5", "cell_type": "markdown"} deletable=false editable=false
# ## What the KL term charges for
#
# The KL term is the price of a code, in nats: it grows when the encoder places a code
# far from 0 and when it makes the code precise (small $\sigma$). The reconstruction term
# pays for precise codes with better reconstructions; the sum is the trade-off the VAE
# learns. The cell below prices a few 2-D codes with your `gaussian_kl`, then evaluates
# your loss on a binary digit with a decoder that outputs logits of 0 (a coin flip per pixel).
# Last, it counts the active latent dimensions of the lesson's trained VAE (8 dimensions,
# class-conditional) on the test digits, with your `active_units`: the label already
# says which digit it is, so the code is left to describe only the style.

# %% nbgrader={"grade": false, "grade_id": "demo", "locked": true, "schema_version": 3, "solution": false, "checksum": "0b3b14226ef2b024c2c519b9937e9b69", "cell_type": "code"} deletable=false editable=false
from genai_course.data import load_digits  # noqa: E402

for mu, sigma in [(0.0, 1.0), (2.0, 1.0), (0.0, 0.1), (2.0, 0.1)]:
    kl = gaussian_kl(torch.full((1, 2), mu), torch.full((1, 2), 2 * math.log(sigma)))
    print(f"code mean {mu:3.1f}, sigma {sigma:3.1f}: KL = {kl.item():5.2f} nats")
digit = load_digits("binary").x_train[:1]
coin_flip = negative_elbo(digit, torch.zeros_like(digit), torch.zeros(1, 2), torch.zeros(1, 2))
print(f"coin-flip decoder on a digit: loss {coin_flip.item():.2f} nats = 64 pixels x log 2")

from genai_course.pretrained import load_pretrained  # noqa: E402

vae = load_pretrained("digits-vae")
test_digits = load_digits("unit")
with torch.no_grad():
    test_mu, _ = vae.encode(test_digits.x_test, test_digits.y_test)
print(f"active latent dimensions of the lesson's VAE: {active_units(test_mu)} of {test_mu.shape[1]} "
      f"(variance of each mean over the test digits: {[round(v, 3) for v in test_mu.var(0).tolist()]})")
