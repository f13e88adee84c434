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
# # Lesson 04 — Diffusion and flow matching
#
# Every image tool of today (DALL-E 2, Imagen, Stable Diffusion, Flux, SD3) is a
# **diffusion** or **flow** model. The idea fits in one sentence: *destroy data with noise,
# a little at a time, and train a network to undo one little step*. Generating is then
# undoing, step after step, starting from pure noise.
#
# **By the end of this lesson you will be able to**
# - draw the forward (noising) process on 2-D points and on digits;
# - say what the network learns (a velocity, the noise, or the score) and convert one
#   into the others;
# - write the flow-matching loss and DDPM's noise-prediction loss, and train both;
# - sample with Euler steps (the number of steps a dial), with Heun's second-order steps
#   and with DDPM's ancestral sampler, and explain why too few steps fail;
# - steer samples with classifier-free guidance and measure what it costs in diversity;
# - run the same flow in a VAE's latent space (latent diffusion).

# %% slideshow={"slide_type": "skip"}
import time

import matplotlib.pyplot as plt
import torch
from IPython.display import display

from genai_course import fit, seed_everything
from genai_course.data import load_digits, load_toy2d
from genai_course.metrics.images import classify_digits, frechet_digit_distance
from genai_course.metrics.precision_recall import digit_precision_recall
from genai_course.models.flow import DDPM, FlowConfig, FlowMatching, network_calls
from genai_course.plotting import image_grid, plot_history
from genai_course.pretrained import load_pretrained
from genai_course.recipes import digits_flow
from genai_course.teaching import expect
from genai_course.widgets.guidance import GuidanceExplorer

seed_everything(0)  # one call fixes every random draw below: same numbers on every run
digits = load_digits("symmetric")  # pixels in [-1, 1], the scale of Gaussian noise
points = load_toy2d("moons").train

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1. The forward process: from data to noise
#
# Take a data point $x$ and a Gaussian noise draw $\varepsilon \sim \mathcal N(0, I)$ of the
# same shape. Flow matching (Lipman et al. 2023; Liu et al. 2023's *rectified flow*) mixes
# them along a straight line, with time $t$ running from noise to data:
#
# $$x_t = (1 - t)\,\varepsilon + t\,x, \qquad t \in [0, 1].$$
#
# At $t = 1$ we have the data, at $t = 0$ pure noise. Below, the whole "moons" data set at
# five times: the structure dissolves into a round Gaussian blob.

# %% slideshow={"slide_type": "subslide"}
def noised(x, t, eps):
    """x_t = (1 - t) eps + t x: the straight path from noise (t = 0) to data (t = 1)."""
    return (1 - t) * eps + t * x


eps = torch.randn(points.shape)
fig, axes = plt.subplots(1, 5, figsize=(14, 3), sharex=True, sharey=True)
for ax, t in zip(axes, [1.0, 0.75, 0.5, 0.25, 0.0], strict=True):
    xt = noised(points, t, eps)
    ax.scatter(xt[:, 0], xt[:, 1], s=2, label=f"$x_t$, t = {t}")
    ax.set_title(f"t = {t}")
    ax.set_xlabel("$x_1$")
    ax.legend(loc="upper right", fontsize=7)
axes[0].set_ylabel("$x_2$")
fig.suptitle("The forward process on 2-D points: data (t = 1) dissolves into noise (t = 0)");

# %% [markdown] slideshow={"slide_type": "subslide"}
# The same on digits: each column is one time, each row one digit. By $t \approx 0.3$ a
# person can no longer read the digit; the network must learn to recover it from there.

# %% slideshow={"slide_type": "fragment"}
ts = torch.linspace(1, 0, 9)
x4 = digits.x_train[:4]
e4 = torch.randn(x4.shape)
strip = torch.stack([noised(x4, t, e4) for t in ts], dim=1).reshape(-1, 8, 8)
image_grid(strip, nrow=9, labels=[f"t={t:.2f}" for t in ts] * 4, vmin=-1, vmax=1,
           title="Noising four digits: t from 1 (data) to 0 (noise), left to right");

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2. What the network learns: velocity, noise, score
#
# Along the line, the point moves with **velocity** $v = \frac{d x_t}{dt} = x - \varepsilon$.
# Given only $x_t$ and $t$, a network can predict any one of three things, and each gives
# the others (write $\hat v$, $\hat\varepsilon$, $\hat x$ for predictions):
#
# | predicts | from $x_t$ and the prediction |
# |---|---|
# | velocity $\hat v$ (flow matching) | $\hat x = x_t + (1 - t)\,\hat v$, $\quad \hat\varepsilon = x_t - t\,\hat v$ |
# | noise $\hat\varepsilon$ (DDPM) | $\hat x = (x_t - (1 - t)\hat\varepsilon)/t$, $\quad \hat v = (x_t - \hat\varepsilon)/t$ |
# | score $s = \nabla_{x_t} \log p_t(x_t)$ | $s = -\hat\varepsilon / (1 - t)$ |
#
# (On DDPM's path of section 4, $x_k = \sqrt{\bar\alpha_k}\,x + \sqrt{1-\bar\alpha_k}\,\varepsilon$,
# the same algebra gives $s = -\hat\varepsilon/\sqrt{1-\bar\alpha_k}$.)
#
# The score line comes from the Gaussian $p(x_t \mid x) = \mathcal N(t x, (1-t)^2 I)$, whose
# score is $-(x_t - t x)/(1-t)^2 = -\varepsilon/(1-t)$; averaged over the $x$ that could have
# produced $x_t$ it is the score of $p_t$ (Vincent 2011; Song et al. 2021). So the three
# are **one quantity in three units**. We check the first two rows on numbers:

# %% slideshow={"slide_type": "subslide"}
x, e, t = digits.x_train[:3], torch.randn(3, 8, 8), 0.3
xt = noised(x, t, e)
v = x - e  # what a perfect flow network outputs
x_from_v, e_from_v = xt + (1 - t) * v, xt - t * v
e_hat = e  # what a perfect noise network outputs
x_from_e, v_from_e = (xt - (1 - t) * e_hat) / t, (xt - e_hat) / t
err = max((x_from_v - x).abs().max(), (e_from_v - e).abs().max(),
          (x_from_e - x).abs().max(), (v_from_e - v).abs().max()).item()
print(f"largest conversion error: {err:.1e}")
expect(err < 1e-5, "velocity, noise and clean image convert into each other exactly",
       observed=f"largest error {err:.1e}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3. Training with the flow-matching loss
#
# Draw a data point $x$, noise $\varepsilon$ and a time $t \sim U(0, 1)$; ask the network
# $v_\theta(x_t, t)$ for the velocity and penalise the squared error (Lipman et al. 2023,
# "conditional flow matching"):
#
# $$\mathcal L_\text{FM}(\theta) = \mathbb E_{x, \varepsilon, t}\,\big\|v_\theta(x_t, t) - (x - \varepsilon)\big\|^2 .$$
#
# The target $x - \varepsilon$ is the velocity of *one* line; many lines cross each
# point $x_t$, so the best network outputs their **average**, the velocity field that moves
# the whole noise cloud onto the data cloud. The network is a small residual MLP
# (`genai_course.models.flow.TimeMLP`): $t$ enters as sines and cosines of several
# frequencies, added at *every* layer, because one network must act differently at each
# noise level (DDPM's U-Net adds its time embedding in every residual block too). Written
# out, the loss is four lines:

# %% slideshow={"slide_type": "subslide"}
def flow_matching_loss(net, x, generator=None):
    eps = torch.randn(x.shape, generator=generator, device=x.device)
    t = torch.rand(len(x), generator=generator, device=x.device)
    tt = t.reshape(-1, *[1] * (x.ndim - 1))  # one t per example, broadcast over its numbers
    return ((net(noised(x, tt, eps), t) - (x - eps)) ** 2).mean()


toy_flow = FlowMatching(FlowConfig(data_shape=(2,), value_scale="real", hidden=128, layers=3))
ours = flow_matching_loss(toy_flow.net, points[:256], torch.Generator().manual_seed(1))
package = toy_flow.loss(points[:256], generator=torch.Generator().manual_seed(1))
print(f"our loss {ours:.4f}, the package's FlowMatching.loss {package:.4f}")
expect(abs(ours - package) < 1e-6, "the lesson's loss is the package's loss",
       observed=f"{ours:.6f} vs {package:.6f}")
toy_history = fit(toy_flow, points, steps=1500, batch_size=256, lr=2e-3,
                  description="flow matching on the moons")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Sampling: integrate the ODE with Euler steps
#
# Generating means following the learned velocity from noise at $t = 0$ to $t = 1$, i.e.
# solving the ordinary differential equation $dx/dt = v_\theta(x, t)$. The simplest solver
# is Euler's: $N$ steps of size $h = 1/N$,
#
# $$x \leftarrow x + h\, v_\theta(x, t), \qquad t = 0, h, 2h, \dots$$

# %% slideshow={"slide_type": "fragment"}
@torch.no_grad()
def euler_sample(net, x0, steps):
    x, h = x0, 1.0 / steps
    for i in range(steps):
        x = x + h * net(x, torch.full((len(x),), i * h, device=x.device))
    return x


start = torch.randn(1000, 2)
fig, axes = plt.subplots(1, 4, figsize=(13, 3.2), sharex=True, sharey=True)
for ax, n_steps in zip(axes, [1, 3, 10, 50], strict=True):
    out = euler_sample(toy_flow.net, start, n_steps)
    ax.scatter(points[:1000, 0], points[:1000, 1], s=2, c="lightgrey", label="data")
    ax.scatter(out[:, 0], out[:, 1], s=2, c="tab:blue", label="samples")
    gap = torch.cdist(out, points).min(dim=1).values.median().item()  # to the nearest data point
    ax.set_title(f"{n_steps} Euler step{'s' * (n_steps > 1)}: median gap {gap:.3f}")
    ax.set_xlabel("$x_1$")
    ax.legend(loc="upper right", fontsize=7, markerscale=4)
axes[0].set_ylabel("$x_2$")
fig.suptitle("Flow-matching samples on the moons: the number of Euler steps is a dial");

# %% [markdown] slideshow={"slide_type": "subslide"}
# With **one** step every sample lands on $x_0 + v_\theta(x_0, 0)$: the *average* of the data
# points that noise $x_0$ could lead to, which is why one-step samples huddle in the middle,
# between the two moons (the titles give the median distance from a sample to its nearest
# data point). The paths of many noise points are curved, and a few large straight steps cut the
# corners. More steps follow the curves. (Rectified flow, Liu et al. 2023, retrains on
# its own noise–sample pairs to straighten the paths so that one step suffices.)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4. DDPM: predict the noise
#
# Ho et al. (2020) count time in $T = 1000$ small noising steps with variances
# $\beta_1 \dots \beta_T$ (linear from $10^{-4}$ to $0.02$). With $\bar\alpha_k = \prod_{j \le k}(1-\beta_j)$,
# step $k$ has the closed form $x_k = \sqrt{\bar\alpha_k}\,x + \sqrt{1 - \bar\alpha_k}\,\varepsilon$
# (data at $k = 0$, almost pure noise at $k = T$). The network predicts the noise:
#
# $$\mathcal L_\text{DDPM}(\theta) = \mathbb E_{x, \varepsilon, k}\,\big\|\varepsilon_\theta(x_k, k) - \varepsilon\big\|^2 .$$
#
# Same recipe as flow matching, another path and another unit (section 2). Below, the loss
# written out, checked against the package's `DDPM.loss`, then training on the digits.

# %% slideshow={"slide_type": "subslide"}
def ddpm_loss(net, x, alpha_bars, generator=None):
    T = len(alpha_bars)
    k = torch.randint(1, T + 1, (len(x),), generator=generator, device=x.device)
    eps = torch.randn(x.shape, generator=generator, device=x.device)
    abar = alpha_bars[k - 1].reshape(-1, *[1] * (x.ndim - 1))
    x_k = abar.sqrt() * x + (1 - abar).sqrt() * eps
    return ((net(x_k, k / T) - eps) ** 2).mean()  # the net sees k as a time k / T


ddpm = DDPM(FlowConfig(hidden=256, layers=3, num_classes=10))
batch = (digits.x_train[:256], digits.y_train[:256])
ddpm.eval()  # no label dropout, so both losses see the same labels
ours = ddpm_loss(lambda x, t: ddpm.net(x, t, batch[1]), batch[0], ddpm.alpha_bars,
                 torch.Generator().manual_seed(2))
package = ddpm.loss(batch, generator=torch.Generator().manual_seed(2))
expect(abs(ours - package) < 1e-6, "the lesson's DDPM loss is the package's loss",
       observed=f"{ours:.6f} vs {package:.6f}")
ddpm_history = fit(ddpm, (digits.x_train, digits.y_train), steps=2000, batch_size=128, lr=1e-3,
                   description="DDPM on the digits")
plot_history(ddpm_history, title="DDPM training: noise-prediction error");

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## DDPM's ancestral sampler
#
# Start from $x_T \sim \mathcal N(0, I)$ and undo one step at a time (Ho et al. 2020,
# algorithm 2), adding fresh noise $z$ at every step but the last:
#
# $$x_{k-1} = \frac{1}{\sqrt{1-\beta_k}}\Big(x_k - \frac{\beta_k}{\sqrt{1-\bar\alpha_k}}\,\varepsilon_\theta(x_k, k)\Big) + \sqrt{\beta_k}\, z .$$
#
# A thousand network calls per image. The obvious shortcut is to visit only $S$ of the
# noise levels and apply the same formula at each: written out below. We measure it with
# the classifier of lesson 05 (which digit does each sample show?).

# %% slideshow={"slide_type": "subslide"}
@torch.no_grad()
def naive_few_steps(model, labels, steps, generator):
    """The one-step formula, applied at only `steps` of the T noise levels."""
    T = model.config.timesteps
    x = torch.randn((len(labels), 8, 8), generator=generator, device=model.device)
    for k in torch.linspace(T, 1, steps).round().long().tolist():
        beta, abar = model.betas[k - 1], model.alpha_bars[k - 1]
        eps_hat = model.net(x, torch.full((len(x),), k / T, device=x.device), labels)
        x = (x - beta / (1 - abar).sqrt() * eps_hat) / (1 - beta).sqrt()
        if k > 1:
            x = x + beta.sqrt() * torch.randn(x.shape, generator=generator, device=x.device)
    return x.clamp(-1, 1)


def read_as_asked(samples, labels):
    return (classify_digits(samples, "symmetric") == labels).float().mean().item()


labels = torch.arange(200) % 10
g = lambda: torch.Generator().manual_seed(3)  # noqa: E731
naive = {s: naive_few_steps(ddpm, labels, s, g()) for s in [10, 50]}
jumps = {s: ddpm.sample(200, labels=labels, steps=s, generator=g()) for s in [10, 50, 1000]}
for s, out in naive.items():
    print(f"naive shortcut, {s:>4} steps: {read_as_asked(out, labels):.0%} read as the digit asked for")
for s, out in jumps.items():
    print(f"jumps with their own alpha, {s:>4} steps: {read_as_asked(out, labels):.0%}")

# %% slideshow={"slide_type": "subslide"}
fig, axes = plt.subplots(1, 3, figsize=(13, 2.8))
for ax, (name, out) in zip(axes, [("naive shortcut, 50 steps", naive[50]),
                                  ("jumps with their own alpha, 50 steps", jumps[50]),
                                  ("ancestral sampler, 1,000 steps", jumps[1000])], strict=True):
    image_grid(out[:20], nrow=10, ax=ax, vmin=-1, vmax=1, title=name)
fig.tight_layout()
acc_naive, acc_full = read_as_asked(naive[50], labels), read_as_asked(jumps[1000], labels)
expect(acc_full > acc_naive + 0.3, "the naive 50-step shortcut fails where 1,000 steps work",
       observed=f"{acc_naive:.0%} vs {acc_full:.0%}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Why the shortcut fails.** Each step of the formula removes the noise of *one* small
# step, $\beta_k \le 0.02$; skipping 19 levels out of 20 leaves most of the noise in the
# image (the left panel is still noisy). The repair is to use the jump's own
# $\alpha = \bar\alpha_k / \bar\alpha_{k'}$ between the visited levels $k > k'$ in place of
# $1 - \beta_k$, which is what `DDPM.sample(steps=S)` does (Nichol & Dhariwal 2021 call this
# *respacing*; DDIM, Song et al. 2021, removes the added noise as well). Even then, every
# large step makes an error, because the network's answer is only right for the noise
# level where it was asked: section 5 shows the same for the flow's Euler steps.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5. The shipped flow: trained until it starts to copy
#
# `digits-flow` is a class-conditional flow-matching model like the one above, trained for
# longer by `genai-course train digits-flow` (its metadata holds how, and its measured
# figures), with one change in the network: its network is a small **U-Net**
# (`genai_course.models.unet.TimeUNet`), the network of DDPM and Stable Diffusion cut down
# to 8×8. It reads the image with 3×3 convolutions at full size, goes down to 4×4 with a
# strided convolution and back up, and joins the full-size features again (the skip
# connection); every block is told $t$ and the label. A filter that slides over the image
# knows a stroke everywhere once it has learned it in one place, a prior the MLP lacks; on
# validation digits the U-Net beat a 512-wide residual MLP (the recipe's docstring has the
# figures). How long to train it was decided by a **selection run** on 85% of the training
# digits, checked at regular steps on the other 15%, **validation** digits it never
# trained on: the Fréchet distance of lesson 05 (classifier features; lower is
# better) and the share of **near-copies**, samples closer to a training image than 95% of
# real validation digits are (lesson 05's novelty measure; real new digits score 5%).

# %% slideshow={"slide_type": "subslide"}
flow = load_pretrained("digits-flow")
meta = flow.pretrained_metadata
selection = meta["selection"]  # the run that chose how long to train
checks = selection["validation_checks"]
print(f"{meta['description']}\nselection run: {selection['steps']} steps on "
      f"{selection['training_digits']} digits, checked on {selection['validation_digits']}; "
      f"best check at step {selection['selected_step']}")
x_fit, _, x_val, _ = digits_flow.split(0)  # the selection run's training and validation digits
floor_draws = torch.tensor(digits_flow.validation_floor_draws(x_fit, x_val))  # digits, not samples
floor, spread = float(floor_draws.mean()), float(floor_draws.std())
kept = next(c for c in checks if c["step"] == selection["selected_step"])
print(f"kept checkpoint: distance {kept['fd']:.2f}; training digits themselves: {floor:.2f} "
      f"± {spread:.2f} (mean ± SD of {len(floor_draws)} draws, from {floor_draws.min():.2f} to "
      f"{floor_draws.max():.2f}), so the kept check is {(kept['fd'] - floor) / spread:.1f} SD above")

# %% slideshow={"slide_type": "subslide"}
fig, ax1 = plt.subplots(figsize=(6, 3.4))
ax1.plot([c["step"] for c in checks], [c["fd"] for c in checks], "o-", label="Fréchet distance (left)")
ax1.axhline(floor, color="tab:blue", lw=0.8, ls=":", label="training digits' own distance")
ax1.axhspan(floor - spread, floor + spread, color="tab:blue", alpha=0.15, label="± 1 SD over draws")
ax1.set(xlabel="training step", ylabel="Fréchet distance to validation digits (log)",
        yscale="log", title="Longer training: closer to the data, then copies of it")
ax2 = ax1.twinx()
ax2.plot([c["step"] for c in checks], [c["near_copies"] for c in checks], "s--", c="tab:red",
         label="near-copy share (right)")
ax2.axhline(meta["max_near_copies"], color="tab:red", lw=0.8, ls=":", label="most allowed")
ax2.set_ylabel("share of samples that are near-copies")
ax1.axvline(selection["selected_step"], color="grey", lw=0.8, label="kept")
fig.legend(loc="upper center", fontsize=8, ncol=4, bbox_to_anchor=(0.5, -0.02))
plt.show()
expect(checks[-1]["near_copies"] > checks[0]["near_copies"],
       "the near-copy share grows with training", observed=f"{checks[0]} ... {checks[-1]}")
expect(all(c["fd"] > 0.95 * floor for c in checks),
       "no check gets much below what real training digits score", observed=floor)

# %% [markdown] slideshow={"slide_type": "subslide"}
# The distance falls fast, then levels off, while the copies climb steadily: past its
# best the flow gets no closer to new digits, only closer to its training digits. The
# dotted blue line is the yardstick: the distance that real training digits, as many as
# the check draws, score against the validation digits. A distance is never zero even
# for real digits (a few hundred images only estimate their statistics), so the gap to
# that line, not the distance itself, is what the flow still lacks. The band is how much
# that level moves from one draw of real digits to another, and one check of the flow is
# one draw too: with only a couple of hundred validation digits, a gap of one or two SD
# is weak evidence on its own. Lesson 05 compares the flow with real digits on the larger
# test split, where the floor is lower and the gap clearer. (Every check draws the same
# labels and starting noise, so two checks differ by the weights alone.) On a
# finite training set, the very best flow-matching network would send noise to the
# training images themselves (the loss's exact minimiser is the velocity field of
# the empirical distribution), so "closer to the data" ends as "a copy of the data". We
# kept the step with the lowest validation distance among those with at most the allowed
# share of copies; lesson 09 returns to memorisation.

# %% [markdown] slideshow={"slide_type": "subslide"}
# The shipped weights are not the selection run's. With the number of steps and the
# sampler (below) chosen, the recipe trains once more from scratch, on **all** the
# training digits, validation ones included, for exactly that many steps, and nothing is
# chosen in that run (Goodfellow, Bengio & Courville, *Deep Learning*, 2016, section 7.8,
# algorithm 7.2). With so few digits, the validation ones are worth having (the share they
# add is printed below). The price is that no validation digit is left to check the refit
# on, so its near-copy share is measured on the test split instead (printed below), where
# real new digits score 5% by design.

# %% slideshow={"slide_type": "fragment"}
on_test = meta["metrics"]
added = meta["training_digits"] / selection["training_digits"] - 1
print(f"shipped weights: {meta['steps']} steps on all {meta['training_digits']} training digits, "
      f"{added:.0%} more than the selection run had ({meta['train_cpu_seconds']} s of CPU)\n"
      f"on the test split: Fréchet distance {on_test['test_fd']:.2f}, "
      f"{on_test['test_fd_ratio_to_floor']:.2f}x the {on_test['test_fd_floor']:.2f} of real "
      f"training digits; near-copies "
      f"{on_test['test_near_copies']:.1%} (real new digits: 5%)")
expect(on_test["test_near_copies"] <= meta["max_near_copies"],
       "the refit makes no more near-copies than the recipe allows",
       observed=f"{on_test['test_near_copies']:.1%}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## A second-order solver: Heun's method
#
# An Euler step uses the velocity at the start of the step only; where the paths curve,
# each step overshoots. **Heun's method** (the trapezoid rule) looks ahead: it takes the
# Euler step as a trial, asks the network for the velocity where the trial lands, and
# steps with the average of the two velocities,
#
# $$\tilde x = x + h\, v_\theta(x, t), \qquad
#   x \leftarrow x + \tfrac{h}{2}\big(v_\theta(x, t) + v_\theta(\tilde x, t + h)\big).$$
#
# Its error at $t = 1$ shrinks like $h^2$ where Euler's shrinks like $h$, for twice the
# network calls per step. Karras et al. (2022, "Elucidating the Design Space of
# Diffusion-Based Generative Models") made it their sampler; like them, we keep the last
# step a plain Euler step, so $N$ Heun steps cost $2N - 1$ network calls
# (`flow.sample(..., solver="heun")`, `network_calls(solver, steps)`). The cost of a sampler
# is its number of network calls, so compare the solvers at equal calls: both sample the
# shipped flow below, and we measure the class accuracy, the Fréchet distance against test
# digits and the CPU time.

# %% slideshow={"slide_type": "subslide"}
n = 600
labels = digits.y_train[torch.randint(len(digits.y_train), (n,))]
samplers = [("euler", s) for s in (1, 2, 5, 10, 20)] + [("heun", s) for s in (2, 5, 10)]
rows = []  # (solver, steps, network calls, accuracy, Fréchet distance, CPU seconds)
for solver, s in samplers:
    cpu = time.process_time()
    out = flow.sample(n, labels=labels, steps=s, solver=solver,
                      generator=torch.Generator().manual_seed(4))
    cpu = time.process_time() - cpu
    rows.append((solver, s, network_calls(solver, s), read_as_asked(out, labels),
                 frechet_digit_distance(out, digits.x_test, "symmetric"), cpu))
    print(f"{solver:>5} {s:>2} steps, {rows[-1][2]:>2} network calls: accuracy {rows[-1][3]:.1%}, "
          f"Fréchet distance {rows[-1][4]:6.2f}, {cpu:.2f} s CPU")
fd = {(r[0], r[1]): r[4] for r in rows}
expect(fd["euler", 20] < fd["euler", 1], "20 Euler steps give a lower Fréchet distance than 1",
       observed=f"{fd['euler', 20]:.1f} vs {fd['euler', 1]:.1f}")
expect(fd["heun", 10] < fd["euler", 20],
       "10 Heun steps (19 network calls) beat 20 Euler steps (20 calls)",
       observed=f"{fd['heun', 10]:.2f} vs {fd['euler', 20]:.2f}")

# %% slideshow={"slide_type": "subslide"}
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 3.5))
for solver, style in [("euler", "o-"), ("heun", "s-")]:
    mine = [r for r in rows if r[0] == solver]
    ax1.plot([r[2] for r in mine], [r[4] for r in mine], style, label=solver.capitalize())
    ax2.plot([r[2] for r in mine], [r[5] for r in mine], style, label=solver.capitalize())
for ax in (ax1, ax2):
    ax.set_xscale("log")
    ax.set_xlabel("network calls per sample")
    ax.legend(fontsize=8)
ax1.set_ylabel("Fréchet distance to test digits")
ax1.set_title("Quality against cost: Heun gets there in fewer calls")
ax2.set_ylabel(f"CPU seconds for {n} samples")
ax2.set_title("The cost is the number of network calls");

# %% [markdown] slideshow={"slide_type": "subslide"}
# The CPU time follows the network calls, whatever the solver. At equal calls Heun's
# samples are closer to real digits, until both solvers level off near the same distance:
# what remains is the network's own error, which no solver removes. The recipe made this
# choice with the selection run's weights on the validation digits (never on the test
# digits plotted here): each candidate sampler scored on the same few draws, and the
# cheapest within 2% of the best distance became the flow's default (`flow.config.solver`,
# `flow.config.sample_steps`).

# %% slideshow={"slide_type": "fragment"}
chosen = meta["settings"]
print(f"shipped default: {chosen['steps']} {chosen['solver'].capitalize()} steps "
      f"({network_calls(chosen['solver'], chosen['steps'])} network calls), chosen on "
      f"{chosen['validation_draws']} draws of {chosen['validation_samples']} samples against "
      "the validation digits, where each candidate scored:")
table = []  # (name, network calls, validation distance); names read "heun 10"
for name, distance in chosen["validation_fd_by_sampler"].items():
    solver, s = name.split()
    table.append((name, network_calls(solver, int(s)), distance))
for name, calls, distance in sorted(table, key=lambda row: row[1]):
    print(f"  {name:>8} ({calls:>2} calls): {distance:6.2f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## The sampling chain as a film strip
#
# `sample(..., return_path=True)` returns every intermediate $x$. Each row below is one
# sample, from noise (left) to digit (right): the coarse shape appears first, the fine
# strokes last.

# %% slideshow={"slide_type": "fragment"}
_, path = flow.sample(5, labels=torch.tensor([0, 2, 4, 7, 9]), steps=20, solver="euler", return_path=True,
                      generator=torch.Generator().manual_seed(5))
frames = path[::2].clamp(-1, 1)  # 11 frames of the 21
film = frames.transpose(0, 1).reshape(-1, 8, 8)
image_grid(film, nrow=len(frames), vmin=-1, vmax=1,
           title="Film strip: 20 Euler steps, every second frame, noise (left) to digit (right)");

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6. Classifier-free guidance: fidelity against diversity
#
# The shipped flow was trained with its label replaced by a "no label" token 10% of the
# time, so one network knows both $v_\theta(x, t, c)$ and $v_\theta(x, t, \varnothing)$.
# Ho & Salimans (2022) extrapolate away from the unconditional answer with a weight $w$:
#
# $$\tilde v = (1 + w)\, v_\theta(x, t, c) - w\, v_\theta(x, t, \varnothing).$$
#
# $w = 0$ is the plain conditional model. Move the slider and pick a digit: the status line
# reports, on these very samples, how many the classifier reads as the asked digit
# (**fidelity**) and how different they are from one another (**diversity**, mean distance
# between classifier features). The same starting noise is used at every $w$.

# %% slideshow={"slide_type": "subslide"}
# 5 Heun steps: 9 network calls (guidance doubles them), half the shipped default's, and
# close to it on the validation digits (the table above), for a snappy slider.
explorer = GuidanceExplorer(flow, n=32, digit=8, steps=5)
display(explorer)

# %% slideshow={"slide_type": "subslide"}
weights = [0, 0.5, 1, 2, 4, 6]
sweeps = {d: explorer.sweep(d, weights) for d in range(10)}
acc = [sum(sweeps[d][i]["accuracy"] for d in range(10)) / 10 for i in range(len(weights))]
div = [sum(sweeps[d][i]["diversity"] for d in range(10)) / 10 for i in range(len(weights))]
fig, ax = plt.subplots(figsize=(5, 3.5))
ax.plot(div, acc, "o-", label="32 samples per digit, mean over 0-9")
for w, a, d in zip(weights, acc, div, strict=True):
    ax.annotate(f"w={w:g}", (d, a), textcoords="offset points", xytext=(4, -10), fontsize=8)
ax.set_xlabel("diversity (mean feature distance between samples)")
ax.set_ylabel("class accuracy")
ax.legend(fontsize=8)
ax.set_title("Guidance trades diversity for fidelity")
w2 = weights.index(2)
expect(div[w2] < div[0], "guidance at w = 2 makes samples less diverse than w = 0",
       observed=f"diversity {div[w2]:.2f} vs {div[0]:.2f}");

# %% [markdown] slideshow={"slide_type": "subslide"}
# Read the curve from w = 0: accuracy rises and diversity falls, the trade-off. Past some
# $w$ the distance between samples can grow again: the extrapolation pushes pixels past
# the range of real digits (they are clamped to $[-1, 1]$) and strokes get exaggerated, so
# samples differ from one another in ways real digits do not. A distance between samples
# cannot tell variety from distortion; comparing with *real* digits can. k-NN **precision
# and recall** (Kynkäänniemi et al. 2019) on the whole set: precision = share of samples
# inside the region of real digits, recall = share of real digits inside the region of
# samples (same sizes for both sets).

# %% slideshow={"slide_type": "fragment"}
pr_labels = digits.y_test
for w in [0, 2, 6]:
    out = flow.sample(len(pr_labels), labels=pr_labels, guidance=w, steps=5,
                      generator=torch.Generator().manual_seed(6))
    print(f"w = {w}: {digit_precision_recall(out, digits.x_test, 'symmetric')}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 7. Latent diffusion: the same flow in a VAE's latent space
#
# Stable Diffusion (Rombach et al. 2022) does not denoise pixels: a pretrained
# autoencoder compresses each image into a small latent, and the diffusion model works
# there, which is far cheaper for large images. We do the same with lesson 02's shipped
# `digits-vae`: encode every training digit to its 8 latent means, train a flow on those
# 8 numbers (not 64), sample latents and decode them.

# %% slideshow={"slide_type": "subslide"}
vae = load_pretrained("digits-vae")
unit = load_digits("unit")
with torch.no_grad():
    z_train, _ = vae.encode(unit.x_train, unit.y_train)
latent_flow = FlowMatching(FlowConfig(data_shape=(8,), value_scale="real", hidden=128, layers=3,
                                      num_classes=10))
fit(latent_flow, (z_train, unit.y_train), steps=2000, batch_size=128, lr=2e-3,
    description="flow matching in the VAE's latent space")
labels = digits.y_train[torch.randint(len(digits.y_train), (n,))]
g = lambda: torch.Generator().manual_seed(7)  # noqa: E731
with torch.no_grad():
    z = latent_flow.sample(n, labels=labels, steps=20, generator=g())
    latent_images = vae.decode(z, labels) * 2 - 1  # back to [-1, 1] for the comparison
    prior_images = vae.decode(torch.randn(n, 8, generator=g()), labels) * 2 - 1
pixel_images = flow.sample(n, labels=labels, steps=20, generator=g())

# %% slideshow={"slide_type": "subslide"}
print(f"{'model':<40}{'accuracy':>9}{'Fréchet':>9}{'params':>9}")
for name, images, model in [("flow on pixels (digits-flow)", pixel_images, flow),
                            ("flow on VAE latents + VAE decoder", latent_images, latent_flow),
                            ("VAE, prior samples", prior_images, vae)]:
    params = sum(p.numel() for p in model.parameters())
    print(f"{name:<40}{read_as_asked(images, labels):>9.1%}"
          f"{frechet_digit_distance(images, digits.x_test, 'symmetric'):>9.2f}{params:>9,}")
image_grid(latent_images[:20], nrow=10, vmin=-1, vmax=1, title="Latent flow: sampled latents, decoded by the VAE");

# %% [markdown] slideshow={"slide_type": "subslide"}
# The latent flow has fewer parameters (it moves 8 numbers, not 64) and trained here in a
# few seconds; its images are the VAE decoder's *means*, so they are smooth, and they can be
# no sharper than the decoder allows. On 8×8 digits the saving is small; on 512×512 colour
# images it is what makes diffusion affordable.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Recap
#
# - The **forward process** mixes data with Gaussian noise; generating runs it backwards.
# - The network predicts a **velocity**, the **noise** or the **score**: one quantity in
#   three units, with simple conversions.
# - **Flow matching**: regress $x - \varepsilon$; **DDPM**: regress $\varepsilon$. Both are
#   plain mean-squared errors, trained with `fit`.
# - **Sampling** integrates an ODE (Euler's steps, or Heun's, which look ahead and get
#   there in fewer network calls) or runs the ancestral sampler; too few steps average
#   over possible images and cut the paths' corners.
# - **Classifier-free guidance** trades diversity for fidelity with one weight $w$.
# - **Latent diffusion** runs the same model on an autoencoder's latents.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Check your understanding
#
# 1. At $t = 0.5$ a flow network outputs $\hat v$. What is its guess of the clean image?
#    <details><summary>Answer</summary>$\hat x = x_t + (1 - t)\hat v = x_t + 0.5\,\hat v$.</details>
# 2. Why does one Euler step give blurry digits even with a perfect network?
#    <details><summary>Answer</summary>From pure noise, the velocity is the average over
#    every image that noise could lead to; one step lands on that average.</details>
# 3. What does $w = 0$ do in classifier-free guidance, and what does a very large $w$ cost?
#    <details><summary>Answer</summary>$w = 0$ is the conditional model itself; large $w$
#    makes samples more "typical" of the class and less varied (lower diversity and
#    recall).</details>
# 4. Why is the label dropped for 10% of the training examples?
#    <details><summary>Answer</summary>So that the same network also learns the
#    unconditional velocity $v_\theta(x, t, \varnothing)$ that guidance needs.</details>
# 5. Why does Stable Diffusion run in a latent space?
#    <details><summary>Answer</summary>Each step is much cheaper on a small latent than
#    on all pixels; the autoencoder handles fine detail once, at the end.</details>
# 6. Why compare Euler's and Heun's solvers at equal network calls, not at equal steps?
#    <details><summary>Answer</summary>Sampling time is almost all network calls, and a
#    Heun step makes two (its trial step and the correction): 10 Heun steps cost what 19
#    Euler steps cost, so that is the fair match.</details>
#
# **Exercise:** `exercises/04_diffusion.ipynb` asks you to write the flow-matching loss, an
# Euler step and guidance, then to find the fewest Euler steps whose Fréchet distance is
# within 10% of the best.
