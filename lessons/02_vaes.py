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
# # Lesson 02 — Variational Autoencoders
#
# An **autoencoder** squeezes an image through a few numbers and rebuilds it. A
# **variational autoencoder** (VAE, Kingma & Welling 2014) adds one idea: make those
# numbers *random*, and pull their distribution towards a plain unit Gaussian. Then we
# can generate: draw random numbers from that Gaussian and decode them.
#
# **By the end of this lesson you will be able to**
# - train an autoencoder and explain what its bottleneck does;
# - write the VAE's encoder outputs (a mean and a variance), the reparameterisation
#   trick and both terms of the ELBO;
# - draw a 2D latent space, coloured by digit, and read it;
# - generate digits by sampling the prior, and explain why a plain autoencoder cannot;
# - explore a latent space with sliders and interpolate between two digits.

# %% slideshow={"slide_type": "skip"}
import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F
from IPython.display import display

from genai_course import fit, seed_everything
from genai_course.data import load_digits
from genai_course.metrics.images import classify_digits
from genai_course.models import VAE, Autoencoder
from genai_course.plotting import image_grid, plot_history
from genai_course.pretrained import load_pretrained
from genai_course.widgets.latent import LatentExplorer, LatentInterpolator

seed_everything(0)  # one call fixes every random draw below: same numbers on every run

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The data: 8×8 digits on the [0, 1] scale
#
# 1,437 training and 360 test images of handwritten digits (scikit-learn's digits). Each
# pixel is a grey level in [0, 1]; a VAE's decoder will output, for every pixel, a
# probability of "ink".

# %% slideshow={"slide_type": "fragment"}
digits = load_digits("unit")
print(digits)
image_grid(digits.x_train[:20], nrow=10, labels=digits.y_train[:20].tolist(),
           title="Training digits (label above each)");

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1. The autoencoder: encoder, bottleneck, decoder
#
# The **encoder** maps an image $x$ (64 numbers) to a **code** $z$ of just 2 numbers; the
# **decoder** maps $z$ back to 64 pixel probabilities $\hat x$. Both are small neural networks
# (two hidden layers of 256 units). Training minimises the **reconstruction error**,
# here the binary cross-entropy summed over the pixels:
#
# $$\mathcal{L}_\text{AE}(x) = -\sum_{i=1}^{64} \big[x_i \log \hat x_i + (1 - x_i)\log(1 - \hat x_i)\big].$$
#
# Two numbers cannot store 64, so the network must find what matters: the **bottleneck**
# forces compression.

# %% slideshow={"slide_type": "subslide"}
ae = Autoencoder(latent_dim=2)
print(ae)
ae_history = fit(ae, digits.x_train, steps=1500, batch_size=128, lr=1e-3,
                 description="training the autoencoder")

# %% slideshow={"slide_type": "subslide"}
with torch.no_grad():
    ae_test_rec = ae.loss(digits.x_test)["reconstruction"].item()
print(f"autoencoder, test reconstruction error: {ae_test_rec:.2f} nats per image")
fig, axes = plt.subplots(1, 2, figsize=(10, 2.8))
image_grid(digits.x_test[:10], nrow=10, ax=axes[0], title="Test digits", vmin=0, vmax=1)
image_grid(ae.reconstruct(digits.x_test[:10]), nrow=10, ax=axes[1], vmin=0, vmax=1,
           title="Rebuilt from 2 numbers each");

# %% [markdown]
# The reconstructions keep the gist (which digit, how slanted) and lose details: two
# numbers per image is a hard squeeze. A larger code rebuilds better, but then we can no
# longer draw it.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2. The VAE: the encoder outputs a distribution
#
# A VAE's encoder does not output one code but a Gaussian over codes,
# $q(z \mid x) = \mathcal{N}\big(\mu(x), \operatorname{diag}\sigma^2(x)\big)$: a **mean** $\mu$ and a
# **log-variance** $\log\sigma^2$ per latent dimension (the log keeps $\sigma^2$ positive
# without constraints). "This image is somewhere around $\mu$, give or take $\sigma$."

# %% slideshow={"slide_type": "fragment"}
vae = VAE(latent_dim=2)
x = digits.x_train[:3]
mu, logvar = vae.encode(x)
print("mean:", tuple(mu.shape), " log-variance:", tuple(logvar.shape))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The reparameterisation trick
#
# To train, we need $z \sim q(z \mid x)$, and gradients with respect to $\mu$ and $\sigma$.
# "Draw a random number" has no gradient, so we move the randomness out of the way:
# draw $\varepsilon \sim \mathcal{N}(0, I)$, which does not depend on anything we train, then
#
# $$z = \mu + \sigma \odot \varepsilon, \qquad \sigma = \exp\big(\tfrac12 \log\sigma^2\big).$$
#
# Now $z$ is ordinary arithmetic on $\mu$ and $\sigma$, and backpropagation goes through it.

# %% slideshow={"slide_type": "fragment"}
eps = torch.randn(mu.shape)                  # the randomness, with no parameters in it
z = mu + torch.exp(0.5 * logvar) * eps       # a sample from N(mu, sigma^2)
z.sum().backward()                           # gradients reach the encoder through mu and sigma
print("encoder gets a gradient:", vae.encoder[0].weight.grad.abs().sum().item() > 0)
vae.zero_grad()

# %% [markdown] slideshow={"slide_type": "slide"}
# ### The ELBO: reconstruction + KL
#
# A VAE maximises the **evidence lower bound**, a lower bound on the log-likelihood:
#
# $$\log p(x) \;\ge\; \text{ELBO}(x) = \underbrace{\mathbb{E}_{q(z\mid x)}\big[\log p(x \mid z)\big]}_{-\text{reconstruction}}
#   \;-\; \underbrace{D_\text{KL}\big(q(z \mid x)\,\|\,\mathcal{N}(0, I)\big)}_{\text{KL}}.$$
#
# We minimise $-\text{ELBO}$ = **reconstruction** + **KL**, in nats per image:
# - **reconstruction**: the autoencoder's cross-entropy, with $z$ drawn as above;
# - **KL**: how far the code distribution is from the unit Gaussian. For Gaussians it has a
#   closed form (Kingma & Welling 2014, appendix B):
#   $D_\text{KL} = \tfrac12 \sum_j \big(\mu_j^2 + \sigma_j^2 - 1 - \log\sigma_j^2\big)$.
#
# The KL term is what the autoencoder lacks: it makes every code live near the origin,
# with some spread, so that the whole region under $\mathcal{N}(0, I)$ gets used.

# %% slideshow={"slide_type": "subslide"}
x = digits.x_train[:64]
g = torch.Generator().manual_seed(0)
mu, logvar = vae.encode(x)
z = mu + torch.exp(0.5 * logvar) * torch.randn(mu.shape, generator=g)
logits = vae.decode_logits(z)                                 # the decoder, before the sigmoid
reconstruction = F.binary_cross_entropy_with_logits(logits, x.reshape(64, -1),
                                                    reduction="none").sum(dim=1).mean()
kl = (0.5 * (mu**2 + logvar.exp() - 1 - logvar).sum(dim=1)).mean()
print(f"by hand:   reconstruction {reconstruction.item():.3f} + KL {kl.item():.3f} "
      f"= -ELBO {(reconstruction + kl).item():.3f}")
terms = vae.loss(x, generator=torch.Generator().manual_seed(0))  # same draws of epsilon
print(f"vae.loss:  reconstruction {terms['reconstruction'].item():.3f} + KL {terms['kl'].item():.3f} "
      f"= -ELBO {terms['neg_elbo'].item():.3f}")
assert torch.allclose(reconstruction + kl, terms["neg_elbo"])

# %% [markdown] slideshow={"slide_type": "subslide"}
# Training the VAE with `fit`: both terms are logged. Watch them pull against each other:
# the reconstruction term wants codes that say a lot about each image (far apart,
# precise); the KL term wants every code to look like $\mathcal{N}(0, I)$ (saying nothing).
#
# To make the trade-off visible we also multiply the KL term by a weight $\beta$ (a
# "β-VAE", Higgins et al. 2017; $\beta = 1$ is the true ELBO) and train three VAEs, 1,500
# steps each: $\beta = 0.2$, $1$ and $5$.

# %% slideshow={"slide_type": "fragment"}
betas = {}
for beta in (0.2, 1.0, 5.0):
    betas[beta] = VAE(latent_dim=2, beta=beta)
    history = fit(betas[beta], digits.x_train, steps=1500, batch_size=128, lr=1e-3,
                  description=f"training the VAE, beta={beta}")
    if beta == 1.0:
        vae, vae_history = betas[beta], history
fig, axes = plt.subplots(1, 2, figsize=(11, 3.5))
plot_history(vae_history, ["reconstruction"], ax=axes[0], smooth=25, ylabel="nats per image",
             title="β = 1: the reconstruction term falls")
plot_history(vae_history, ["kl"], ax=axes[1], smooth=25, ylabel="nats per image",
             title="β = 1: the KL term rises as codes carry information");

# %% slideshow={"slide_type": "subslide"}
def test_terms(model, x, draws=5):
    """Test reconstruction and KL (nats per image), averaged over a few draws of z."""
    g = torch.Generator().manual_seed(0)
    with torch.no_grad():
        runs = [model.loss(x, generator=g) for _ in range(draws)]
    return {k: sum(r[k].item() for r in runs) / draws for k in ("reconstruction", "kl", "neg_elbo")}


print(f"{'beta':>5}{'reconstruction':>16}{'KL':>8}{'-ELBO':>8}   (test set, nats per image)")
for beta, model in betas.items():
    t = test_terms(model, digits.x_test)
    print(f"{beta:>5}{t['reconstruction']:>16.2f}{t['kl']:>8.2f}{t['neg_elbo']:>8.2f}")

# %% [markdown]
# Read down the table: as $\beta$ grows, the KL term shrinks (codes closer to the prior)
# and the reconstruction term grows (images rebuilt less faithfully). With a large $\beta$
# the KL can reach about 0: every image gets the same code distribution, the code says
# nothing, and the decoder can only output one average image (*posterior collapse*).
# Only $\beta = 1$ optimises the actual bound on $\log p(x)$, and it has the lowest −ELBO.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3. The latent space, drawn
#
# With 2 latent dimensions we can draw where every test digit lands: the VAE's mean
# $\mu(x)$, and the autoencoder's code $z(x)$, coloured by the digit's label (which
# neither model ever saw). The grey circle has radius 2: about 86% of the prior
# $\mathcal{N}(0, I)$'s draws fall inside it.

# %% slideshow={"slide_type": "subslide"}
with torch.no_grad():
    vae_codes, _ = vae.encode(digits.x_test)
    ae_codes = ae.encode(digits.x_test)
fig, axes = plt.subplots(1, 2, figsize=(11, 5))
for ax, codes, name in [(axes[0], ae_codes, "Autoencoder codes z(x)"),
                        (axes[1], vae_codes, "VAE means μ(x)")]:
    points = ax.scatter(codes[:, 0], codes[:, 1], c=digits.y_test, cmap="tab10", s=10, vmin=-0.5, vmax=9.5)
    ax.add_patch(plt.Circle((0, 0), 2, fill=False, color="grey", ls="--", label="radius 2 (prior)"))
    ax.set_xlabel("$z_1$")
    ax.set_ylabel("$z_2$")
    ax.set_title(name + ", test digits")
    ax.legend(loc="upper right", fontsize=8)
fig.colorbar(points, ax=axes, ticks=range(10), label="digit label")
print("autoencoder codes: mean", [round(v, 2) for v in ae_codes.mean(0).tolist()],
      " std", [round(v, 2) for v in ae_codes.std(0).tolist()])
print("VAE means:         mean", [round(v, 2) for v in vae_codes.mean(0).tolist()],
      " std", [round(v, 2) for v in vae_codes.std(0).tolist()])

# %% [markdown]
# Similar digits land near each other in both, without any labels: the models discovered
# the classes because similar images need similar codes. But look at the scales. The
# autoencoder put its codes wherever it liked (nothing asked it to do otherwise); the
# VAE's codes fill a disc around the origin, the region the prior covers.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4. Generating: sample the prior, decode
#
# To make a new digit: draw $z \sim \mathcal{N}(0, I)$ and decode it. We do the same with
# both models. Then we ask the course's digits classifier (`digits-classifier`, shipped
# with the package, 98% test accuracy) which digit each of 1,000 samples shows: a good
# generator of digits should produce all ten.

# %% slideshow={"slide_type": "subslide"}
g = torch.Generator().manual_seed(1)
z = torch.randn(30, 2, generator=g)              # the random starting points
with torch.no_grad():
    vae_samples, ae_samples = vae.decode(z), ae.decode(z)
fig, axes = plt.subplots(1, 2, figsize=(11, 3.8))
image_grid(ae_samples, nrow=10, ax=axes[0], vmin=0, vmax=1, title="Autoencoder: decode z ~ N(0, I)")
image_grid(vae_samples, nrow=10, ax=axes[1], vmin=0, vmax=1, title="VAE: decode z ~ N(0, I)")

z = torch.randn(1000, 2, generator=g)
with torch.no_grad():
    class_mix = {"training digits": torch.bincount(digits.y_train, minlength=10) / len(digits.y_train),
                 "VAE samples": torch.bincount(classify_digits(vae.decode(z)), minlength=10) / len(z),
                 "autoencoder samples": torch.bincount(classify_digits(ae.decode(z)), minlength=10) / len(z)}
print("share of each digit (%)      " + "".join(f"{d:>5}" for d in range(10)))
for name, share in class_mix.items():
    print(f"{name:<28} " + "".join(f"{100 * v:>5.0f}" for v in share.tolist()))

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Why the autoencoder samples badly.** Nothing told the autoencoder where to put its
# codes: in the map above they spread over a region many units wide, centred away from the
# origin. Its decoder was only trained on those codes. Draws from $\mathcal{N}(0, I)$ fall in
# the small disc around the origin, which covers a few of its clusters and the gaps
# between them: the samples are mostly the few digits that happen to live there, and
# many digits are never generated at all. The VAE's KL term made the prior's region *the*
# region its codes fill, and the noise in $z$ during training taught the decoder to produce
# a digit everywhere in it, so random draws give every kind of digit. The VAE's samples are
# blurry: with two latent numbers and a probability per pixel, the decoder hedges between
# similar digits.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5. Explore the latent space yourself
#
# Move the sliders: the image is the VAE's decoder at the point $(z_1, z_2)$. Compare with
# the map above: walking from one coloured cluster to another morphs one digit into the
# next. (Without a browser, the same can be done in code: `explorer.set_latent([0.5, -1])`
# returns the decoded image.)

# %% slideshow={"slide_type": "subslide"}
explorer = LatentExplorer(vae)
display(explorer.widget)
image = explorer.set_latent([0.5, -1.0])
assert torch.allclose(image, vae.decode(torch.tensor([[0.5, -1.0]]))[0])

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### A grid of the whole map
#
# The explorer one point at a time; here the decoder on a 12×12 grid of points from −2.5
# to 2.5 in each direction, laid out like the map.

# %% slideshow={"slide_type": "fragment"}
values = torch.linspace(-2.5, 2.5, 12)
grid = torch.stack([torch.stack([a, b]) for b in values.flip(0) for a in values])  # rows: z2 high to low
with torch.no_grad():
    image_grid(vae.decode(grid), nrow=12, vmin=0, vmax=1,
               title="VAE decoder on a grid: z1 left to right, z2 top to bottom from +2.5 to -2.5")

# %% [markdown] slideshow={"slide_type": "slide"}
# ### Interpolating between two digits
#
# Encode two test digits, take their means $\mu_0, \mu_1$, and decode along the straight
# line $z(t) = (1 - t)\,\mu_0 + t\,\mu_1$. Move the slider $t$ from 0 to 1; the strip below
# shows the whole path.

# %% slideshow={"slide_type": "fragment"}
first_one = digits.x_test[digits.y_test == 1][0]
first_zero = digits.x_test[digits.y_test == 0][0]
interpolator = LatentInterpolator.between_images(vae, first_one, first_zero, steps=9)
display(interpolator.widget)
image_grid(interpolator.path(), nrow=9, vmin=0, vmax=1, title="From a 1 to a 0 through the VAE's latent space");

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6. How good is it? Test −ELBO and reconstruction error
#
# The test −ELBO is an upper bound on the test negative log-likelihood $-\log p(x)$ (lower
# is better). One caveat for grey-level pixels: the cross-entropy of a pixel of value
# 0.5 against itself is $\log 2$, not 0, so even a perfect reconstruction costs some nats.
# We print that floor too. We also report the plain pixel error of reconstructions (mean
# squared difference, pixels in [0, 1]).
#
# Beside our 2-latent VAE we load **`digits-vae`**, shipped with the course: a
# class-conditional VAE with 8 latent dimensions, trained for 6,000 steps (about 20 s of
# CPU, more than this lesson can spare; `genai-course train digits-vae` re-creates it). The label
# goes into encoder and decoder, so the code only has to store *how* the digit is
# written, not *which* digit it is.

# %% slideshow={"slide_type": "subslide"}
shipped = load_pretrained("digits-vae")
x_test = digits.x_test
floor = F.binary_cross_entropy(x_test, x_test, reduction="none").sum(dim=(1, 2)).mean().item()
print(f"reconstruction floor (cross-entropy of each test image with itself): {floor:.2f} nats")
print(f"{'model':<38}{'test -ELBO':>11}{'reconstr.':>11}{'KL':>7}{'pixel MSE':>11}")
for name, model, labels in [("VAE, 2 latent dims (this lesson)", vae, None),
                            ("digits-vae, 8 dims + label (shipped)", shipped, digits.y_test)]:
    g = torch.Generator().manual_seed(0)
    batch = x_test if labels is None else (x_test, labels)
    with torch.no_grad():
        runs = [model.loss(batch, generator=g) for _ in range(10)]
        mse = ((model.reconstruct(x_test, labels) - x_test) ** 2).mean().item()
    t = {k: sum(r[k].item() for r in runs) / 10 for k in ("neg_elbo", "reconstruction", "kl")}
    print(f"{name:<38}{t['neg_elbo']:>11.2f}{t['reconstruction']:>11.2f}{t['kl']:>7.2f}{mse:>11.4f}")
print(f"{'autoencoder, 2 dims (reconstruction only)':<49}{ae_test_rec:>11.2f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# The shipped model generates the digit we ask for: below, 40 draws of $z$ with the labels
# 0-9 in turn (try `shipped.sample(10, labels=7)` for ten sevens):

# %% slideshow={"slide_type": "fragment"}
g = torch.Generator().manual_seed(2)
image_grid(shipped.sample(40, generator=g), nrow=10, vmin=0, vmax=1,
           title="digits-vae: z sampled from the prior, labels 0-9 in each row");

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Recap
#
# - An **autoencoder** compresses through a bottleneck and rebuilds; it reconstructs well
#   but its codes are not arranged for sampling.
# - A **VAE**'s encoder outputs a mean and a variance; the **reparameterisation**
#   $z = \mu + \sigma\varepsilon$ makes sampling differentiable.
# - Training minimises $-\text{ELBO}$ = **reconstruction** + **KL**; the two pull against each
#   other ($\beta$ makes the pull visible).
# - The KL term fills the prior's region with codes, so **decoding $z \sim \mathcal{N}(0, I)$
#   generates** plausible digits; a plain autoencoder's random samples are not digits.
#
# ## Check your understanding
#
# 1. Why does the encoder output $\log\sigma^2$ rather than $\sigma$?
# 2. What is the KL term when $\mu = 0$ and $\sigma = 1$? What does the code say about the
#    image then, and what would the decoder have to output?
# 3. Why can we not backpropagate through "draw $z$ from $\mathcal{N}(\mu, \sigma^2)$"
#    directly, and how does $z = \mu + \sigma\varepsilon$ fix it?
# 4. In the β table, which model would you pick for generating, and which for compressing?
# 5. The test −ELBO is about 21-24 nats, but the reconstruction floor alone is over 13.
#    What does that tell you about comparing ELBOs on grey-level images?
#
# **Exercise:** `exercises/02_vaes.ipynb` asks you to write the reparameterisation, the KL
# term and the negative ELBO yourself.
