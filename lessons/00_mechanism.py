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
# # Lesson 00 — What generative AI is, and how it works
#
# A generative model learns from examples and then makes **new** examples of the same kind:
# new digits, new sentences, new melodies. Every generative model in this course, from a
# three-bump mixture to a character-level language model, works by the same three steps:
#
# 1. **Train on examples**: show the model data.
# 2. **Store what was learned in parameters**: a handful of numbers, or millions of them.
# 3. **Generate from a random starting point**: turn random numbers into a new example.
#
# **By the end of this lesson you will be able to**
# - fit a density model to 2D data by maximum likelihood and sample new points from it;
# - say where the "knowledge" of a model lives (its parameters) and count it;
# - tell a model that *generalises* from one that *copies*, with two measurements:
#   held-out likelihood and the distance from each sample to its nearest training example.

# %% slideshow={"slide_type": "skip"}
import math

import matplotlib.pyplot as plt
import torch

from genai_course import fit, seed_everything
from genai_course.data import load_toy2d
from genai_course.metrics import nearest_neighbour_distances, novelty_report
from genai_course.models import GaussianMixture
from genai_course.plotting import plot_history, scatter_compare
from genai_course.teaching import expect

seed_everything(0);  # one call fixes every random draw below: same numbers on every run

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Step 1 — the examples
#
# Our "dataset" is 2,000 points in the plane, drawn from three blobs of different sizes.
# The model will never see the recipe that made them, only the points. We keep 500
# further points aside as **held-out** (test) data, to check the model later on points it
# has never seen.

# %% slideshow={"slide_type": "subslide"}
data = load_toy2d("gaussians", n_train=2000, n_test=500)
print("training points:", tuple(data.train.shape), " held-out points:", tuple(data.test.shape))
scatter_compare(data.train, title="Training data: 2,000 points in the plane");

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Step 2 — learn, and store what was learned in parameters
#
# Our model is a **mixture of Gaussians**: $K$ bell-shaped bumps, bump $k$ with weight
# $\pi_k$, centre $\mu_k$ and width $\sigma_k$ (one width per axis). Its density is
#
# $$p_\theta(x) = \sum_{k=1}^{K} \pi_k \, \mathcal{N}\!\left(x;\ \mu_k, \operatorname{diag}(\sigma_k^2)\right).$$
#
# The parameters $\theta = (\pi, \mu, \sigma)$ start at random. **Training** changes them so
# that the training points become likely: we minimise the average **negative
# log-likelihood** (NLL)
#
# $$\mathcal{L}(\theta) = -\frac{1}{N} \sum_{i=1}^{N} \log p_\theta(x_i)$$
#
# by gradient descent. This is *maximum-likelihood training*, and every model of the
# course is trained this way or by a close relative of it.

# %% [markdown] slideshow={"slide_type": "subslide"}
# Here is the log-density written out for one point, checked against the model's own
# `log_prob`. Reading it line by line is the best way to see that there is no magic: a
# weighted sum of bell curves, computed in log space so that tiny numbers do not round to 0.

# %% slideshow={"slide_type": "fragment"}
model = GaussianMixture(n_components=3, dim=2)
x = data.train[:1]                                         # one point, shape (1, 2)

weights = model.logits.softmax(dim=0)                      # pi_k: positive, summing to 1
scales = model.log_scales.exp()                            # sigma_k: positive widths
z = (x - model.means) / scales                             # how many widths from each centre
log_bell = (-0.5 * z**2 - scales.log() - 0.5 * math.log(2 * math.pi)).sum(dim=1)
log_p = torch.logsumexp(weights.log() + log_bell, dim=0)   # log sum_k pi_k N(x; mu_k, sigma_k)

print(f"by hand: {log_p.item():.4f}   model.log_prob: {model.log_prob(x).item():.4f}")
expect(torch.allclose(log_p, model.log_prob(x)[0]), "the hand-written log-density equals the model's",
       observed=f"{log_p.item():.6f} by hand, {model.log_prob(x).item():.6f} from the model",
       why="if you edited the formula above, compare it line by line with the density");

# %% [markdown] slideshow={"slide_type": "subslide"}
# `fit` runs the training loop: draw a mini-batch of points, compute the NLL, take one
# gradient step, repeat for a fixed number of steps. A fixed step budget (rather than
# "train for 10 seconds") gives the same result on every machine.

# %% slideshow={"slide_type": "fragment"}
history = fit(model, data.train, steps=600, batch_size=256, lr=0.05)
plot_history(history, title="Training the mixture: negative log-likelihood falls",
             ylabel="NLL (nats per point)");

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Where is the knowledge?** Everything the model learned from 4,000 numbers (2,000
# points of 2 coordinates) now sits in its parameters:

# %% slideshow={"slide_type": "fragment"}
n_parameters = sum(p.numel() for p in model.parameters())
print(f"{n_parameters} parameters summarise {data.train.numel()} numbers of training data")
with torch.no_grad():
    for k in range(3):
        w = model.logits.softmax(0)[k].item()
        mu = model.means[k].tolist()
        sd = model.log_scales[k].exp().tolist()
        print(f"bump {k}: weight {w:.2f}   centre ({mu[0]:+.2f}, {mu[1]:+.2f})   "
              f"widths ({sd[0]:.2f}, {sd[1]:.2f})")

# %% [markdown]
# The data were made from three blobs with weights 0.5, 0.3 and 0.2, centres
# (−1.2, −0.8), (1.2, −0.6) and (0, 1.2), and width 0.25: training put its bumps near
# them (in some order) from the points alone. *Near*, not *on*: did 600 gradient steps
# find the best parameters, the **maximum-likelihood** solution for these 2,000 points?
#
# For a Gaussian mixture we can compute that solution another way, with the
# **expectation–maximisation** (EM) algorithm (Dempster, Laird & Rubin 1977; Bishop,
# *Pattern Recognition and Machine Learning*, 2006, §9.2.2). Each round, (E) compute how
# much each bump is responsible for each point, $r_{ik} \propto \pi_k \mathcal{N}(x_i; \mu_k, \sigma_k^2)$,
# then (M) set every bump's weight, centre and width to the responsibility-weighted
# share, mean and spread of the points. No round lowers the likelihood; we start from the
# trained parameters and stop when a round changes the NLL by less than $10^{-10}$.

# %% slideshow={"slide_type": "subslide"}
def em_to_convergence(x, weights, means, variances, tol=1e-10, max_rounds=1000):
    """EM for a diagonal Gaussian mixture; returns (weights, means, variances, rounds, NLL)."""
    previous = float("inf")
    for rounds in range(1, max_rounds + 1):
        log_joint = (-0.5 * (x[:, None, :] - means) ** 2 / variances
                     - 0.5 * torch.log(2 * torch.pi * variances)).sum(-1) + weights.log()
        log_px = torch.logsumexp(log_joint, dim=1)                  # log p(x_i), shape (N,)
        r = (log_joint - log_px[:, None]).exp()                      # E: responsibilities (N, K)
        n_k = r.sum(0)
        weights, means = n_k / len(x), (r.T @ x) / n_k[:, None]       # M: shares and means
        variances = (r.T @ x**2) / n_k[:, None] - means**2            # M: spreads
        nll = -log_px.mean().item()                                   # NLL before this M step
        if previous - nll < tol:
            return weights, means, variances, rounds, nll
        previous = nll
    raise RuntimeError(f"EM did not converge in {max_rounds} rounds; raise max_rounds or tol.")

# %% slideshow={"slide_type": "subslide"}
with torch.no_grad():
    fitted = (model.logits.softmax(0), model.means.clone(), model.log_scales.exp() ** 2)
    ml_w, ml_mu, ml_var, rounds, ml_nll = em_to_convergence(data.train, *fitted)
    gd_nll = model.loss(data.train).item()
print(f"EM stopped after {rounds} rounds")
print(f"{'bump':>4}{'weight: trained':>17}{'maximum likelihood':>20}{'centre gap':>12}{'width gap':>11}")
for k in range(3):
    print(f"{k:>4}{fitted[0][k].item():>17.3f}{ml_w[k].item():>20.3f}"
          f"{(fitted[1][k] - ml_mu[k]).norm().item():>12.3f}"
          f"{(fitted[2][k].sqrt() - ml_var[k].sqrt()).abs().max().item():>11.3f}")
print(f"training NLL: trained {gd_nll:.4f}, maximum likelihood {ml_nll:.4f} nats per point "
      f"(gap {gd_nll - ml_nll:.4f})")
expect(gd_nll - ml_nll >= -1e-4, "EM's solution is at least as likely as the trained one",
       observed=f"trained NLL {gd_nll:.4f}, EM NLL {ml_nll:.4f}",
       why="EM started from the trained parameters and never lowers the likelihood");

# %% [markdown] slideshow={"slide_type": "subslide"}
# Read the table: training got close to the maximum-likelihood solution but did not
# reach it. Its weights are off by a few hundredths, and its NLL is a little above the
# best possible one for this sample. Gradient descent with mini-batches and a fixed budget
# of 600 steps keeps jittering around the optimum instead of settling on it; more steps
# or a decaying learning rate would close most of the gap. Note also that even the
# maximum-likelihood weights are not the recipe's 0.5/0.3/0.2: they match the *sample*
# (its blobs hold about those shares of the 2,000 points, give or take sampling noise).
# More data moves the sample, and so the best fit, closer to the recipe. That is the
# next section.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Step 3 — generate from a random starting point
#
# To make a new point: roll a die weighted by $\pi$ to choose a bump, then start from
# random Gaussian noise $\varepsilon \sim \mathcal{N}(0, I)$ and move it to that bump:
# $x = \mu_k + \sigma_k \odot \varepsilon$. Random numbers in, a new example out. Every
# generator of the course does this, with a more elaborate function from noise to data.

# %% slideshow={"slide_type": "fragment"}
device = model.means.device                                 # new tensors follow the model
generator = torch.Generator(device=device).manual_seed(1)
with torch.no_grad():
    bump = torch.multinomial(model.logits.softmax(0), 1000, replacement=True, generator=generator)
    noise = torch.randn(1000, 2, generator=generator, device=device)  # the random starting point
    samples = model.means[bump] + model.log_scales.exp()[bump] * noise

scatter_compare(data.train, samples, title="Training data and 1,000 generated points");

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Is it any good? Likelihood of unseen data
#
# A model that learned the *distribution*, rather than the particular points, gives
# held-out points about the same likelihood as training points. Too few bumps cannot
# describe the data (**underfitting**); a bump on every training point describes the
# training points perfectly and nothing else (**memorising**).
#
# The memoriser below is a mixture with one narrow bump (width 0.001) on each of the 2,000
# training points. Sampling it returns training points plus a hair of noise.

# %% slideshow={"slide_type": "subslide"}
def memoriser(points: torch.Tensor, width: float = 0.001) -> GaussianMixture:
    """A mixture with a narrow bump on every training point: it can only copy."""
    copycat = GaussianMixture(n_components=len(points), dim=2)
    with torch.no_grad():
        copycat.logits.zero_()
        copycat.means.copy_(points)
        copycat.log_scales.fill_(math.log(width))
    return copycat


models = {}
for k in (1, 3, 8):
    models[f"mixture, {k} bump{'s' if k > 1 else ''}"] = GaussianMixture(n_components=k, dim=2)
    fit(models[f"mixture, {k} bump{'s' if k > 1 else ''}"], data.train, steps=600,
        batch_size=256, lr=0.05, progress=False)
models["memoriser (2,000 bumps)"] = memoriser(data.train)

print(f"{'model':<26}{'parameters':>11}{'train NLL':>11}{'held-out NLL':>14}")
with torch.no_grad():
    for name, m in models.items():
        n_params = sum(p.numel() for p in m.parameters())
        print(f"{name:<26}{n_params:>11,}{m.loss(data.train).item():>11.3f}"
              f"{m.loss(data.test).item():>14.3f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# Read the table: one bump underfits (high NLL everywhere). Three or eight bumps do about
# equally well on training and held-out data: they generalise. The memoriser has by far
# the best training NLL and by far the worst held-out NLL: points it has not seen get
# almost zero density. **Held-out likelihood exposes memorisation.**

# %% [markdown] slideshow={"slide_type": "slide"}
# ## New, or copied? The nearest training neighbour
#
# For a model we cannot compute likelihoods with (a GAN, later), we can still ask of each
# sample: *how far is it from the closest training point?* Fresh, real data gives the
# yardstick: held-out points lie some typical distance from the training set. A sample
# much closer than that is a **near-copy**. We call a sample a near-copy when it is closer
# than 95% of held-out points are.

# %% slideshow={"slide_type": "subslide"}
g = torch.Generator().manual_seed(2)
generated = {
    "mixture, 3 bumps": models["mixture, 3 bumps"].sample(500, generator=g),
    "memoriser": models["memoriser (2,000 bumps)"].sample(500, generator=g),
}
for name, points in generated.items():
    print(f"{name:<18}", novelty_report(points, data.train, data.test))

fig, ax = plt.subplots(figsize=(6.5, 3.5))
bins = torch.linspace(0, 0.08, 41).tolist()
ax.hist(nearest_neighbour_distances(data.test, data.train).tolist(), bins=bins, alpha=0.6,
        label="held-out real points")
for name, points in generated.items():
    ax.hist(nearest_neighbour_distances(points, data.train).tolist(), bins=bins, alpha=0.6,
            label=f"samples: {name}")
ax.set_xlabel("distance to the nearest training point")
ax.set_ylabel("number of points")
ax.set_title("New points lie as far from the training set as real unseen points do")
ax.legend();

# %% [markdown] slideshow={"slide_type": "subslide"}
# The mixture's samples are spread like held-out data: new points from the same
# distribution. Almost every memoriser sample is a near-copy. The same test, on images,
# text and melodies, returns in lessons 05, 06, 08 and in the ethics lesson, where copying
# training data has legal and privacy consequences.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## How much data? Training on a small and a large dataset
#
# "Trained on a large dataset" is part of every description of generative AI. Here is
# what the size of the dataset changes, on our three blobs: we train the same 3-bump
# mixture on the first 10, 30, 100, 300, 1,000 and 2,000 training points, and measure
# each on the same 500 held-out points: its held-out NLL, and the share of its samples
# that are near-copies of its (small) training set, with the yardstick above recomputed
# for each training set (about 5% for a model that does not copy).

# %% slideshow={"slide_type": "subslide"}
sizes = [10, 30, 100, 300, 1000, 2000]
by_size = {"train NLL": [], "held-out NLL": [], "near-copies": []}
for n in sizes:
    small = GaussianMixture(n_components=3, dim=2)
    fit(small, data.train[:n], steps=600, batch_size=256, lr=0.05, progress=False)
    with torch.no_grad():
        by_size["train NLL"].append(small.loss(data.train[:n]).item())
        by_size["held-out NLL"].append(small.loss(data.test).item())
        points = small.sample(500, generator=torch.Generator().manual_seed(2))
    threshold = nearest_neighbour_distances(data.test, data.train[:n]).quantile(0.05)
    by_size["near-copies"].append(
        (nearest_neighbour_distances(points, data.train[:n]) <= threshold).float().mean().item())

# %% slideshow={"slide_type": "subslide"}
fig, (ax_nll, ax_copy) = plt.subplots(1, 2, figsize=(11, 3.8))
for name in ("train NLL", "held-out NLL"):
    ax_nll.plot(sizes, by_size[name], "o-", label=name)
ax_nll.set(xscale="log", xlabel="training points", ylabel="NLL (nats per point)",
           title="More data: train and held-out NLL meet")
ax_nll.legend()
share = torch.tensor(by_size["near-copies"])
half_width = 1.96 * (share * (1 - share) / 500).sqrt()   # 95% interval, 500 samples each
ax_copy.errorbar(sizes, 100 * share, yerr=100 * half_width, fmt="o-", capsize=3,
                 label="samples (95% interval)")
ax_copy.axhline(5, color="grey", ls="--", label="held-out data: 5% by definition")
ax_copy.set(xscale="log", xlabel="training points", ylabel="% near-copies",
            title="Less data: more samples copy a training point")
ax_copy.legend()
fig.tight_layout()
for n, tr, te, c in zip(sizes, *by_size.values()):
    print(f"{n:>5} points: train NLL {tr:6.3f}, held-out NLL {te:6.3f}, near-copies {c:.0%}")
expect(by_size["held-out NLL"][0] > by_size["held-out NLL"][-1] + 0.5,
       "the model trained on 10 points generalises much worse than the one trained on 2,000",
       observed=f"held-out NLL {by_size['held-out NLL'][0]:.2f} (10 points) and "
                f"{by_size['held-out NLL'][-1]:.2f} (2,000 points)");

# %% [markdown] slideshow={"slide_type": "subslide"}
# With 10 points the model explains its training points *better* than the big model does
# (a lower, even negative, training NLL: the bumps shrink around the few points), but it
# gives unseen points a much worse NLL, and many of its samples land almost on top of a
# training point. As the dataset grows the two NLLs meet, the held-out NLL approaches its
# floor (the spread of the data itself), and samples are no closer to the training
# points than fresh data is. A model with millions of parameters needs correspondingly
# more data before the same happens, which is why large generative models are trained
# on large datasets.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Where a few bumps are not enough
#
# Real data (images, text, music) have shapes that no handful of bumps describes. Here is
# the same eight-bump mixture trained on a spiral: the density is a string of blobs, and
# samples fall between the arms. The rest of the course replaces "a few bumps" with
# neural networks, which can bend random noise into almost any shape.

# %% slideshow={"slide_type": "subslide"}
spiral = load_toy2d("spiral", n_train=2000, n_test=500)
spiral_model = GaussianMixture(n_components=8, dim=2)
fit(spiral_model, spiral.train, steps=800, batch_size=256, lr=0.05, progress=False)
with torch.no_grad():
    print(f"spiral, 8 bumps: train NLL {spiral_model.loss(spiral.train).item():.3f}, "
          f"held-out NLL {spiral_model.loss(spiral.test).item():.3f}")
scatter_compare(spiral.train, spiral_model.sample(1000, generator=torch.Generator().manual_seed(3)),
                title="Eight bumps cannot follow a spiral");

# %% [markdown] slideshow={"slide_type": "slide"}
# ## A first look at every model family of the course
#
# The same three steps, with neural networks. These models ship with the course, trained
# by `genai-course train NAME` (each one's metadata records how long that took; the cell
# prints it); later lessons build each one from scratch. Each turns random numbers into something new:
#
# - a **GAN** and a **VAE** turn a random vector into a whole digit at once;
# - a **flow** (the family behind today's image tools) starts from pure noise the size of the
#   image and removes it in a few small steps;
# - an **autoregressive** model draws one pixel, one character or one note at a time,
#   each a weighted coin flip that depends on what came before.

# %% slideshow={"slide_type": "subslide"}
from genai_course.music.generate import continue_melody
from genai_course.music.pianoroll import plot_piano_roll
from genai_course.music.tokens import MelodyTokenizer
from genai_course.plotting import image_grid
from genai_course.pretrained import load_pretrained
from genai_course.tokenizer import CharTokenizer

g = torch.Generator().manual_seed(0)
digits_wanted = torch.arange(10).repeat(2)  # these models can be asked for a given digit
fig, axes = plt.subplots(1, 4, figsize=(16, 2.2), layout="constrained")
families = {"digits-gan": "GAN: noise vector -> image",
            "digits-vae": "VAE: latent vector -> image",
            "digits-pixel": "autoregressive: pixel by pixel",
            "digits-flow": "flow: noise -> image, step by step"}
for ax, (name, title) in zip(axes, families.items()):
    shipped = load_pretrained(name)
    meta = shipped.pretrained_metadata                        # how it was trained, recorded
    print(f"{name}: {meta['steps']:,} steps, {meta['train_seconds']:.0f} s of training "
          "(as recorded when it was trained)")
    image_grid(shipped.sample(20, generator=g, labels=digits_wanted), nrow=10, ax=ax, title=title)
fig.suptitle("Digits 0-9, twice, from four families of generative model")
plt.show()

# %% slideshow={"slide_type": "subslide"}
text_model = load_pretrained("char-gru")
chars = CharTokenizer.from_dict(text_model.pretrained_metadata["config"]["tokenizer"])
prompt = chars.encode("A function ")[None]
continuation = text_model.generate(prompt, 160, temperature=0.8, generator=g)[0]
print("Text, one character at a time (a model of Python's documentation):\n")
print(chars.decode(continuation))

music_model = load_pretrained("chorale-gru")
notes = MelodyTokenizer.from_dict(music_model.pretrained_metadata["tokenizer"])
seed_phrase = [(67, 1.0), (67, 1.0), (69, 1.0), (71, 1.0)]  # G G A B, one beat each
melody = continue_melody(music_model, notes, seed_phrase, n_notes=20, temperature=0.8,
                         generator=g)
seed_length = sum(duration for _, duration in seed_phrase)
plot_piano_roll({"seed phrase (given)": seed_phrase,
                 "generated": [(None, seed_length)] + melody[len(seed_phrase):]},  # None: a rest
                title="A melody, one note at a time (a model of Bach chorale melodies)");

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Where the course goes
#
# | lesson | family | the random starting point | what turns it into data |
# |---|---|---|---|
# | 01 | GANs | a noise vector $z$ | a generator network trained against a discriminator |
# | 02 | VAEs | a latent vector $z \sim \mathcal{N}(0, I)$ | a decoder network trained with an encoder |
# | 03 | autoregressive models | one random draw per step | a network predicting the next element from the previous ones |
# | 04 | diffusion and flow matching | pure noise, the same shape as the data | a network that learns, step by step, how to remove the noise |
# | 05 | image generation | all four families on the same digits, compared | |
# | 06 | text generation | a character at a time | a recurrent network trained on Python's documentation |
# | 07 | language models | a token at a time | a transformer: attention, sub-word tokens, scale, and tuning into an assistant |
# | 08 | music composition | a note at a time | the same kind of network, trained on Bach chorales |
# | 09 | ethics | what the measurements of this lesson mean for people | |

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Recap
#
# - A generative model is trained on examples, stores what it learned in its parameters,
#   and turns random numbers into new examples.
# - Maximum-likelihood training minimises the negative log-likelihood of the training data.
# - Held-out likelihood tells generalisation from memorisation; the distance from each
#   sample to its nearest training example tells new samples from copies.
# - Training with a fixed step budget gets *near* the maximum-likelihood solution, not
#   onto it; check it against an exact method where one exists (EM, here).
# - With little data a model fits its training points and copies them; more data closes
#   the gap between training and held-out likelihood.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Check your understanding
#
# 1. The 3-bump mixture has 15 parameters. Where do the 15 come from? How many would a
#    mixture of 10 bumps in 5 dimensions have?
# 2. Why does the memoriser have the best training NLL and the worst held-out NLL?
# 3. The threshold for a near-copy is the 5% quantile of held-out distances. What fraction
#    of samples from a perfect model of the data would you expect below it?
# 4. Which would you rather have for a spiral: more bumps, or a different kind of model?
#    What would go wrong with 2,000 bumps?
# 5. Gradient training stopped a little short of the maximum-likelihood solution. Name
#    two changes to the `fit` call that would bring it closer.

# %% [markdown] slideshow={"slide_type": "subslide"}
# <details><summary>Answers</summary>
#
# 1. Each bump has 1 weight logit, 2 centre coordinates and 2 log-widths: 5 per bump,
#    15 for 3 bumps (only 14 are free, since the weights must add up to 1). With 10
#    bumps in 5 dimensions: 10 × (1 + 5 + 5) = 110.
# 2. Every training point sits at the centre of its own very narrow bump, so it gets a
#    huge density; an unseen point lies many widths away from every bump, so it gets
#    almost none. The memoriser stores the points, not the distribution.
# 3. About 5%: samples from a perfect model are distributed like held-out data, and 5% of
#    held-out points fall below the threshold by construction.
# 4. A different kind of model (a neural network that bends noise into the spiral's
#    shape). More bumps help a little, but 2,000 bumps on 2,000 points is the memoriser:
#    a perfect training NLL, a terrible held-out NLL, and copies instead of new points.
# 5. More steps, a learning rate that decays towards 0 (so the steps stop jittering), or
#    larger (full) batches; or run EM, which is exact for this model.
#
# </details>
#
# **Exercise:** `exercises/00_mechanism.ipynb` asks you to write the sampler and the
# near-copy test yourself.
