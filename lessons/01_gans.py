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

# %% [markdown] slideshow={"slide_type": "slide"}
# # Lesson 01 — Generative Adversarial Networks
#
# A GAN (Goodfellow et al., 2014) learns to generate without ever writing down a density.
# Two networks play a game: a **generator** turns random noise into fake examples, and a
# **discriminator** tries to tell fakes from real examples. Each improves against the
# other until the fakes are hard to tell apart from the real thing.
#
# **By the end of this lesson you will be able to**
# - write the minimax value function and say what the best discriminator is;
# - write the adversarial training loop: one update for each player;
# - explain why gradient steps on a game can circle its equilibrium instead of reaching it;
# - recognise mode collapse on a ring of Gaussians, measure it and explain it;
# - train a GAN on digits with a live training monitor and interpolate in its latent space.

# %% slideshow={"slide_type": "skip"}
import copy
import math

import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn.functional as F
from IPython.display import display

from genai_course import fit, seed_everything
from genai_course.data import load_digits, load_toy2d
from genai_course.metrics.images import classify_digits, default_classifier, to_unit_scale
from genai_course.models import GAN
from genai_course.plotting import image_grid, plot_history, scatter_compare
from genai_course.pretrained import load_pretrained
from genai_course.teaching import expect
from genai_course.widgets.latent import LatentInterpolator
from genai_course.widgets.monitor import TrainingMonitor

seed_everything(0);  # one call fixes every random draw below: same numbers on every run

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The two players
#
# Our first data: 2,000 points on a **ring of 8 Gaussians** (radius 1.5, each blob narrow).
#
# - The **generator** $G$ is a small neural network from a noise vector $z \sim \mathcal{N}(0, I)$
#   (8 numbers) to a point $G(z)$ in the plane.
# - The **discriminator** $D$ is a small network from a point $x$ to a number $D(x) \in (0, 1)$:
#   its belief that $x$ is real. It outputs a *logit* $l(x)$ and $D(x) = \sigma(l(x))$.

# %% slideshow={"slide_type": "subslide"}
ring = load_toy2d("ring", n_train=2000, n_test=500)
gan = GAN(latent_dim=8, hidden=128)
print(gan)
device = next(gan.parameters()).device     # every tensor we make follows the model's device
with torch.no_grad():
    untrained = gan.generator(torch.randn(500, 8, device=device))
scatter_compare(ring.train, untrained, title="Ring data and an untrained generator's points",
                generated_label="G(z), untrained");

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The minimax game and its value function
#
# $D$ and $G$ play for the value
#
# $$V(D, G) = \mathbb{E}_{x \sim p_\text{data}}\big[\log D(x)\big] + \mathbb{E}_{z \sim \mathcal{N}(0, I)}\big[\log\big(1 - D(G(z))\big)\big],
# \qquad \min_G \max_D V(D, G).$$
#
# $D$ wants $V$ high: $D(x)$ near 1 on real points, near 0 on fakes. $G$ wants $V$ low: its
# fakes should get $D(G(z))$ near 1. ($-V$ is the binary cross-entropy of a real-vs-fake
# classifier, so $D$ is trained as an ordinary classifier.)
#
# **The best discriminator.** For a fixed generator whose samples have density $p_g$, the
# $D$ that maximises $V$ is, point by point (Goodfellow et al. 2014, Proposition 1),
#
# $$D^*(x) = \frac{p_\text{data}(x)}{p_\text{data}(x) + p_g(x)},$$
#
# and plugging it in gives (Theorem 1)
#
# $$V(D^*, G) = -\log 4 + 2\,\mathrm{JSD}(p_\text{data} \,\|\, p_g),$$
#
# where JSD is the Jensen–Shannon divergence, which is 0 only when $p_g = p_\text{data}$. So
# against a perfect discriminator, the generator minimises a distance between its
# distribution and the data's, and the best it can do is $p_g = p_\text{data}$, where
# $D^* = \tfrac12$ everywhere and $V = -\log 4$.

# %% [markdown] slideshow={"slide_type": "subslide"}
# Check it numerically in one dimension, with the data $\mathcal{N}(0, 1)$ and a generator
# whose samples follow $\mathcal{N}(\mu_g, 0.7^2)$, integrating on a fine grid:

# %% slideshow={"slide_type": "fragment"}
xs = np.linspace(-10, 10, 200_001)
dx = xs[1] - xs[0]
normal = lambda x, m, s: np.exp(-0.5 * ((x - m) / s) ** 2) / (s * np.sqrt(2 * np.pi))  # noqa: E731


def kl(p, q):
    return np.sum(p * np.log(p / q)) * dx


p_data = normal(xs, 0.0, 1.0)
print(f"{'mu_g':>5}{'V(D*, G)':>10}{'-log 4 + 2 JSD':>16}")
for mu_g in (3.0, 1.5, 0.5, 0.0):
    p_g = normal(xs, mu_g, 0.7 if mu_g else 1.0)          # the last one matches the data exactly
    d_star = p_data / (p_data + p_g)                       # the optimal discriminator
    one_minus_d_star = p_g / (p_data + p_g)                # written so, it never rounds to 0
    value = np.sum(p_data * np.log(d_star) + p_g * np.log(one_minus_d_star)) * dx
    m = (p_data + p_g) / 2
    jsd = 0.5 * kl(p_data, m) + 0.5 * kl(p_g, m)
    print(f"{mu_g:>5}{value:>10.4f}{-np.log(4) + 2 * jsd:>16.4f}")
    expect(abs(value - (-np.log(4) + 2 * jsd)) < 1e-6, "V(D*, G) = -log 4 + 2 JSD",
           observed=f"{value:.6f} against {-np.log(4) + 2 * jsd:.6f} at mu_g = {mu_g}",
           why="the grid must be wide and fine enough for the integrals; did you change it?")
print(f"-log 4 = {-np.log(4):.4f}: reached only when the generator matches the data")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Two generator losses
#
# As written, $G$ minimises $\log(1 - D(G(z)))$. The discriminator computes $D = \sigma(l)$
# from a logit $l$, and the generator's gradient reaches its weights *through that logit*:
# $\frac{\partial}{\partial l}\log(1 - \sigma(l)) = -\sigma(l)$. Early in training $D$ spots fakes
# easily: $l$ is very negative, $\sigma(l) \approx 0$, and so is the gradient. The loss
# **saturates** (as a function of $D$ it has slope −1 there; it is the sigmoid that flattens
# it). The paper's fix, used almost everywhere: let $G$ *maximise* $\log D(G(z))$ instead,
# the **non-saturating** loss, whose gradient $-(1 - \sigma(l))$ is about −1 exactly where
# the generator is bad.

# %% slideshow={"slide_type": "fragment"}
logit = np.linspace(-8, 8, 500)
sigmoid = 1 / (1 + np.exp(-logit))
fig, ax = plt.subplots(figsize=(6.5, 3.5))
ax.plot(logit, sigmoid, label=r"minimax $\log(1 - D)$: $|\partial/\partial l| = \sigma(l)$")
ax.plot(logit, 1 - sigmoid, label=r"non-saturating $-\log D$: $|\partial/\partial l| = 1 - \sigma(l)$")
ax.axvspan(-8, np.log(0.1 / 0.9), color="grey", alpha=0.2, label="early training: D(G(z)) < 0.1")
ax.set_xlabel("l: the discriminator's logit for a fake (D = σ(l))")
ax.set_ylabel("|gradient of the generator loss wrt l|")
ax.set_title("The minimax loss's gradient vanishes where D rejects the fakes")
ax.legend(fontsize=8)
print(f"at D(G(z)) = 0.01: minimax gradient {0.01:.2f}, non-saturating {0.99:.2f} (per unit of logit)")

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Same fixed point, not the same goal.** Both losses push $D(G(z))$ up, and both are
# stationary where $p_g = p_\text{data}$ and $D = \tfrac12$. But they are not the same
# objective. Against the optimal discriminator, the minimax generator minimises the
# Jensen–Shannon divergence (above); the non-saturating generator's expected gradient is
# the gradient of $\mathrm{KL}(p_g \,\|\, p_\text{data}) - 2\,\mathrm{JSD}(p_g \,\|\, p_\text{data})$
# (Arjovsky & Bottou 2017, Theorem 2.5). The **reverse KL**
# $\mathrm{KL}(p_g \,\|\, p_\text{data}) = \mathbb{E}_{p_g}[\log p_g / p_\text{data}]$ is **mode-seeking**: it
# punishes fakes where there is no data enormously, and barely punishes leaving a mode of the
# data empty (where $p_g \approx 0$ the integrand vanishes). The $-2\,\mathrm{JSD}$ term even
# rewards moving *away* from the data. A generator that puts all its samples on a few
# modes is cheap under this objective: one reason why **mode collapse** (below) is so
# common with the non-saturating loss.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The adversarial training loop, written out
#
# Each step: a mini-batch of real points and a batch of fakes; **one update of $D$** (ascend
# $V$, i.e. descend the cross-entropy $-V$), then **one update of $G$** against the updated $D$.
# `fake.detach()` keeps the $D$ step from changing $G$. We use $\log \sigma(l) =$ `logsigmoid(l)`
# and $\log(1 - \sigma(l)) =$ `logsigmoid(-l)`, which never take the log of 0. Adam with
# $\beta_1 = 0.5$ is the usual choice for GANs (Radford et al. 2016).

# %% slideshow={"slide_type": "subslide"}
opt_d = torch.optim.Adam(gan.discriminator.parameters(), lr=1e-3, betas=(0.5, 0.999))
opt_g = torch.optim.Adam(gan.generator.parameters(), lr=1e-3, betas=(0.5, 0.999))
batches = torch.Generator().manual_seed(0)
log = {"d_loss": [], "g_loss": [], "D(real)": [], "D(fake)": []}

for _ in range(2000):
    real = ring.train[torch.randint(len(ring.train), (128,), generator=batches)].to(device)
    fake = gan.generator(torch.randn(128, 8, device=device))

    # 1. discriminator: maximise E[log D(x)] + E[log(1 - D(G(z)))]
    real_logit, fake_logit = gan.discriminator(real), gan.discriminator(fake.detach())
    d_loss = -(F.logsigmoid(real_logit).mean() + F.logsigmoid(-fake_logit).mean())
    opt_d.zero_grad()
    d_loss.backward()
    opt_d.step()

    # 2. generator (non-saturating): maximise E[log D(G(z))] against the updated D
    g_loss = -F.logsigmoid(gan.discriminator(fake)).mean()
    opt_g.zero_grad()
    g_loss.backward()
    opt_g.step()

    log["d_loss"].append(d_loss.item())
    log["g_loss"].append(g_loss.item())
    log["D(real)"].append(torch.sigmoid(real_logit).mean().item())
    log["D(fake)"].append(torch.sigmoid(fake_logit).mean().item())

# %% slideshow={"slide_type": "subslide"}
fig, axes = plt.subplots(1, 2, figsize=(11, 4))
smooth = lambda v: np.convolve(v, np.ones(25) / 25, mode="valid")  # noqa: E731
for name, colour in (("d_loss", "tab:blue"), ("g_loss", "tab:orange")):
    axes[0].plot(smooth(log[name]), label=name, color=colour)
axes[0].axhline(np.log(4), color="tab:blue", ls="--", label="d_loss at equilibrium: log 4")
axes[0].axhline(np.log(2), color="tab:orange", ls="--", label="g_loss at equilibrium: log 2")
axes[0].set(xlabel="training step", ylabel="loss (mean of 25 steps)", title="Neither player wins")
axes[0].legend(fontsize=8)
with torch.no_grad():
    samples = gan.sample(1000, generator=torch.Generator().manual_seed(1))
scatter_compare(ring.train, samples, ax=axes[1], title="After 2,000 steps: samples on the ring")
print(f"last 100 steps: mean D(real) = {np.mean(log['D(real)'][-100:]):.2f}, "
      f"mean D(fake) = {np.mean(log['D(fake)'][-100:]):.2f}  (1/2 and 1/2 at the equilibrium)")

# %% [markdown]
# At the equilibrium $D = \tfrac12$ everywhere: the discriminator's loss would be
# $-V = \log 4 \approx 1.39$ and the generator's $-\log\tfrac12 = \log 2 \approx 0.69$ (dashed lines).
# Our players hover between that and a discriminator that wins outright (loss 0): $D$ still
# tells real from fake a little better than chance. Unlike every loss so far, a GAN's
# losses do not fall steadily: the generator's loss even *rises* while its samples get
# better, because it faces an ever better discriminator. Judge a GAN by its samples, not
# by its loss curves.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The Nash equilibrium, and why gradient steps circle it
#
# The end point of the game is a **Nash equilibrium**: neither player can improve by
# changing only its own strategy. For $\min_G\max_D V$ it is $p_g = p_\text{data}$, $D = \tfrac12$.
# Gradient descent is built to find minima, not equilibria. The smallest game shows why:
#
# $$\min_x \max_y \; f(x, y) = x\,y.$$
#
# The equilibrium is $(0, 0)$: there, neither can gain by moving alone. The gradient steps
# are $x \leftarrow x - \eta\, y$ (descend) and $y \leftarrow y + \eta\, x$ (ascend).

# %% slideshow={"slide_type": "subslide"}
eta = 0.1
simultaneous, alternating = [(1.0, 1.0)], [(1.0, 1.0)]
for _ in range(150):
    x, y = simultaneous[-1]
    simultaneous.append((x - eta * y, y + eta * x))   # both move using the old position
    x, y = alternating[-1]
    x = x - eta * y                                   # x moves first ...
    alternating.append((x, y + eta * x))              # ... then y answers the new x (like our loop)
simultaneous, alternating = np.array(simultaneous), np.array(alternating)

fig, ax = plt.subplots(figsize=(5.5, 5.5))
ax.plot(*simultaneous.T, lw=1, label="simultaneous steps: spiral outwards")
ax.plot(*alternating.T, lw=1, label="alternating steps: circle for ever")
ax.plot(1, 1, "ko", label="start (1, 1)")
ax.plot(0, 0, "r*", ms=12, label="equilibrium (0, 0)")
ax.set_aspect("equal")
ax.set(xlabel="x (minimises xy)", ylabel="y (maximises xy)",
       title="Gradient steps on min_x max_y xy, η = 0.1")
ax.legend(fontsize=8, loc="lower left")
print(f"distance from the equilibrium after 150 steps: simultaneous "
      f"{np.hypot(*simultaneous[-1]):.2f}, alternating {np.hypot(*alternating[-1]):.2f} "
      f"(start {np.hypot(1, 1):.2f})")

# %% [markdown]
# Each player follows its own gradient, which is always at right angles to the direction
# of the equilibrium: the pair rotates around it. With simultaneous steps the radius grows
# by a factor $\sqrt{1 + \eta^2}$ every step; with alternating steps it stays on a closed
# orbit. Neither converges. GAN training is this game in millions of dimensions, which is
# why GAN losses oscillate and why small learning rates and Adam's momentum settings matter.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Is our ring GAN at the equilibrium? Measure it
#
# At a Nash equilibrium *no unilateral deviation pays*. We can test that for the
# discriminator: freeze the generator trained above and let $D$ alone train 500 more
# steps. If the pair were at the equilibrium ($p_g = p_\text{data}$), no $D$ could raise
# $V$ above $-\log 4$. We estimate $V$ on the 500 **held-out** ring points (not the training
# points, which $D$ may have memorised) and 2,000 fresh fakes. Since
# $V(D, G) \le V(D^*, G) = -\log 4 + 2\,\mathrm{JSD}$ for every $D$, any measured $V$ also gives a
# lower bound on how far the generator is from the data: $\mathrm{JSD} \ge (V + \log 4)/2$.
# (The bound on $V$ holds in expectation; our estimate from 2,500 points has some noise.)

# %% slideshow={"slide_type": "subslide"}
@torch.no_grad()
def value_estimate(discriminator, generator, real, n_fake=2000, seed=0):
    """V(D, G) = E[log D(x)] + E[log(1 - D(G(z)))], estimated on the given real points."""
    g = torch.Generator(device=real.device).manual_seed(seed)
    fake = generator(torch.randn(n_fake, 8, generator=g, device=real.device))
    return (F.logsigmoid(discriminator(real)).mean() + F.logsigmoid(-discriminator(fake)).mean()).item()

# %% slideshow={"slide_type": "subslide"}
held_out, ring_train = ring.test.to(device), ring.train.to(device)
challenger = copy.deepcopy(gan.discriminator)      # the same D, free to deviate alone
opt_c = torch.optim.Adam(challenger.parameters(), lr=1e-3, betas=(0.5, 0.999))
own_draws = torch.Generator(device=device).manual_seed(6)   # its own random numbers
deviation = [value_estimate(challenger, gan.generator, held_out)]
for step in range(1, 501):
    real = ring_train[torch.randint(len(ring_train), (128,), generator=own_draws, device=device)]
    with torch.no_grad():
        fake = gan.generator(torch.randn(128, 8, generator=own_draws, device=device))  # G is frozen
    loss = -(F.logsigmoid(challenger(real)).mean() + F.logsigmoid(-challenger(fake)).mean())
    opt_c.zero_grad()
    loss.backward()
    opt_c.step()
    if step % 100 == 0:
        deviation.append(value_estimate(challenger, gan.generator, held_out))
print("held-out V(D, G) every 100 steps of D alone:", [round(v, 3) for v in deviation],
      f"(-log 4 = {-np.log(4):.3f})")
print(f"gain from D's deviation: {deviation[-1] - deviation[0]:+.3f}; "
      f"so JSD(p_data, p_g) >= {max(deviation[-1] + np.log(4), 0) / 2:.3f} nats (0 at the equilibrium)")
expect(deviation[-1] > -np.log(4), "the discriminator can beat chance: our GAN is not at the equilibrium",
       observed=f"held-out V = {deviation[-1]:.3f} against -log 4 = {-np.log(4):.3f}");

# %% [markdown] slideshow={"slide_type": "subslide"}
# And where does $D$ disagree with chance? Beside the trained discriminator's $D(x)$ we draw
# the best possible one, $D^*(x) = p_\text{data}(x) / (p_\text{data}(x) + p_g(x))$: $p_\text{data}$ is known
# (8 Gaussians of width 0.05 on a circle of radius 1.5), and $p_g$ we estimate from 20,000
# generator samples with a Gaussian kernel density of width 0.05. At the equilibrium both
# maps would be 0.5 everywhere the data live.

# %% slideshow={"slide_type": "fragment"}
axis = torch.linspace(-2, 2, 81, device=device)
grid = torch.stack(torch.meshgrid(axis, axis, indexing="xy"), dim=-1).reshape(-1, 2)
ring_centres = 1.5 * torch.stack([torch.cos(torch.arange(8, device=device) * math.pi / 4),
                                  torch.sin(torch.arange(8, device=device) * math.pi / 4)], dim=1)


def gaussian_density(points, centres, width):
    """The mean of isotropic 2D Gaussians of the given width at `centres`, at each point."""
    parts = []
    for chunk in points.split(512):                # 512 grid points at a time: little memory
        sq = torch.cdist(chunk, centres) ** 2
        parts.append(torch.exp(-0.5 * sq / width**2).mean(dim=1) / (2 * math.pi * width**2))
    return torch.cat(parts)


with torch.no_grad():
    fakes = gan.generator(torch.randn(20_000, 8, device=device,
                                      generator=torch.Generator(device=device).manual_seed(4)))
    p_data_grid = gaussian_density(grid, ring_centres, 0.05)
    p_g_grid = gaussian_density(grid, fakes, 0.05)
    d_star = p_data_grid / (p_data_grid + p_g_grid + 1e-12)
    d_trained = torch.sigmoid(gan.discriminator(grid)).squeeze(-1)

# %% slideshow={"slide_type": "subslide"}
fig, axes = plt.subplots(1, 2, figsize=(11, 4.6), layout="constrained")
for ax, values, name in [(axes[0], d_trained, "trained D(x)"), (axes[1], d_star, "best D*(x), estimated")]:
    image = ax.imshow(values.reshape(81, 81).cpu(), origin="lower", extent=(-2, 2, -2, 2),
                      vmin=0, vmax=1, cmap="coolwarm")
    ax.scatter(*ring_centres.cpu().T, marker="x", color="black", label="data modes")
    ax.set(xlabel="x₁", ylabel="x₂", title=f"{name}: 0.5 = cannot tell")
    ax.legend(loc="upper right", fontsize=8)
fig.colorbar(image, ax=axes, label="belief that x is real")
near_data = p_data_grid > 0.1 * p_data_grid.max()
print(f"where the data live: D* ranges {d_star[near_data].min():.2f}-{d_star[near_data].max():.2f}, "
      f"trained D {d_trained[near_data].min():.2f}-{d_trained[near_data].max():.2f} (0.50 at the equilibrium)")

# %% [markdown] slideshow={"slide_type": "subslide"}
# The generator is close to the data but not on it: a discriminator trained further finds
# a real edge, and $D^*$ shows where. Values above 0.5 mark places the generator
# under-fills (too few fakes), values below 0.5 places it over-fills or puts fakes between
# the modes. The Nash equilibrium is the end point of the theory; a trained GAN sits
# somewhere near it, and *how* near is something we can measure.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Mode collapse
#
# The ring has 8 modes. A generator can fool a discriminator with samples from just
# *one* of them, if the discriminator cannot see that the others are missing. We count
# how many modes a generator covers: a mode counts when at least 1% of 1,000 samples (a
# twelfth of its fair share) fall within 0.25 of its centre (five standard deviations of a blob).

# %% slideshow={"slide_type": "subslide"}
angles = torch.arange(8) * 2 * math.pi / 8
centres = 1.5 * torch.stack([angles.cos(), angles.sin()], dim=1)


def modes_covered(samples: torch.Tensor) -> tuple[int, float]:
    """(modes with at least 1% of samples nearby, fraction of samples near any mode)."""
    distance = torch.cdist(samples, centres)
    near = distance.min(dim=1).values < 0.25
    counts = torch.bincount(distance.argmin(dim=1)[near], minlength=8)
    return int((counts >= 0.01 * len(samples)).sum()), near.float().mean().item()


covered, fraction = modes_covered(samples)
print(f"the GAN trained above: {covered} of 8 modes covered, {fraction:.0%} of samples near a mode")
nearest = torch.cdist(samples, centres).argmin(dim=1)
print("share of samples nearest to each mode (%):",
      [round(100 * v, 1) for v in (torch.bincount(nearest, minlength=8) / len(samples)).tolist()])

# %% [markdown] slideshow={"slide_type": "subslide"}
# Now make the generator over-eager: **5 generator updates per discriminator update**. We
# train with the same loop, and draw its samples every 100 steps.

# %% slideshow={"slide_type": "fragment"}
eager = GAN(latent_dim=8, hidden=128)
opt_d, opt_g = eager.make_optimizers(lr=1e-3)
snapshots = []
for step in range(1, 601):
    real = ring.train[torch.randint(len(ring.train), (128,), generator=batches)].to(device)
    fake = eager.generator(torch.randn(128, 8, device=device))
    d_loss = -(F.logsigmoid(eager.discriminator(real)).mean()
               + F.logsigmoid(-eager.discriminator(fake.detach())).mean())
    opt_d.zero_grad()
    d_loss.backward()
    opt_d.step()
    for _ in range(5):                                  # the generator gets 5 turns
        g_loss = -F.logsigmoid(eager.discriminator(eager.generator(torch.randn(128, 8, device=device)))).mean()
        opt_g.zero_grad()
        g_loss.backward()
        opt_g.step()
    if step % 100 == 0:
        snapshots.append((step, eager.sample(1000, generator=torch.Generator().manual_seed(1))))

# %% slideshow={"slide_type": "subslide"}
fig, axes = plt.subplots(1, 6, figsize=(16, 3))
for ax, (step, points) in zip(axes, snapshots, strict=True):
    covered, _ = modes_covered(points)
    scatter_compare(ring.train, points, ax=ax, title=f"step {step}: {covered} of 8 modes")
    ax.get_legend().remove()
fig.suptitle("An over-eager generator collapses into one small region at a time, and hops", y=1.05)
eager_modes = [modes_covered(points)[0] for _, points in snapshots]
print("modes covered every 100 steps:", eager_modes)
expect(max(eager_modes) <= 2, "the over-eager generator never covers more than 2 of the 8 modes",
       observed=f"modes covered every 100 steps: {eager_modes}",
       why="the generator-to-discriminator step ratio (5:1) is what makes it collapse; "
           "with fewer generator turns it spreads out");

# %% [markdown]
# **Why it happens.** Against a *fixed* discriminator, the generator's best move is to send
# every $z$ to the single point that $D$ currently finds most real: one mode, or even one
# point. The discriminator then learns that this point is fake, and the generator jumps to
# the next favourite. Goodfellow (2016, "NIPS 2016 Tutorial: Generative Adversarial
# Networks") explains it as the difference between $\min_G \max_D V$ (what we want: $D$
# answers every $G$) and $\max_D \min_G V$ (what many generator steps per $D$ step
# approximate: $G$ answers a fixed $D$, with a collapsed distribution). Gradient training
# does not tell the two orders apart; keeping the players balanced (one step each, as in
# the loop above) spread the samples over the ring instead. Real GANs also collapse partially, covering some classes of
# digits or faces and missing others, which is why we **measure coverage**.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Digits, with a live training monitor
#
# Same game, 8×8 digits in [−1, 1] (the generator ends in $\tanh$). Generator and
# discriminator have two hidden layers of 256 units; the noise has 32 dimensions; the
# discriminator uses dropout (it is less certain, so the generator gets steadier
# gradients). Now `fit` runs the loop, calling the model's `train_step`, the same two
# updates as above. The **monitor** redraws the players' losses and a grid of samples every
# 250 steps (in JupyterLab you watch the digits appear; the widget keeps every logged value).

# %% slideshow={"slide_type": "subslide"}
digits = load_digits("symmetric")
digit_gan = GAN(data_shape=(8, 8), latent_dim=32, hidden=256, output="tanh", dropout=0.3)
fixed_noise = torch.Generator().manual_seed(0)
monitor = TrainingMonitor(every=250, names=["d_loss", "g_loss"], title="Digits GAN",
                          sample_fn=lambda model: model.sample(30, generator=fixed_noise.manual_seed(0)))
display(monitor.widget)
digit_history = fit(digit_gan, digits.x_train, steps=2000, batch_size=128, lr=1e-3,
                    callbacks=[monitor], description="training the digits GAN")
print(f"the monitor recorded {len(monitor.history)} steps and redrew {monitor.refreshes} times")

# %% slideshow={"slide_type": "subslide"}
fig, axes = plt.subplots(1, 2, figsize=(12, 3.8))
plot_history(digit_history, ["d_real", "d_fake"], ax=axes[0], smooth=50, ylabel="mean D(x)",
             title="D(real) and D(fake) approach each other")
image_grid(digit_gan.sample(40, generator=torch.Generator().manual_seed(1)), nrow=10, ax=axes[1],
           vmin=-1, vmax=1, title="GAN samples after 2,000 steps");

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Did it collapse? Class coverage
#
# An unconditional GAN is never told about classes. We ask the course's digits classifier
# (`digits-classifier`, shipped with the package; its test accuracy is printed below from its
# metadata) which digit each of 1,000 samples shows. A classifier names *some* digit for any
# blob, so counting its guesses can hardly fail; we count a sample only when the classifier
# gives its class a probability of at least 0.9, and report how many samples pass.
# Mode collapse would leave some classes (nearly) empty.

# %% slideshow={"slide_type": "fragment"}
samples = digit_gan.sample(1000, generator=torch.Generator().manual_seed(2))
classifier = default_classifier()
print(f"digits-classifier: test accuracy {classifier.pretrained_metadata['metrics']['test_accuracy']:.1%} "
      "on real digits (from its metadata)")
with torch.no_grad():
    probs = classifier(to_unit_scale(samples, "symmetric")).softmax(dim=1)
confidence, seen = probs.max(dim=1)
confident = confidence >= 0.9
gan_coverage = torch.bincount(seen[confident], minlength=10) / len(samples)

# %% slideshow={"slide_type": "subslide"}
fig, ax = plt.subplots(figsize=(6.5, 3.2))
ax.bar(range(10), 100 * gan_coverage.numpy(), label="GAN samples, classified with p >= 0.9")
ax.axhline(10 * confident.float().mean().item(), color="grey", ls="--",
           label="an even mix of the confident samples")
ax.set(xlabel="digit the classifier sees", ylabel="% of 1,000 samples", xticks=range(10),
       title="Class coverage of the digits GAN (confident samples only)")
ax.legend(fontsize=8)
print(f"{confident.float().mean().item():.0%} of samples classified with p >= 0.9; share of each "
      "class among all samples (%):", [round(100 * v, 1) for v in gan_coverage.tolist()])
expect(gan_coverage.min() > 0.03, "every digit appears in at least 3% of the samples, confidently "
       "classified: no class has collapsed away",
       observed=f"smallest class share {gan_coverage.min().item():.1%}",
       why="a shorter run, a different step ratio or learning rate can make a GAN drop classes");

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Walking through the latent space
#
# The generator is a smooth function of $z$. Decoding points on the straight line between
# two noise vectors, $G\big((1 - t) z_0 + t z_1\big)$, morphs one digit into another: evidence
# that $G$ learned a continuous map, not a lookup table of training images.

# %% slideshow={"slide_type": "subslide"}
g = torch.Generator().manual_seed(5)
rows = [digit_gan.interpolate(digit_gan.latent(1, g), digit_gan.latent(1, g), steps=10) for _ in range(4)]
image_grid(torch.cat(rows), nrow=10, vmin=-1, vmax=1,
           title="Each row: G along a straight line from z0 (left) to z1 (right)");

# %% [markdown] slideshow={"slide_type": "fragment"}
# The same, by hand: move the slider $t$ (the strip shows the whole path).

# %% slideshow={"slide_type": "fragment"}
interpolator = LatentInterpolator(digit_gan, digit_gan.latent(1, g), digit_gan.latent(1, g), steps=10)
display(interpolator.widget)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Asking for a digit: a conditional GAN
#
# Give both players the label too (a one-hot vector appended to $z$ and to $x$) and the
# generator learns $p(x \mid \text{label})$: we can ask for "a 7". Its training (steps and
# time printed below, from the model's metadata) is more than this lesson's budget, so we
# load the course's shipped **`digits-gan`** (`genai-course train digits-gan` re-creates
# it); lesson 05 compares it with the other families.

# %% slideshow={"slide_type": "fragment"}
conditional = load_pretrained("digits-gan")
meta = conditional.pretrained_metadata
print(f"digits-gan: {meta['steps']:,} training steps, {meta['train_seconds']:.0f} s of training "
      "(as recorded when it was trained)")
asked = torch.arange(40) % 10
drawn = conditional.sample(40, generator=torch.Generator().manual_seed(3), labels=asked)
seen = classify_digits(drawn, "symmetric")
image_grid(drawn, nrow=10, vmin=-1, vmax=1, title="digits-gan: asked for 0-9 in each row")
print(f"the classifier sees the requested digit in {(seen == asked).float().mean():.0%} of these 40")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Recap
#
# - A GAN is a two-player game: $D$ separates real from fake, $G$ tries to fool $D$;
#   $V(D, G) = \mathbb{E}[\log D(x)] + \mathbb{E}[\log(1 - D(G(z)))]$.
# - Against the best discriminator $D^* = p_\text{data}/(p_\text{data} + p_g)$, the generator
#   minimises $-\log 4 + 2\,\mathrm{JSD}$; the optimum is $p_g = p_\text{data}$, $D = \tfrac12$.
# - Training alternates one $D$ step and one $G$ step. The minimax generator loss
#   saturates in the logit; the non-saturating loss has the same fixed point but
#   minimises a different, mode-seeking divergence ($\mathrm{KL}(p_g\|p_\text{data}) - 2\,\mathrm{JSD}$).
# - Gradient steps on a game can circle the equilibrium instead of converging, so GAN
#   losses oscillate; whether a trained GAN is *at* the equilibrium can be measured: let
#   one player deviate alone and see whether it gains.
# - **Mode collapse**: $G$ covers a few modes; measure coverage (modes, confidently
#   classified classes).

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Check your understanding
#
# 1. What is $V(D, G)$ when $D(x) = \tfrac12$ for every $x$? Why is that the value at the
#    equilibrium?
# 2. Why does the discriminator step use `fake.detach()`, and the generator step not?
# 3. In the game $\min_x\max_y xy$, what happens to the simultaneous steps with a smaller $\eta$?
#    Does the spiral disappear?
# 4. Why does a generator updated many times against a fixed discriminator collapse?
# 5. The coverage bar chart uses a classifier. What could a classifier-based coverage
#    measure miss?
# 6. The discriminator, trained alone against the frozen generator, raised the held-out
#    $V$ above $-\log 4$. What would it mean if it could not?

# %% [markdown] slideshow={"slide_type": "subslide"}
# <details><summary>Answers</summary>
#
# 1. $\log\tfrac12 + \log\tfrac12 = -\log 4$. When $p_g = p_\text{data}$ the best discriminator
#    is $D^* = \tfrac12$ everywhere, so $-\log 4$ is $V(D^*, G)$ at the generator's optimum,
#    the smallest value of $\max_D V$.
# 2. In the $D$ step only $D$'s weights should move; `detach()` stops the gradient from
#    flowing into $G$ (and saves work). In the $G$ step the gradient *must* flow through
#    $D$ into $G$'s weights, which is the only way $G$ learns.
# 3. The radius grows by $\sqrt{1 + \eta^2}$ per step, so more slowly with a smaller $\eta$,
#    but it still grows: the spiral is slower, not gone. (Per unit of "time" $\eta \times$
#    steps, it tends to a circle as $\eta \to 0$.)
# 4. Against a fixed $D$, the best response is to send every $z$ to the point $D$ finds most
#    real: a single mode. Many $G$ steps per $D$ step approximate that best response
#    ($\max_D\min_G$ instead of $\min_G\max_D$), and the non-saturating loss's reverse KL
#    barely penalises the dropped modes.
# 5. Diversity *within* a class (every 7 the same 7), digits the classifier misreads,
#    and images that are no digit at all but still get a confident label; also copies of
#    training images, which a class count cannot see.
# 6. That no discriminator of that size, trained that way, can tell the samples from the
#    data: the generator would be at (or indistinguishably near) the equilibrium, as far
#    as that discriminator can see. It would not prove $p_g = p_\text{data}$: a weak or
#    poorly trained $D$ also fails to gain.
#
# </details>
#
# **Exercise:** `exercises/01_gans.ipynb` asks you to write the discriminator loss, the
# non-saturating generator loss and the optimal discriminator yourself.
