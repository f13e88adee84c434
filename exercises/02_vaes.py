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

# %% [markdown] nbgrader={"grade": false, "grade_id": "intro", "locked": true, "schema_version": 3, "solution": false, "checksum": "5d770db6952432abd49a1778d32308a8", "cell_type": "markdown"} deletable=false editable=false
# # Exercise 02 — the heart of a VAE: reparameterisation and the KL term
#
# This exercise goes with [lesson 02](../lessons/02_vaes.ipynb). A VAE's encoder outputs,
# for each input, the mean $\mu$ and the log-variance $\log\sigma^2$ of a Gaussian over
# the latent code. You write the three lines that make it trainable:
#
# 1. the **reparameterisation** $z = \mu + \sigma \odot \varepsilon$;
# 2. the **KL divergence** of $\mathcal N(\mu, \operatorname{diag}\sigma^2)$ from the prior $\mathcal N(0, I)$;
# 3. the **negative ELBO** = reconstruction loss + KL, the loss the VAE minimises.
#
# Write your code where it says `# YOUR CODE HERE` (delete the `raise NotImplementedError()`)
# and run the test cell below it. The grader also runs hidden tests, and puts back the
# original test cells, so make your functions right in general.

# %% nbgrader={"grade": false, "grade_id": "setup", "locked": true, "schema_version": 3, "solution": false, "checksum": "cd3e12c7fac23cd2991e79c6142f7c12", "cell_type": "code"} deletable=false editable=false
import math

import torch
import torch.nn.functional as F

from genai_course import seed_everything

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


# %% nbgrader={"grade": true, "grade_id": "test_reparameterize", "locked": true, "points": 3, "schema_version": 3, "solution": false, "checksum": "910032e01e2748ce0279455a68eaf9c7", "cell_type": "code"} deletable=false editable=false
_mu = torch.tensor([[0.0, 1.0], [2.0, -1.0]])
_logvar = torch.tensor([[0.0, math.log(4.0)], [math.log(0.25), 0.0]])
_eps = torch.tensor([[1.0, 1.0], [2.0, -3.0]])
_z = reparameterize(_mu, _logvar, _eps)
assert isinstance(_z, torch.Tensor), f"return a torch.Tensor, got {type(_z).__name__}"
assert _z.shape == (2, 2), f"expected shape (2, 2), got {tuple(_z.shape)}"
assert torch.allclose(_z, torch.tensor([[1.0, 3.0], [3.0, -4.0]])), (
    f"expected mu + sigma * eps = [[1, 3], [3, -4]] (sigma = exp(logvar / 2)), got {_z.tolist()}")
_mu_g = _mu.clone().requires_grad_()
_lv_g = _logvar.clone().requires_grad_()
reparameterize(_mu_g, _lv_g).sum().backward()
assert _mu_g.grad is not None and _lv_g.grad is not None, (
    "gradients must flow back to mu and logvar: build z from them with torch operations")


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


# %% nbgrader={"grade": true, "grade_id": "test_negative_elbo", "locked": true, "points": 2, "schema_version": 3, "solution": false, "checksum": "426a2bb8d2a7dacd317d6a8833071eea", "cell_type": "code"} deletable=false editable=false
_x = torch.tensor([[[1.0, 0.0], [0.0, 1.0]]])  # one 2x2 binary image
_loss = negative_elbo(_x, torch.zeros(1, 2, 2), torch.zeros(1, 3), torch.zeros(1, 3))
assert isinstance(_loss, torch.Tensor) and _loss.shape == (), (
    f"return a scalar tensor, got {type(_loss).__name__} of shape {tuple(getattr(_loss, 'shape', ()))}")
assert math.isclose(_loss.item(), 4 * math.log(2), rel_tol=1e-5), (
    f"logits 0 give probability 1/2 for 4 pixels: BCE summed = 4 log 2 = {4 * math.log(2):.4f} "
    f"and KL = 0, got {_loss.item():.4f}")

# %% [markdown] nbgrader={"grade": false, "grade_id": "outro", "locked": true, "schema_version": 3, "solution": false, "checksum": "68b6279a2ff228ef7e684faa43d1e5af", "cell_type": "markdown"} deletable=false editable=false
# ## What the KL term charges for
#
# The KL term is the price of a code, in nats: it grows when the encoder places a code
# far from 0 and when it makes the code precise (small $\sigma$). The reconstruction term
# pays for precise codes with better reconstructions; the sum is the trade-off the VAE
# learns. The cell below prices a few 2-D codes with your `gaussian_kl`, then evaluates
# your loss on a binary digit with a decoder that outputs logits of 0 (a coin flip per pixel).

# %% nbgrader={"grade": false, "grade_id": "demo", "locked": true, "schema_version": 3, "solution": false, "checksum": "ac4deb8042de0019aa617c8a5c8fddd4", "cell_type": "code"} deletable=false editable=false
from genai_course.data import load_digits  # noqa: E402

for mu, sigma in [(0.0, 1.0), (2.0, 1.0), (0.0, 0.1), (2.0, 0.1)]:
    kl = gaussian_kl(torch.full((1, 2), mu), torch.full((1, 2), 2 * math.log(sigma)))
    print(f"code mean {mu:3.1f}, sigma {sigma:3.1f}: KL = {kl.item():5.2f} nats")
digit = load_digits("binary").x_train[:1]
coin_flip = negative_elbo(digit, torch.zeros_like(digit), torch.zeros(1, 2), torch.zeros(1, 2))
print(f"coin-flip decoder on a digit: loss {coin_flip.item():.2f} nats = 64 pixels x log 2")
