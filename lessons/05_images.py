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
# # Lesson 05 — Image generation: four families, one set of digits
#
# Lessons 01–04 built four kinds of generator: a **GAN** (a generator trained against a
# discriminator), a **VAE** (a decoder trained with an encoder through a Gaussian latent
# space), a **pixel autoregressive model** (one pixel at a time, by the chain rule) and a
# **flow-matching model** (noise carried to data in small steps, the family behind today's
# image tools). Here all four meet on the same 8×8 handwritten digits, and we *measure* them.
#
# **By the end of this lesson you will be able to**
# - describe a training set by its statistics (class mix, mean images, pixel values);
# - compare generators with four numbers: a classifier-feature **Fréchet distance**
#   (the idea behind FID), **class coverage**, the **near-copy fraction** and
#   **sampling speed** — and read each against its real-versus-real floor; separate
#   fidelity from diversity with k-NN **precision and recall**;
# - use class-conditional generation ("draw a 7") and latent interpolation;
# - measure three challenges: the cost of higher resolution, memorisation when data are
#   few, and bias in the class mix of generated images;
# - place DALL-E 2, Imagen, Stable Diffusion, Midjourney, Flux, SD3, Imagen 3, Craiyon,
#   Artbreeder, NightCafe, Dream by WOMBO and VQGAN+CLIP on this map of four families.

# %% slideshow={"slide_type": "skip"}
import matplotlib.pyplot as plt
import torch
from IPython.display import display

from genai_course import fit, seed_everything
from genai_course.data import load_digits
from genai_course.metrics import (
    class_coverage,
    class_shares,
    classify_digits,
    digit_features,
    frechet_digit_distance,
    frechet_distance,
    image_novelty,
    nearest_neighbour_distances,
    sampling_speed,
    to_unit_scale,
)
from genai_course.metrics.precision_recall import digit_precision_recall
from genai_course.models.gan import GAN, GANConfig
from genai_course.models.pixel import PixelConfig, PixelMADE
from genai_course.models.vae import VAE, VAEConfig
from genai_course.plotting import image_grid
from genai_course.pretrained import load_pretrained
from genai_course.teaching import expect
from genai_course.widgets.class_picker import ClassPicker

seed_everything(0)  # one call fixes every random draw below: same numbers on every run

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1. What the model sees
#
# Every model of this lesson learns from the same 1,437 training digits (scikit-learn's
# handwritten digits, 8×8 pixels, 17 grey levels); 360 more are held out as the test set.
# Each family reads them on its own scale: the GAN's `tanh` output wants $[-1, 1]$, the
# VAE's Bernoulli decoder $[0, 1]$, and the pixel model pixels that are on or off (on
# when above half intensity). Before training anything, look at the data the way a
# model will: how many of each class, what an average digit looks like, which pixel
# values occur.

# %% slideshow={"slide_type": "subslide"}
digits = {scale: load_digits(scale) for scale in ("unit", "symmetric", "binary")}
data = digits["unit"]
train_counts = torch.bincount(data.y_train, minlength=10)
test_counts = torch.bincount(data.y_test, minlength=10)
print("class      ", " ".join(f"{k:>4}" for k in range(10)))
print("train count", " ".join(f"{int(c):>4}" for c in train_counts))
print("test count ", " ".join(f"{int(c):>4}" for c in test_counts))
print(f"pixels exactly 0: {(data.x_train == 0).float().mean():.0%};  "
      f"pixels on after binarising: {digits['binary'].x_train.mean():.0%}")

# %% slideshow={"slide_type": "subslide"}
fig, axes = plt.subplots(1, 3, figsize=(13, 3.2), gridspec_kw={"width_ratios": [1.2, 1, 1.2]})
axes[0].bar(torch.arange(10) - 0.2, train_counts, width=0.4, label=f"train ({len(data.y_train):,})")
axes[0].bar(torch.arange(10) + 0.2, test_counts, width=0.4, label=f"test ({len(data.y_test):,})")
axes[0].set_xticks(range(10))
axes[0].set_xlabel("digit class")
axes[0].set_ylabel("number of images")
axes[0].set_title("Class counts: nearly balanced")
axes[0].legend(fontsize=8)
class_means = torch.stack([data.x_train[data.y_train == k].mean(0) for k in range(10)])
image_grid(class_means, nrow=5, ax=axes[1], vmin=0, vmax=1,
           title="Mean training image of each class\n(0-4 above, 5-9 below)")
axes[2].hist(data.x_train.flatten().tolist(), bins=17, range=(0, 1), log=True)
axes[2].axvline(0.5, color="tab:red", linestyle="--", label="binarising threshold")
axes[2].set_xlabel("pixel intensity (unit scale)")
axes[2].set_ylabel("number of pixels (log scale)")
axes[2].set_title("Pixel values: mostly background")
axes[2].legend(fontsize=8)
fig.tight_layout()

# %% [markdown] slideshow={"slide_type": "subslide"}
# The classes are balanced to within a few images, so a good generator should draw each
# digit about 10% of the time. The class means are recognisable but blurred: a model that
# only learned averages would draw these. Almost half the pixels are exactly 0 (the border
# is nearly always empty), so most of the information sits in a few central pixels, and
# binarising keeps the shapes while discarding the grey levels.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2. Four families side by side
#
# Training the four generators well takes minutes, not seconds, so they ship with the
# course: each was trained by `genai-course train NAME` (the recipe, its step budget and
# the measured figures are stored next to the weights) and is loaded here with
# `load_pretrained`. All four are **class-conditional**: besides noise, they take the
# digit to draw. The flow (lesson 04) samples with its default solver and number of steps
# (chosen on validation digits when it was trained, `flow.config.solver` and
# `flow.config.sample_steps`) and no guidance, so that it is judged like the others.

# %% slideshow={"slide_type": "subslide"}
models = {"GAN": load_pretrained("digits-gan"), "VAE": load_pretrained("digits-vae"),
          "pixel model": load_pretrained("digits-pixel"), "flow": load_pretrained("digits-flow")}
SCALES = {family: model.value_scale for family, model in models.items()}  # declared by each model
print(f"{'family':<12}{'checkpoint':<14}{'scale':<11}{'parameters':>11}{'train steps':>13}"
      f"{'train time':>12}")
for family, model in models.items():
    meta = model.pretrained_metadata
    n_params = sum(p.numel() for p in model.parameters())
    print(f"{family:<12}{meta['name']:<14}{SCALES[family]:<11}{n_params:>11,}{meta['steps']:>13,}"
          f"{meta['train_seconds']:>10.0f} s")
print("(the GAN's count includes its discriminator, needed only for training: the generator alone has "
      f"{sum(p.numel() for p in models['GAN'].generator.parameters()):,})")

# %% slideshow={"slide_type": "subslide"}
grid_labels = torch.arange(30) % 10   # ask each model for 0, 1, ..., 9, three times
fig, axes = plt.subplots(1, 5, figsize=(17, 3.4))
image_grid(data.x_test[:30], nrow=10, ax=axes[0], vmin=0, vmax=1, title="Real test digits")
for ax, (family, model) in zip(axes[1:], models.items(), strict=True):
    samples = model.sample(30, generator=torch.Generator().manual_seed(0), labels=grid_labels)
    image_grid(to_unit_scale(samples, SCALES[family]), nrow=10, ax=ax, vmin=0, vmax=1,
               title=f"{family}: digits 0-9, three times")
fig.tight_layout()

# %% [markdown] slideshow={"slide_type": "subslide"}
# Four looks: the GAN's digits are sharp, with grey levels like the real ones; the VAE's
# are smooth (it draws the *mean* of its Bernoulli decoder: each pixel's probability of
# being on, a soft average over plausible digits); the pixel model's are black and white
# — it was trained on binarised digits — and a little noisy, because every pixel is a
# coin toss given the pixels before it. The flow's are sharp and grey-levelled like the
# GAN's: it carried noise to digits along its learned velocity in a handful of ODE steps
# (its default solver and number, chosen on validation digits).

# %% [markdown] slideshow={"slide_type": "slide"}
# ### The judge: a digits classifier
#
# Looking is not measuring. A small convolutional classifier, trained on the real training
# digits (`genai-course train digits-classifier`; half of each training batch binarised so
# that it reads the pixel model's black-and-white digits too), serves as the judge. It gives
#
# - a **label** for every image: which digit it sees, so we can count the class mix;
# - **64 features** (its last hidden layer): a description of the image in terms the
#   classifier found useful for telling digits apart.

# %% slideshow={"slide_type": "fragment"}
judge_meta = load_pretrained("digits-classifier").pretrained_metadata
print(f"classifier test accuracy: {judge_meta['metrics']['test_accuracy']:.1%} on the real test "
      f"digits, {judge_meta['metrics']['test_accuracy_binarised']:.1%} on the binarised ones")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The Fréchet distance
#
# Fit a Gaussian to the features of the real images (mean $\mu_r$, covariance $\Sigma_r$)
# and one to the features of the generated images ($\mu_g$, $\Sigma_g$). The Fréchet
# distance between the two Gaussians is
#
# $$d^2 = \lVert \mu_r - \mu_g \rVert^2 + \operatorname{Tr}\!\left(\Sigma_r + \Sigma_g - 2\,(\Sigma_r \Sigma_g)^{1/2}\right).$$
#
# The first term says "the samples look different on average", the second "they vary in
# different ways" (too little variety shows up here). With the features of the Inception
# image network this is the **Fréchet Inception Distance, FID** (Heusel et al., 2017).
# Ours uses our little classifier, on 8×8 digits and a few hundred images, so **our numbers
# cannot be compared with published FID values** — only with each other, at equal sample
# sizes. Here it is written out and checked against the package:

# %% slideshow={"slide_type": "subslide"}
N_SAMPLES = len(data.x_train)  # as many samples as training images (see the table below)
gan_samples = models["GAN"].sample(N_SAMPLES, generator=torch.Generator().manual_seed(1),
                                   labels=data.y_train)
f_gen = digit_features(gan_samples, "symmetric").double()
f_real = digit_features(data.x_test, "unit").double()
mu_g, mu_r = f_gen.mean(0), f_real.mean(0)
cov_g, cov_r = torch.cov(f_gen.T), torch.cov(f_real.T)
# Tr((S_r S_g)^(1/2)) = sum of square roots of the eigenvalues of S_r^(1/2) S_g S_r^(1/2),
# a symmetric matrix: no complex numbers, unlike a general matrix square root
w, V = torch.linalg.eigh(cov_r)
root_r = V @ torch.diag(w.clamp(min=0).sqrt()) @ V.T
trace_sqrt = torch.linalg.eigvalsh(root_r @ cov_g @ root_r).clamp(min=0).sqrt().sum()
d2 = ((mu_r - mu_g) ** 2).sum() + cov_r.trace() + cov_g.trace() - 2 * trace_sqrt
package_d2 = frechet_distance(f_real, f_gen)
print(f"by hand: {d2.item():.4f}   frechet_distance: {package_d2:.4f}")
# torch's and numpy's eigen-solvers round differently: agreement to 1e-4 (relative) is exact enough
expect(abs(d2.item() - package_d2) < 1e-4 * max(1.0, d2.item()),
       "the formula written out gives the package's Fréchet distance",
       observed=f"{d2.item():.6f} by hand, {package_d2:.6f} from the package")

# %% [markdown] slideshow={"slide_type": "slide"}
# ### One table for the four families
#
# Each model draws 1,437 digits (as many as there are training digits) with the *labels of
# the training digits*, so that the samples should follow the training class mix; three
# times, with different seeds. Against the 360 test digits we measure:
#
# - **Fréchet distance** to the test digits (mean ± spread of the three draws). The
#   **floor** is real versus real: the 1,437 *training* digits against the same test digits.
#   Perfect samples would score about the floor, not 0 — the estimate is biased upwards for
#   finite sets, and the bias depends on the set sizes, which is why every row uses the same
#   sizes. The pixel model is judged against binarised real digits, with its own floor.
# - **class coverage**: the class mix the classifier reads in the samples against the
#   training mix (total-variation distance, 0 = same mix) and the rarest class's share;
#   for a conditional model also how often it drew the digit it was asked for;
# - **near-copies**: samples closer to their nearest training image than 95% of the test
#   digits are (lesson 00's test); real unseen digits give 5% by construction
#   (more for binary images, whose distances take few distinct values);
# - **sampling speed**: images per second, the median of three timed calls of 256 images;
# - **k-NN precision and recall** (Kynkäänniemi et al. 2019), which split the Fréchet
#   distance's two failures apart: *precision* is the share of samples that fall inside
#   the region of real test digits (balls reaching each real digit's 3rd-nearest real
#   neighbour, in classifier features): fidelity; *recall* the share of real test digits
#   inside the region of the samples: diversity. Real training digits give the floor.

# %% slideshow={"slide_type": "subslide"}
floors = {scale: frechet_digit_distance(digits[scale].x_train, digits[scale].x_test, scale)
          for scale in ("unit", "binary")}

results = {}
for family, model in models.items():
    scale, d = SCALES[family], digits[SCALES[family]]
    draws = [model.sample(N_SAMPLES, generator=torch.Generator().manual_seed(seed), labels=d.y_train)
             for seed in (1, 2, 3)]
    fds = torch.tensor([frechet_digit_distance(s, d.x_test, scale) for s in draws])
    pooled, asked = torch.cat(draws), d.y_train.repeat(3)
    read = classify_digits(pooled, scale)
    results[family] = {
        "fd": (fds.mean().item(), fds.std().item()),
        "floor": floors["binary" if scale == "binary" else "unit"],
        "coverage": class_coverage(read, d.y_train),
        "asked_for": (read == asked).float().mean().item(),
        "novelty": image_novelty(pooled, d.x_train, d.x_test, scale=scale),
        "speed": sampling_speed(model, n=256, labels=torch.arange(256) % 10),
    }

print(f"{'family':<12}{'Fréchet distance':>17}{'real floor':>11}{'class TV':>10}{'rarest':>8}"
      f"{'as asked':>10}{'near-copies':>13}{'(held-out)':>11}{'images/s':>11}")
for family, r in results.items():
    print(f"{family:<12}{r['fd'][0]:>10.1f} ± {r['fd'][1]:<4.1f}{r['floor']:>11.1f}"
          f"{r['coverage'].total_variation:>10.3f}{r['coverage'].smallest_share:>8.1%}"
          f"{r['asked_for']:>10.1%}{r['novelty'].near_copy_fraction:>13.1%}"
          f"{r['novelty'].heldout_near_copy_fraction:>11.1%}{r['speed'].images_per_second:>11,.0f}")

# %% slideshow={"slide_type": "subslide"}
# k-NN precision (fidelity) and recall (diversity), on the first draw of each family
pr_floor = digit_precision_recall(data.x_train, data.x_test, "unit")
print(f"{'family':<12}{'precision':>10}{'recall':>8}")
for family, model in models.items():
    scale, d = SCALES[family], digits[SCALES[family]]
    draw = model.sample(N_SAMPLES, generator=torch.Generator().manual_seed(1), labels=d.y_train)
    results[family]["pr"] = digit_precision_recall(draw, d.x_test, scale)
    print(f"{family:<12}{results[family]['pr'].precision:>10.2f}{results[family]['pr'].recall:>8.2f}")
print(f"{'real (floor)':<12}{pr_floor.precision:>10.2f}{pr_floor.recall:>8.2f}  training digits vs test digits")
lowest_recall = min(results, key=lambda f: results[f]["pr"].recall)
expect(lowest_recall == "VAE", "the VAE's smooth samples have the lowest recall of the four families",
       observed=f"lowest recall: {lowest_recall}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# How to read it (the numbers are measured on your machine as you run this):
#
# - **Quality.** Compare each Fréchet distance with its own floor, not with 0 and not with
#   another row's floor. A model at its floor would produce features the classifier cannot
#   tell apart from real digits' in mean and spread. The pixel model comes close to its floor
#   — in the easier, black-and-white world of binarised digits; the GAN is further above
#   the grey-level floor, and the VAE furthest: its blurred digits have smoother features
#   than any real digit. The flow (its default sampler, no guidance) is judged against
#   the same grey-level floor as the GAN; lesson 04 shows how its number of steps and its
#   guidance weight move its distance.
# - **Coverage.** All four draw every class and, asked for a digit, draw that digit most
#   of the time. That is the conditioning at work: the *class mix* here is chosen by us.
#   Section 4 removes the labels and lets a model choose its own mix.
# - **Novelty.** The GAN and the pixel model have fewer near-copies than real unseen digits.
#   The VAE shows *more*: but look at what it copies (next cell).
# - **Speed.** The GAN and the VAE make an image in one pass of a network; the pixel model
#   needs 64 passes, one per pixel, and is two orders of magnitude slower; the flow needs one
#   pass per Euler step (lesson 04 turns that dial). Wall-clock speed depends on the machine
#   and its load: compare rows of the same run.
# - **Fidelity and diversity.** Precision and recall say *which* way a Fréchet distance is
#   lost. The VAE's smooth samples land among real digits in feature space (high precision)
#   but cover only a narrow part of them (the lowest recall): averaging removes the variety
#   of real handwriting. A model near the real floor in both is faithful *and* varied.

# %% slideshow={"slide_type": "subslide"}
fig, axes = plt.subplots(1, 4, figsize=(17, 2.6))
for ax, family in zip(axes, models, strict=True):
    scale, d = SCALES[family], digits[SCALES[family]]
    samples = to_unit_scale(models[family].sample(200, generator=torch.Generator().manual_seed(4),
                                                  labels=torch.arange(200) % 10), scale)
    train = to_unit_scale(d.x_train, scale)
    dist = torch.cdist(samples.flatten(1), train.flatten(1))
    nearest_dist, nearest = dist.min(dim=1)
    closest = nearest_dist.argsort()[:5]            # the five samples closest to training data
    pairs = torch.stack([torch.stack([samples[i], train[nearest[i]]]) for i in closest]).transpose(0, 1)
    image_grid(pairs.reshape(10, 8, 8), nrow=5, ax=ax, vmin=0, vmax=1,
               labels=[f"{nearest_dist[i]:.2f}" for i in closest] + [""] * 5,
               title=f"{family}: closest samples (top) and\ntheir nearest training digit (bottom)")
fig.tight_layout()

# %% [markdown] slideshow={"slide_type": "subslide"}
# The closest samples do look like their nearest training digits. Copies? Two checks with a
# baseline **of the same kind**:
#
# - the VAE draws smooth images. Pass the 360 *test* digits, which it never trained on,
#   through its encoder and decoder: these smooth versions of *unseen* digits are flagged
#   as near-copies of the training set at least as often as its samples are. The flag measures
#   smoothness here, not copying: smoothing removes the pixel noise that keeps two real
#   digits apart;
# - the pixel model draws black-and-white images, and some binarised *test* digits are
#   already exact twins of a training digit: with so few pixel patterns, simple shapes
#   coincide.

# %% slideshow={"slide_type": "fragment"}
smooth_unseen = models["VAE"].reconstruct(data.x_test, data.y_test)
print("VAE reconstructions of unseen test digits:", image_novelty(smooth_unseen, data.x_train, data.x_test))
twins = nearest_neighbour_distances(digits["binary"].x_test, digits["binary"].x_train) == 0
print(f"binarised test digits with an exact twin in the training set: {twins.float().mean():.1%}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# A metric is a question asked in a particular way: **always look at what it flags**, and
# compare it with real (or equally processed) data. Section 4 shows what real memorisation
# looks like.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3. Creativity and novelty
#
# ### Interpolation: walking between two drawings
#
# Each family turns random numbers into a digit. For the GAN and the VAE those numbers are a
# latent vector $z$, and nearby vectors give similar digits. Walking in a straight line from
# $z_0$ to $z_1$ (with the label fixed) shows digits that morph smoothly: the model has
# learned a continuous space of styles, not a lookup table of training images. Keeping $z$
# fixed and changing the label shows the split of work: **the label picks the digit, the
# latent vector picks the style** (thickness, slant, size).

# %% slideshow={"slide_type": "subslide"}
gan, vae = models["GAN"], models["VAE"]
device = next(gan.parameters()).device   # every tensor made here follows the models' device
g = torch.Generator(device=device).manual_seed(5)
t = torch.linspace(0, 1, 10, device=device)[:, None]
three, ten = torch.full((10,), 3, device=device), torch.arange(10, device=device)
with torch.no_grad():
    z0, z1 = torch.randn(2, gan.config.latent_dim, generator=g, device=device)
    gan_walk = gan.decode((1 - t) * z0 + t * z1, three)      # a 3, changing style
    gan_style = gan.decode(z0.expand(10, -1), ten)           # one style, ten digits
    v0, v1 = torch.randn(2, vae.config.latent_dim, generator=g, device=device)
    vae_walk = vae.decode((1 - t) * v0 + t * v1, three)
    vae_style = vae.decode(v0.expand(10, -1), ten)
rows = torch.cat([to_unit_scale(gan_walk, "symmetric"), to_unit_scale(gan_style, "symmetric"),
                  vae_walk, vae_style])
ax = image_grid(rows, nrow=10, vmin=0, vmax=1,
                title="Rows: GAN walk z0→z1 (label 3) · GAN one z, labels 0-9 · "
                      "VAE walk (label 3) · VAE one z, labels 0-9")
ax.figure.set_size_inches(9, 4)
walk = torch.cat([to_unit_scale(gan_walk, "symmetric"), vae_walk]).cpu()
print(f"median distance of the in-between digits to their nearest training digit: "
      f"{nearest_neighbour_distances(walk, data.x_train).median():.2f} "
      f"(test digits: {nearest_neighbour_distances(data.x_test, data.x_train).median():.2f})")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### "Draw a 7": class-conditional generation
#
# A conditional model takes the digit as an input. How obediently does each family draw
# what it is asked? The classifier reads back 100 drawings of each digit per family:

# %% slideshow={"slide_type": "fragment"}
from genai_course.ethics import proportion_interval

asked = torch.arange(10, device=device).repeat_interleave(100)
print(f"{'family':<12}" + "".join(f"{k:>6}" for k in range(10)) + "   (share read back as the digit asked for)")
for family, model in models.items():
    drawn = model.sample(len(asked), generator=torch.Generator(device=device).manual_seed(6), labels=asked)
    hit = (classify_digits(drawn, SCALES[family]).to(device) == asked).float().reshape(10, 100).mean(1)
    print(f"{family:<12}" + "".join(f"{h:>6.0%}" for h in hit))
low, high = proportion_interval(90, 100)
print(f"(100 drawings per digit: a share of 90% has a 95% interval of {low:.0%}-{high:.0%}, "
      "so read differences of a few points as noise)")

# %% [markdown] slideshow={"slide_type": "subslide"}
# Now ask yourself. Pick a digit and a family and press **Generate**; every press draws new
# samples. The line under the grid says how many the classifier reads as the digit asked for.

# %% slideshow={"slide_type": "fragment"}
picker = ClassPicker(models, n=16, digit=7)  # each model declares its own value scale
display(picker.widget)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4. Quality and challenges, measured
#
# ### The cost of higher resolution
#
# Our digits have 64 pixels; a 1024×1024 photograph has about 3 million, three colours each.
# How does the cost grow with the image side $s$? Build the same architectures for
# $s$ = 8, 16, 32, 64 and **count the work** they do on random tensors (the cost does not
# depend on what the pixels show). The GAN is lesson 01's MLP (generator and discriminator,
# 256 units per layer); the pixel model is MADE with one hidden layer of 256 units.
#
# We count floating-point operations rather than time them: a timing on a shared or busy
# machine measures the other programs too (an earlier version of this figure came out
# V-shaped under load), while a count is the same on every machine. PyTorch's
# `FlopCounterMode` counts the operations of every matrix multiplication that actually
# runs, forward and backward (2 per multiply-add; the few element-wise operations are
# not counted).

# %% slideshow={"slide_type": "subslide"}
from torch.utils.flop_counter import FlopCounterMode

from genai_course.teaching import expect


def flops(step, *args) -> int:
    """Floating-point operations of the matrix multiplications in one call of ``step``."""
    with FlopCounterMode(display=False) as counter:
        step(*args)
    return counter.get_total_flops()


# %% slideshow={"slide_type": "subslide"}
sides = [8, 16, 32, 64]
cost = {"gan_params": [], "gan_step_flops": [], "made_params": [], "made_sample_flops": []}
for side in sides:
    big_gan = GAN(GANConfig(data_shape=(side, side), latent_dim=32, hidden=256, output="tanh"))
    optimizers = big_gan.make_optimizers(1e-4)
    fake_batch = torch.rand(64, side, side) * 2 - 1
    cost["gan_params"].append(sum(p.numel() for p in big_gan.parameters()))
    cost["gan_step_flops"].append(flops(big_gan.train_step, fake_batch, optimizers))
    made = PixelMADE(PixelConfig(hidden=256, layers=1, data_shape=(side, side)))
    pixels = torch.bernoulli(torch.full((16, side * side), 0.3))
    with torch.no_grad():
        one_pass = flops(made.logits, pixels)
    cost["made_params"].append(sum(p.numel() for p in made.parameters()))
    cost["made_sample_flops"].append(one_pass * side * side)   # sampling = one pass per pixel
    del made

# %% slideshow={"slide_type": "subslide"}
print(f"{'side':>5}{'pixels':>8}{'GAN params':>13}{'GAN step (GFLOP)':>18}{'MADE params':>14}"
      f"{'MADE: 16 samples (GFLOP)':>26}")
for i, side in enumerate(sides):
    print(f"{side:>5}{side * side:>8,}{cost['gan_params'][i]:>13,}{cost['gan_step_flops'][i] / 1e9:>18.2f}"
          f"{cost['made_params'][i]:>14,}{cost['made_sample_flops'][i] / 1e9:>26,.1f}")
growth = [b / a for a, b in zip(cost["made_sample_flops"], cost["made_sample_flops"][1:], strict=False)]
print("MADE sampling cost per doubling of the side: x" + ", x".join(f"{r:.0f}" for r in growth)
      + f"; from s = {sides[0]} to {sides[-1]}: x{cost['made_sample_flops'][-1] / cost['made_sample_flops'][0]:,.0f}")
expect(all(b > a for a, b in zip(cost["gan_step_flops"], cost["gan_step_flops"][1:], strict=False))
       and min(growth) > 16,
       "the cost grows with every doubling of the side, MADE's sampling more than 16-fold each time",
       observed=f"MADE growth per doubling {[round(r) for r in growth]}");

# %% slideshow={"slide_type": "subslide"}
fig, axes = plt.subplots(1, 2, figsize=(11, 3.4))
axes[0].loglog(sides, cost["gan_params"], "o-", label="GAN (MLP, both players)")
axes[0].loglog(sides, cost["made_params"], "s-", label="pixel model (MADE)")
axes[0].set_xlabel("image side s (pixels)")
axes[0].set_ylabel("parameters")
axes[0].set_title("Parameters against image side")
axes[0].legend()
axes[1].loglog(sides, cost["gan_step_flops"], "o-", label="GAN: one training step, batch 64")
axes[1].loglog(sides, cost["made_sample_flops"], "s-", label="MADE: sampling 16 images (s² passes)")
axes[1].set_xlabel("image side s (pixels)")
axes[1].set_ylabel("floating-point operations (counted)")
axes[1].set_title("Work against image side")
axes[1].legend(fontsize=8)
for ax in axes:
    ax.minorticks_off()
    ax.set_xticks(sides, [str(s) for s in sides])
fig.tight_layout()

# %% [markdown] slideshow={"slide_type": "subslide"}
# Doubling the side quadruples the pixels. A fully connected layer that reads or writes
# every pixel grows with $s^2$, so the MLP GAN's size and the work of its step grow towards fourfold
# per doubling as those layers come to dominate (at $s$ = 8 the fixed 256×256 hidden layer
# still does). MADE is worse twice over: its direct pixel-to-pixel connections grow with
# $s^4$, and sampling needs one pass per pixel, $s^2$ passes, each dearer than the last
# size's: the work for 16 samples grows by the factors printed above for each doubling,
# and by the product of them from $s$ = 8 to 64. This is why large image generators use
# convolutions (weights shared across positions), generate a small image and then upsample
# it in stages (Imagen: 64 → 256 → 1024), or work in a compressed latent space (VQGAN,
# Stable Diffusion) — never a dense layer over every pixel.

# %% [markdown] slideshow={"slide_type": "slide"}
# ### Overfitting and memorisation as the training set shrinks
#
# Train the same small pixel model (unconditional MADE) for the same 600 steps on 20, 100,
# 400 and all 1,437 binarised training digits. Two symptoms to watch: **overfitting** — the
# likelihood of the training digits keeps improving while that of the test digits does not
# (bits per pixel: lower is better) — and **memorisation** — samples that are near-copies,
# or exact copies, of training digits.

# %% slideshow={"slide_type": "subslide"}
binary = digits["binary"]
order = torch.randperm(len(binary.x_train), generator=torch.Generator().manual_seed(7))
sizes = [20, 100, 400, len(binary.x_train)]
N_MEMO = 300  # samples drawn from each model
memo = {}
for size in sizes:
    subset = binary.x_train[order[:size]]
    small = PixelMADE(PixelConfig(hidden=256, layers=1))
    fit(small, subset, steps=600, batch_size=64, lr=2e-3, progress=False)
    samples = small.sample(N_MEMO, generator=torch.Generator().manual_seed(8))
    report = image_novelty(samples, subset, binary.x_test, scale="binary")
    memo[size] = {"model": small, "subset": subset, "samples": samples, "report": report,
                  "train_bpp": small.bits_per_pixel(subset), "test_bpp": small.bits_per_pixel(binary.x_test),
                  "exact": (nearest_neighbour_distances(samples, subset) == 0).float().mean().item()}

# %% slideshow={"slide_type": "subslide"}
def share_with_interval(share: float, n: int) -> str:
    """A share of n samples with its 95% Wilson interval, e.g. '12% [9-16]'."""
    low, high = proportion_interval(round(share * n), n)
    return f"{share:.0%} [{low:.0%}-{high:.0%}]"


print(f"{'training images':>16}{'train bits/px':>15}{'test bits/px':>14}{'near-copies':>16}"
      f"{'(held-out)':>16}{'exact copies':>16}")
for size, m in memo.items():
    n_samples, n_test = len(m["samples"]), len(binary.x_test)
    print(f"{size:>16,}{m['train_bpp']:>15.3f}{m['test_bpp']:>14.3f}"
          f"{share_with_interval(m['report'].near_copy_fraction, n_samples):>16}"
          f"{share_with_interval(m['report'].heldout_near_copy_fraction, n_test):>16}"
          f"{share_with_interval(m['exact'], n_samples):>16}")
print(f"(shares of {len(memo[sizes[0]]['samples'])} samples and {len(binary.x_test)} held-out digits, "
      "with 95% Wilson intervals; one training run per size)")
smallest, largest = memo[sizes[0]], memo[sizes[-1]]
expect(proportion_interval(round(smallest["report"].near_copy_fraction * N_MEMO), N_MEMO)[0]
       > proportion_interval(round(largest["report"].near_copy_fraction * N_MEMO), N_MEMO)[1],
       "the model trained on 20 images makes more near-copies than the one trained on all, "
       "beyond the intervals",
       observed=f"{smallest['report'].near_copy_fraction:.0%} vs {largest['report'].near_copy_fraction:.0%}");

# %% slideshow={"slide_type": "subslide"}
fig, axes = plt.subplots(1, 3, figsize=(14, 3.3), gridspec_kw={"width_ratios": [1, 1.2, 1.2]})
near = [memo[s]["report"].near_copy_fraction for s in sizes]
bars = torch.tensor([proportion_interval(round(v * N_MEMO), N_MEMO) for v in near]).T
axes[0].errorbar(sizes, near, yerr=[[v - lo for v, lo in zip(near, bars[0].tolist(), strict=True)],
                                    [hi - v for v, hi in zip(near, bars[1].tolist(), strict=True)]],
                 fmt="o-", capsize=3, label="samples: near-copies (95% interval)")
axes[0].set_xscale("log")
axes[0].semilogx(sizes, [memo[s]["exact"] for s in sizes], "s-", label="samples: exact copies")
axes[0].semilogx(sizes, [memo[s]["report"].heldout_near_copy_fraction for s in sizes], "k--",
                 label="held-out real digits")
axes[0].set_xlabel("training images (log scale)")
axes[0].set_ylabel("fraction")
axes[0].set_title("Memorisation falls as data grow")
axes[0].legend(fontsize=8)
image_grid(memo[20]["subset"], nrow=10, ax=axes[1], title="All 20 training digits")
image_grid(memo[20]["samples"][:20], nrow=10, ax=axes[2], title="20 samples of the model trained on them")
fig.tight_layout()

# %% [markdown] slideshow={"slide_type": "subslide"}
# With 20 images the model reaches a far lower training loss than with all of them, while its
# test loss is the worst of the four: it has learned *those 20 images*, and most of its
# samples are near or exact copies of them. With more data the gap between training and test
# closes and copying falls to (or below) the level of real unseen digits. This is what
# "trained on a large dataset" buys, measured: the same model, given more examples, stops
# reproducing them and generalises (each share above carries its 95% interval; one training
# run per size, so small differences between neighbouring sizes are not to be read). (The held-out
# line is not exactly 5%: distances between black-and-white images take few distinct values,
# and ties at the threshold count as near-copies.) Big image models
# memorise too, above all images repeated many times in their training data — a legal and
# privacy problem discussed in lesson 09.

# %% [markdown] slideshow={"slide_type": "slide"}
# ### Bias in the generated class mix
#
# A generator learns the mix of its training data — and may distort it. Build a skewed
# training set: only **15 zeros** and **all 145 ones**, so zeros are 9% of it. Train an
# unconditional model of each family on it for 600 steps (small versions; the GAN three times
# with different seeds, since GAN training varies from run to run), draw 2,000 samples and let
# the classifier count.

# %% slideshow={"slide_type": "subslide"}
zeros = torch.nonzero(data.y_train == 0).flatten()[:15]
ones = torch.nonzero(data.y_train == 1).flatten()
skewed = torch.cat([zeros, ones])
train_share = len(zeros) / len(skewed)


def read_samples(model, scale: str, n: int = 2000) -> torch.Tensor:
    """The classifier's reading of n samples of an unconditional model."""
    return classify_digits(model.sample(n, generator=torch.Generator().manual_seed(9)), scale)


def skew_report(model, scale: str) -> torch.Tensor:
    return class_shares(read_samples(model, scale))


# the baseline: the classifier's reading of the training images, on each family's scale
readings = {scale: classify_digits(digits[scale].x_train[skewed], scale) for scale in ("unit", "binary", "symmetric")}
bias, reads = {}, {}
made = PixelMADE(PixelConfig(hidden=256, layers=1))
fit(made, digits["binary"].x_train[skewed], steps=600, batch_size=64, lr=2e-3, progress=False)
reads["pixel model"] = ("binary", read_samples(made, "binary"))
small_vae = VAE(VAEConfig(data_shape=(8, 8), latent_dim=8, hidden=256))
fit(small_vae, data.x_train[skewed], steps=600, batch_size=64, lr=1e-3, progress=False)
reads["VAE"] = ("unit", read_samples(small_vae, "unit"))
for seed in (0, 1, 2):
    small_gan = GAN(GANConfig(data_shape=(8, 8), latent_dim=16, hidden=128, output="tanh", dropout=0.3))
    fit(small_gan, digits["symmetric"].x_train[skewed], steps=600, batch_size=64, lr=5e-4,
        seed=seed, progress=False)
    reads[f"GAN (seed {seed})"] = ("symmetric", read_samples(small_gan, "symmetric"))

# %% slideshow={"slide_type": "subslide"}
print(f"training data: zeros {train_share:.1%}, ones {1 - train_share:.1%} (true labels); the classifier "
      f"reads {class_shares(readings['unit'])[0]:.1%} zeros (grey levels), "
      f"{class_shares(readings['binary'])[0]:.1%} (binarised)")
print(f"{'model':<16}{'zeros (95% interval)':>22}{'ones':>8}{'other':>8}{'zeros vs training reading':>28}")
zero_intervals = {}
for name, (scale, labels) in reads.items():
    shares = bias[name] = class_shares(labels)
    low, high = zero_intervals[name] = proportion_interval(int((labels == 0).sum()), len(labels))
    reading_share = float(class_shares(readings[scale])[0])
    ratio = f"x{shares[0] / reading_share:.2f} ({low / reading_share:.2f}-{high / reading_share:.2f})"
    print(f"{name:<16}{f'{shares[0]:.1%} ({low:.1%}-{high:.1%})':>22}{shares[1]:>8.1%}"
          f"{1 - shares[0] - shares[1]:>8.1%}{ratio:>28}")
reading_share = float(class_shares(readings["unit"])[0])
gan_zeros = [float(bias[name][0]) for name in bias if name.startswith("GAN")]
expect(float(bias["pixel model"][0]) < reading_share and zero_intervals["VAE"][1] < reading_share
       and min(gan_zeros) < 0.25 * reading_share,
       "the pixel model draws fewer zeros than the classifier reads in its training data, the VAE "
       "fewer beyond the sampling interval, and at least one GAN run almost none",
       observed=", ".join(f"{name} {float(bias[name][0]):.1%}" for name in bias)
       + f" against {reading_share:.1%} in the data");

# %% slideshow={"slide_type": "subslide"}
fig, ax = plt.subplots(figsize=(7.5, 3.2))
names = ["training data\n(classifier)"] + list(bias)
zero_shares = [float(class_shares(readings["unit"])[0])] + [float(s[0]) for s in bias.values()]
errors = [proportion_interval(int((readings["unit"] == 0).sum()), len(skewed))]
errors += [proportion_interval(int((labels == 0).sum()), len(labels)) for _, labels in reads.values()]
ax.bar(names, zero_shares, color=["tab:gray"] + ["tab:blue"] * len(bias),
       yerr=[[v - lo for v, (lo, _) in zip(zero_shares, errors, strict=True)],
             [hi - v for v, (_, hi) in zip(zero_shares, errors, strict=True)]], capsize=3)
ax.axhline(train_share, color="tab:gray", linestyle="--", label="training share of zeros (true labels)")
ax.set_xlabel("data, or model trained on it (2,000 samples each)")
ax.set_ylabel("share of zeros")
ax.set_title("The minority class in the samples, read by the classifier (95% intervals)")
ax.tick_params(axis="x", labelsize=8)
ax.legend(fontsize=8);

# %% [markdown] slideshow={"slide_type": "subslide"}
# The baseline is the classifier's reading of the training images (here it reads them as
# their true labels), and each share of 2,000 samples carries its 95% interval. The skew of
# the data is not only reproduced but **amplified**: the VAE draws fewer zeros than its data
# hold, beyond that interval. The pixel model, trained by maximum likelihood (which punishes
# giving any training image a low probability), stays closest to the training share, a
# little below it. The GAN's share of zeros depends on the run, from about the data's share
# to almost none: a GAN is not penalised for *missing* part of the data (the mode dropping
# of lesson 01), so a rare class is the first to go. The intervals cover only the sampling;
# a new training run moves the numbers more (compare the three GANs: even the same seed can
# land elsewhere on another processor, whose arithmetic rounds differently), so one run per
# family is a small sample too.
#
# Lesson 09 finds no amplification for a Gaussian mixture sampled as trained. Both hold: its
# minority is far larger (five digits kept at 20% each, against our 15 zeros), and the mixture
# is a different model, fitted on a larger training set. The scarcer the minority and the
# shorter the training, the more of it a model loses; mode-dropping objectives and
# "typical output" sampling lose more still. Rare groups in web-scale training data (people, places, styles) meet the same fate
# in large generators: bias is **measured**, as here, not assumed away. Lesson 09 audits it.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5. Where the famous image generators fit
#
# Most of today's famous systems are built on the fourth family, met in lesson 04:
# **diffusion and flow models**, which learn to remove noise step by step and generate by
# denoising pure noise over many steps (so, like our pixel model, they are slow to sample;
# lesson 04 measures the cost per step). Around the generator they add **conditioning** on
# text, through a text encoder (CLIP's or a language model's), steered with classifier-free
# guidance (lesson 04's slider), and most of them denoise a compressed **latent** rather
# than pixels (lesson 04's latent flow). Only what the makers have published is stated here.

# %% [markdown] slideshow={"slide_type": "subslide"}
# | system | family it builds on | conditioning | scale (as published) |
# |---|---|---|---|
# | **DALL-E 2** (OpenAI, 2022) | diffusion: a *prior* maps a CLIP text embedding to a CLIP image embedding, a diffusion *decoder* draws the image, diffusion upsamplers reach 1024×1024 | text, through CLIP embeddings | decoder 3.5B parameters (Ramesh et al., 2022) |
# | **Imagen** (Google, 2022) | cascaded diffusion: 64×64, then super-resolution to 256 and 1024 | text, through a frozen T5-XXL language model | 2B base model, 600M and 400M super-resolution models, 4.6B-parameter text encoder (Saharia et al., 2022) |
# | **Stable Diffusion** (CompVis, Stability AI, Runway, 2022) | *latent* diffusion: an autoencoder compresses 512×512 images 8× per side, a U-Net denoises the latent | text, through a frozen CLIP ViT-L/14 text encoder, with classifier-free guidance | about 860M-parameter U-Net, 123M text encoder; open weights (Rombach et al., 2022, and the v1 model card) |
# | **Stable Diffusion 3** (Stability AI, 2024) | latent **rectified flow** (lesson 04's flow matching) with a transformer denoiser (MMDiT) | text, through two CLIP encoders and T5-XXL | 800M to 8B parameters (Esser et al., 2024) |
# | **Flux.1** (Black Forest Labs, 2024) | latent **flow matching** (a "rectified flow transformer") | text, through CLIP-L and T5-XXL encoders | 12B parameters (the makers' model cards); the training data are not disclosed |
# | **Imagen 3** (Google, 2024) | latent diffusion, per its report; architecture details not disclosed | text prompts | not disclosed (Imagen-Team-Google, 2024) |

# %% [markdown] slideshow={"slide_type": "subslide"}
# | system | family it builds on | conditioning | scale (as published) |
# |---|---|---|---|
# | **Midjourney** | not disclosed | text prompts (and image prompts) | not disclosed: architecture, data and size are unpublished |
# | **Craiyon** (formerly DALL-E mini) | **autoregressive** (our family 3): a BART transformer writes the image as a sequence of VQGAN tokens; a VQGAN decoder (an autoencoder with a discrete code, trained with a GAN loss: relatives of families 2 and 1) turns them into pixels; CLIP ranks the results | text, read by the BART encoder | open weights for DALL-E mini/Mega; later Craiyon versions are not fully documented |
# | **Artbreeder** (originally Ganbreeder) | **GAN** (our family 1): BigGAN and StyleGAN | no text in its original tools: users mix latent vectors and class "genes" (crossbreeding = interpolation, as in section 3) | BigGAN (trained on ImageNet's classes) and StyleGAN models; Artbreeder does not publish its own models' sizes |
# | **VQGAN+CLIP** (Crowson et al., 2021–22) | **GAN**-trained VQGAN decoder, steered by CLIP | text: the VQGAN latent is *optimised at generation time* until CLIP says the image matches the prompt; no training of its own | two pretrained networks; hundreds of optimisation steps per image |
# | **NightCafe Creator** | a platform offering several public models: VQGAN+CLIP ("Artistic"), CLIP-guided diffusion ("Coherent"), Stable Diffusion, DALL-E 2 | text prompts, styles, image prompts | that of the model chosen |
# | **Dream by WOMBO** | described by a WOMBO engineer, after its 2021 launch, as CLIP-guided generation from a random starting vector; its current models are not disclosed | text prompt + a chosen style | not disclosed |

# %% [markdown] slideshow={"slide_type": "subslide"}
# What carries over from our digits: conditioning is how "draw a 7" becomes "draw a cat in
# the style of Ukiyo-e", and guidance is how strongly it is enforced (lesson 04 measures
# the diversity it costs); a classifier's features (Inception's, CLIP's) are how quality is
# measured (FID); resolution is bought with cascades and compressed latents; the number of
# denoising steps is a speed/quality dial, as in lesson 04; and every one of them faces
# the memorisation and bias questions of section 4, at a far larger scale.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Recap
#
# - Before training, describe the data: its class mix and pixel statistics are what the
#   model will reproduce, biases included.
# - Compare generators with several numbers, each against a real-versus-real floor: a
#   classifier-feature Fréchet distance (quality and variety), class coverage, the near-copy
#   fraction (novelty) and sampling speed. Look at what a metric flags before trusting it.
# - GANs are sharp and fast; VAEs are fast but blurred; pixel autoregressive models give
#   exact likelihoods but sample one pixel at a time; flows (and diffusion) are sharp and
#   cover the classes, at the price of several network calls per image. Conditioning on a
#   label (or a text) lets you ask for what you want, and guidance trades variety for fidelity.
# - k-NN precision and recall separate the two halves of the Fréchet distance: are the
#   samples like real digits (precision), and are all kinds of real digits produced (recall)?
# - Resolution costs grow fast with the image side (count the work, not the wall clock);
#   memorisation grows as data shrink; the class mix of samples can drift away from the
#   training mix. Small samples need intervals before a difference means anything.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Check your understanding
#
# 1. Why does real versus real not give a Fréchet distance of 0? Would the floor rise or
#    fall if we compared 360 training digits, instead of all 1,437, with the test digits?
#
#    <details><summary>Answer</summary>
#
#    Two finite samples differ by chance: their feature means and covariances are estimates,
#    and the distance between two noisy estimates is above 0 even for one distribution (the
#    Fréchet distance is biased upwards on small samples). With 360 instead of 1,437
#    training digits the estimates are noisier, so the floor would rise.
#    </details>
#
# 2. The VAE has the most "near-copies" but the worst Fréchet distance. Explain both with
#    one property of its samples.
#
#    <details><summary>Answer</summary>
#
#    They are blurred averages. A smooth average digit lies close, pixel by pixel, to many
#    training digits (near-copies by distance), yet lacks the sharp strokes and the variety
#    of real digits, so its classifier features sit far from theirs.
#    </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# 3. A conditional model's class coverage is nearly perfect. Does that show it is free of
#    class bias? What does section 4's experiment measure that the table does not?
#
#    <details><summary>Answer</summary>
#
#    No: when we ask for each digit in turn, coverage measures obedience to the label. The
#    bias experiment trains *unconditional* models on a skewed set and measures which mix
#    they produce on their own, against the classifier's reading of their training data.
#    </details>
#
# 4. By how much does the number of MADE parameters grow from 8×8 to 64×64 images? Which
#    part of the model causes it?
#
#    <details><summary>Answer</summary>
#
#    Read it from the table: several hundred-fold. The weights into and out of the hidden
#    layer grow with the number of pixels ($s^2$), but the direct pixel-to-pixel connections
#    grow with its square ($s^4$) and dominate at large sides.
#    </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# 5. Why does the resolution-cost figure count floating-point operations instead of timing
#    the steps? What does the count leave out?
#
#    <details><summary>Answer</summary>
#
#    A timing measures the machine as well as the model: on a busy or shared computer other
#    programs slow some runs (an earlier timed version came out V-shaped). The count is the
#    same everywhere. It leaves out memory traffic, element-wise operations and overheads,
#    which matter for real speed on small models.
#    </details>
#
# 6. Which of the systems in the table use a family from this course, and which part of
#    them does?
#
#    <details><summary>Answer</summary>
#
#    Craiyon: an autoregressive transformer writes VQGAN tokens, and the VQGAN (an
#    autoencoder trained with a GAN loss) turns them into pixels. Artbreeder: GANs (BigGAN,
#    StyleGAN). VQGAN+CLIP and NightCafe's "Artistic" mode: a GAN-trained VQGAN decoder.
#    DALL-E 2, Imagen, Stable Diffusion, SD3, Flux and Imagen 3 build on diffusion or flow
#    models (lesson 04): the fourth family of the table in section 2.
#    </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Exercise:** `exercises/05_images.ipynb` asks you to write the nearest-training-image
# distance, the Fréchet distance between Gaussians with diagonal covariances, and class
# coverage yourself.
