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
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown] nbgrader={"grade": false, "grade_id": "intro", "locked": true, "schema_version": 3, "solution": false}
# # Exercise 01 — the GAN losses
#
# This exercise goes with [lesson 01](../lessons/01_gans.ipynb). A GAN trains two networks
# against each other with two losses, and you write both, from the discriminator's raw
# outputs (*logits*: $D(x) = \sigma(\text{logit})$, the probability that $x$ is real).
#
# 1. The **discriminator loss**: binary cross-entropy, real examples labelled 1, fakes 0.
# 2. The **non-saturating generator loss** that GANs use in practice.
# 3. The **optimal discriminator** for a fixed generator.
# 4. A **measurement** of the Nash equilibrium: does the discriminator gain anything by
#    deviating from $D = 1/2$ on its own?
#
# Write your code where it says `# YOUR CODE HERE` (delete the `raise NotImplementedError()`)
# and run the test cell below it. The grader also runs hidden tests, so make your functions
# right in general; it also puts back the original test cells, so editing them gains nothing.

# %% nbgrader={"grade": false, "grade_id": "setup", "locked": true, "schema_version": 3, "solution": false}
import math

import torch
import torch.nn.functional as F

from genai_course import seed_everything
from genai_course.grading.probes import gradients

seed_everything(0)

# %% [markdown] nbgrader={"grade": false, "grade_id": "d_loss_md", "locked": true, "schema_version": 3, "solution": false}
# ## Part 1 — the discriminator loss (3 points)
#
# The discriminator maximises $\mathbb{E}[\log D(x)] + \mathbb{E}[\log(1 - D(G(z)))]$, i.e.
# minimises
#
# $$L_D = -\frac{1}{n}\sum_i \log \sigma(r_i) \;-\; \frac{1}{m}\sum_j \log\bigl(1 - \sigma(f_j)\bigr)$$
#
# for real logits $r$ and fake logits $f$. Write `discriminator_loss(real_logits,
# fake_logits)` returning this as a scalar tensor (0-dimensional, differentiable). Work
# from the logits, not from probabilities: $\log\sigma(r)$ of a logit like $-200$ must
# not give `-inf` (hint: $-\log\sigma(t) = \operatorname{softplus}(-t)$ and
# $-\log(1-\sigma(t)) = \operatorname{softplus}(t)$; `F.softplus` is imported).

# %% nbgrader={"grade": false, "grade_id": "discriminator_loss", "locked": false, "schema_version": 3, "solution": true}
def discriminator_loss(real_logits, fake_logits):
    """Binary cross-entropy of the discriminator: real labelled 1, fake labelled 0."""
    ### BEGIN SOLUTION
    return F.softplus(-real_logits).mean() + F.softplus(fake_logits).mean()
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_discriminator_loss", "locked": true, "points": 3, "schema_version": 3, "solution": false}
_loss = discriminator_loss(torch.zeros(8), torch.zeros(8))
assert isinstance(_loss, torch.Tensor), f"return a torch.Tensor, got {type(_loss).__name__}"
assert _loss.shape == (), f"return a scalar (0-dimensional) tensor, got shape {tuple(_loss.shape)}"
assert math.isclose(_loss.item(), 2 * math.log(2), rel_tol=1e-5), (
    f"a discriminator that says 1/2 for everything has loss 2 log 2 = {2 * math.log(2):.4f}, "
    f"got {_loss.item():.4f}")
_good = discriminator_loss(torch.full((4,), 5.0), torch.full((4,), -5.0)).item()
_bad = discriminator_loss(torch.full((4,), -5.0), torch.full((4,), 5.0)).item()
assert _good < 0.02 < 5 < _bad, (
    "a discriminator that is right (real logits high, fake logits low) must have a small loss, "
    f"one that is wrong a large loss; got {_good:.4f} and {_bad:.4f}")
_extreme = discriminator_loss(torch.tensor([-200.0]), torch.tensor([200.0]))
assert torch.isfinite(_extreme), "the loss is not finite for logits of +-200: work from the logits"
### BEGIN HIDDEN TESTS
_g = torch.Generator().manual_seed(5)
_r = torch.randn(7, generator=_g) * 3
_f = torch.randn(5, generator=_g) * 3
_expected = (F.binary_cross_entropy_with_logits(_r, torch.ones(7))
             + F.binary_cross_entropy_with_logits(_f, torch.zeros(5)))
_got = discriminator_loss(_r, _f)
assert isinstance(_got, torch.Tensor) and _got.shape == (), "return a scalar tensor"
assert torch.allclose(_got.double(), _expected.double(), atol=1e-5), (
    "wrong value for 7 real and 5 fake logits: take the mean over the reals and over the "
    "fakes separately, then add")
assert math.isclose(_extreme.item(), 400.0, rel_tol=1e-4), (
    "for logits of -200 (real) and 200 (fake) the loss is about 400: compute it from the logits")
_grad_r, _grad_f = gradients(discriminator_loss, _r, _f)
assert _grad_r is not None and torch.allclose(_grad_r, -torch.sigmoid(-_r) / 7, atol=1e-6), (
    "the gradient with respect to the real logits is wrong: average over the real examples")
assert _grad_f is not None and torch.allclose(_grad_f, torch.sigmoid(_f) / 5, atol=1e-6), (
    "the gradient with respect to the fake logits is wrong: average over the fakes separately")
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "g_loss_md", "locked": true, "schema_version": 3, "solution": false}
# ## Part 2 — the non-saturating generator loss (3 points)
#
# The minimax game asks the generator to *minimise* $\mathbb{E}[\log(1 - D(G(z)))]$. Early
# in training the discriminator rejects fakes easily ($D(G(z)) \approx 0$), where that
# function is flat: the generator gets almost no gradient. Goodfellow et al. (2014)
# instead let the generator *maximise* $\log D(G(z))$, i.e. minimise
#
# $$L_G = -\frac{1}{m}\sum_j \log \sigma(f_j).$$
#
# Write `generator_loss(fake_logits)` returning it as a scalar tensor, stably.

# %% nbgrader={"grade": false, "grade_id": "generator_loss", "locked": false, "schema_version": 3, "solution": true}
def generator_loss(fake_logits):
    """Non-saturating generator loss: -mean(log D(G(z))), from the logits."""
    ### BEGIN SOLUTION
    return F.softplus(-fake_logits).mean()
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_generator_loss", "locked": true, "points": 3, "schema_version": 3, "solution": false}
_loss = generator_loss(torch.zeros(5))
assert isinstance(_loss, torch.Tensor), f"return a torch.Tensor, got {type(_loss).__name__}"
assert _loss.shape == (), f"return a scalar (0-dimensional) tensor, got shape {tuple(_loss.shape)}"
assert math.isclose(_loss.item(), math.log(2), rel_tol=1e-5), (
    f"when D says 1/2 the loss is log 2 = {math.log(2):.4f}, got {_loss.item():.4f}")
_fake = torch.full((4,), -8.0)  # the discriminator easily rejects these
_loss = generator_loss(_fake)
assert _loss.item() > 7.9, (
    f"fakes with logit -8 fool nobody: the loss should be about 8, got {_loss.item():.3f}. "
    "Is this the non-saturating loss -log D, not log(1 - D)?")
(_grad,) = gradients(generator_loss, _fake)
assert _grad is not None and _grad.abs().min() > 0.2, (
    "the gradient for confidently rejected fakes should be large (about 1/n each): "
    "that is the point of the non-saturating loss")
### BEGIN HIDDEN TESTS
_g = torch.Generator().manual_seed(11)
_f = torch.randn(9, generator=_g) * 4
_got = generator_loss(_f)
assert isinstance(_got, torch.Tensor) and _got.shape == (), "return a scalar tensor"
assert torch.allclose(_got.double(),
                      F.binary_cross_entropy_with_logits(_f, torch.ones(9)).double(), atol=1e-5), (
    "wrong value for random logits: the loss is the mean of -log sigmoid(f)")
assert math.isclose(generator_loss(torch.tensor([-300.0])).item(), 300.0, rel_tol=1e-4), (
    "not stable for a logit of -300: use softplus(-f)")
assert generator_loss(torch.tensor([50.0])).item() < 1e-6, "a fake that fools D completely costs nothing"
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "optimal_md", "locked": true, "schema_version": 3, "solution": false}
# ## Part 3 — the optimal discriminator (2 points)
#
# For a fixed generator with density $p_g$, the discriminator that maximises the value
# function is $D^*(x) = \dfrac{p_{\text{data}}(x)}{p_{\text{data}}(x) + p_g(x)}$. Write
# `optimal_discriminator(p_data, p_model)`, taking two tensors of densities (same shape,
# non-negative, not both zero anywhere) and returning $D^*$ as a tensor of that shape.
# At the Nash equilibrium, $p_g = p_{\text{data}}$: what does $D^*$ say then?

# %% nbgrader={"grade": false, "grade_id": "optimal_discriminator", "locked": false, "schema_version": 3, "solution": true}
def optimal_discriminator(p_data, p_model):
    """D*(x) = p_data / (p_data + p_model), elementwise."""
    ### BEGIN SOLUTION
    return p_data / (p_data + p_model)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_optimal_discriminator", "locked": true, "points": 2, "schema_version": 3, "solution": false}
_d = optimal_discriminator(torch.tensor([0.2, 0.0, 0.3]), torch.tensor([0.2, 0.5, 0.1]))
assert isinstance(_d, torch.Tensor), f"return a torch.Tensor, got {type(_d).__name__}"
assert _d.shape == (3,), f"expected shape (3,), got {tuple(_d.shape)}"
assert torch.allclose(_d, torch.tensor([0.5, 0.0, 0.75])), (
    f"expected [0.5, 0.0, 0.75] (equal densities give 1/2), got {_d.tolist()}")
### BEGIN HIDDEN TESTS
_pd = torch.rand(3, 4, generator=torch.Generator().manual_seed(2)) + 0.1
_pm = torch.rand(3, 4, generator=torch.Generator().manual_seed(3)) + 0.1
_d = optimal_discriminator(_pd, _pm)
assert isinstance(_d, torch.Tensor) and _d.shape == (3, 4), "keep the shape of the densities"
assert torch.allclose(_d, _pd / (_pd + _pm)), "wrong D* for random 3x4 densities"
assert torch.allclose(optimal_discriminator(_pd, _pd), torch.full((3, 4), 0.5)), (
    "at the equilibrium (equal densities) D* is 1/2 everywhere")
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "nash_md", "locked": true, "schema_version": 3, "solution": false}
# ## Part 4 — measure the equilibrium: does a deviation pay? (3 points)
#
# At a Nash equilibrium neither player gains by changing its strategy alone. Take
# densities on a grid of points spaced `dx` apart, and the value function
#
# $$V(D, G) = \sum_x \Bigl[p_{\text{data}}(x) \log D(x) + p_g(x) \log\bigl(1 - D(x)\bigr)\Bigr]\,dx .$$
#
# The generator of the equilibrium leaves the discriminator guessing, $D = 1/2$. Write
# `best_response_gain(p_data, p_model, dx)`: how much the discriminator gains (in nats, a
# Python `float`) by switching from $D = 1/2$ to its best response $D^*$ (your
# `optimal_discriminator`), i.e. $V(D^*, G) - V(\tfrac12, G)$. Assume every density is
# positive on the grid. Where the densities hardly overlap, $D^*$ rounds to exactly 1 and
# `torch.log(1 - d)` gives $-\infty$: compute $\log(1 - D^*)$ as
# $\log \frac{p_g}{p_{\text{data}} + p_g}$ instead. Then read the demo below: how large is the gain when $p_g =
# p_{\text{data}}$, and how does it grow as the generator moves away?

# %% nbgrader={"grade": false, "grade_id": "best_response_gain", "locked": false, "schema_version": 3, "solution": true}
def best_response_gain(p_data, p_model, dx):
    """V(D*, G) - V(1/2, G): what the discriminator gains by its best response."""
    ### BEGIN SOLUTION
    def value(log_d, log_one_minus_d):
        return float(((p_data * log_d + p_model * log_one_minus_d) * dx).sum())

    d_star = optimal_discriminator(p_data, p_model)
    best = value(torch.log(d_star), torch.log(p_model / (p_data + p_model)))
    half = value(torch.full_like(d_star, math.log(0.5)), torch.full_like(d_star, math.log(0.5)))
    return best - half
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_best_response_gain", "locked": true, "points": 3, "schema_version": 3, "solution": false}
def _normal(x, mean, std):
    return torch.exp(-0.5 * ((x - mean) / std) ** 2) / (std * math.sqrt(2 * math.pi))


_x = torch.linspace(-10, 10, 2001, dtype=torch.float64)
_dx = float(_x[1] - _x[0])
_same = best_response_gain(_normal(_x, 0, 1), _normal(_x, 0, 1), _dx)
assert type(_same) is float, f"return a Python float, got {type(_same).__name__}"
assert math.isclose(_same, 0.0, abs_tol=1e-9), (
    f"when p_g = p_data, D = 1/2 is already the best response: the gain must be 0, got {_same:.4g}")
_apart = best_response_gain(_normal(_x, -4, 0.5), _normal(_x, 4, 0.5), _dx)
assert math.isfinite(_apart), (
    "the gain is not finite for densities that hardly overlap: compute log(1 - D*) as "
    "log(p_g / (p_data + p_g))")
assert math.isclose(_apart, 2 * math.log(2), rel_tol=1e-3), (
    "when the two densities do not overlap, D* tells them apart perfectly and gains "
    f"2 log 2 = {2 * math.log(2):.4f} nats over D = 1/2 (natural logs; multiply by dx); got {_apart:.4f}")
_near = best_response_gain(_normal(_x, 0, 1), _normal(_x, 0.5, 1), _dx)
assert 0 < _near < _apart, f"a small shift of the generator must give a small positive gain, got {_near:.4f}"
### BEGIN HIDDEN TESTS
def _reference_gain(p, q, dx):
    m = (p + q) / 2
    return float(((p * torch.log(p / m) + q * torch.log(q / m)) * dx).sum())  # 2 JSD


for _mean, _std, _n in ((0.5, 1.0, 2001), (2.0, 1.0, 401), (0.0, 2.0, 801), (1.0, 0.5, 4001)):
    _xs = torch.linspace(-10, 10, _n, dtype=torch.float64)
    _d = float(_xs[1] - _xs[0])
    _p, _q = _normal(_xs, 0, 1), _normal(_xs, _mean, _std)
    _got = best_response_gain(_p, _q, _d)
    assert type(_got) is float and math.isclose(_got, _reference_gain(_p, _q, _d), rel_tol=1e-6, abs_tol=1e-9), (
        "wrong gain for a generator that differs from the data in mean or spread, on another "
        "grid spacing: V sums p log D + p_g log(1 - D) times dx")
_p32, _q32 = _normal(_x, 0, 1).float(), _normal(_x, 1, 1).float()
assert math.isclose(best_response_gain(_p32, _q32, _dx), _reference_gain(_p32.double(), _q32.double(), _dx),
                    rel_tol=1e-3), "float32 densities must give the same gain"
### END HIDDEN TESTS
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "outro", "locked": true, "schema_version": 3, "solution": false}
# ## The equilibrium, measured; and why the generator needs the non-saturating loss
#
# The first lines below move a generator $\mathcal N(\theta, 1)$ away from the data
# $\mathcal N(0, 1)$ and measure, with your `best_response_gain`, what the discriminator
# gains by deviating from $D = 1/2$: nothing at $\theta = 0$ (the equilibrium), more and
# more as $\theta$ grows, up to $2\log 2$ (this gain is twice the Jensen-Shannon
# divergence, Goodfellow et al. 2014).
#
# The rest of the cell compares the gradient each generator loss gives for a fake that the
# discriminator rejects with confidence $D = \sigma(-6) \approx 0.0025$: the minimax loss
# $\log(1 - D)$ barely moves, yours pushes hard.

# %% nbgrader={"grade": false, "grade_id": "demo", "locked": true, "schema_version": 3, "solution": false}
for theta in (0.0, 0.5, 1.0, 2.0, 4.0):
    gain = best_response_gain(_normal(_x, 0, 1), _normal(_x, theta, 1), _dx)
    print(f"generator mean {theta:3.1f}: the discriminator gains {gain:.4f} nats by deviating")
_logit = torch.tensor([-6.0], requires_grad=True)
torch.log1p(-torch.sigmoid(_logit)).mean().backward()
minimax_grad = _logit.grad.abs().item()
_logit.grad = None
generator_loss(_logit).backward()
print(f"gradient size: minimax {minimax_grad:.4f}, non-saturating {_logit.grad.abs().item():.4f}")
