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
# - generate digits by sampling the prior, and explain why a plain autoencoder's samples
#   miss whole classes of digits;
# - explore a latent space with sliders and interpolate between two digits;
# - compare a VAE's bound with an exact likelihood in the same units, and say which is which.

# %% slideshow={"slide_type": "skip"}
import math

import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F
from IPython.display import display

from genai_course import fit, seed_everything
from genai_course.data import load_digits
from genai_course.metrics.images import default_classifier, to_unit_scale
from genai_course.models import VAE, Autoencoder
from genai_course.plotting import image_grid, plot_history
from genai_course.pretrained import load_pretrained
from genai_course.teaching import expect
from genai_course.widgets.latent import LatentExplorer, LatentInterpolator

seed_everything(0);  # one call fixes every random draw below: same numbers on every run

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The data: binarised 8×8 digits
#
# 1,437 training and 360 test images of handwritten digits (scikit-learn's digits). Each
# pixel is **binarised**: 1 ("ink") where the grey level is above one half, else 0. A VAE's
# decoder will output, for every pixel, a probability of ink: a Bernoulli distribution,
# which is the right model for pixels that are 0 or 1. (For grey levels it is not: the
# Bernoulli "likelihood" of a grey value is not a probability of anything, and the bound
# of section 6 would no longer be a bound; Loaiza-Ganem & Cunningham 2019.)

# %% slideshow={"slide_type": "fragment"}
digits = load_digits("binary")
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
eps = torch.randn(mu.shape, device=mu.device)  # the randomness, with no parameters in it
z = mu + torch.exp(0.5 * logvar) * eps         # a sample from N(mu, sigma^2)
z.sum().backward()                             # gradients reach the encoder through mu and sigma
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
g = torch.Generator(device=x.device).manual_seed(0)
mu, logvar = vae.encode(x)
z = mu + torch.exp(0.5 * logvar) * torch.randn(mu.shape, generator=g, device=mu.device)
logits = vae.decode_logits(z)                                 # the decoder, before the sigmoid
reconstruction = F.binary_cross_entropy_with_logits(logits, x.reshape(64, -1),
                                                    reduction="none").sum(dim=1).mean()
kl = (0.5 * (mu**2 + logvar.exp() - 1 - logvar).sum(dim=1)).mean()
print(f"by hand:   reconstruction {reconstruction.item():.3f} + KL {kl.item():.3f} "
      f"= -ELBO {(reconstruction + kl).item():.3f}")
terms = vae.loss(x, generator=torch.Generator().manual_seed(0))  # same draws of epsilon
print(f"vae.loss:  reconstruction {terms['reconstruction'].item():.3f} + KL {terms['kl'].item():.3f} "
      f"= -ELBO {terms['neg_elbo'].item():.3f}")
expect(torch.allclose(reconstruction + kl, terms["neg_elbo"]),
       "the hand-written -ELBO equals vae.loss's", observed=f"{(reconstruction + kl).item():.4f} "
       f"by hand, {terms['neg_elbo'].item():.4f} from vae.loss",
       why="both must use the same draws of epsilon and the same formula for each term");

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
beta_terms = {beta: test_terms(model, digits.x_test) for beta, model in betas.items()}
for beta, t in beta_terms.items():
    print(f"{beta:>5}{t['reconstruction']:>16.2f}{t['kl']:>8.2f}{t['neg_elbo']:>8.2f}")
kls = [t["kl"] for t in beta_terms.values()]
expect(kls[0] > kls[1] > kls[2], "the KL term shrinks as beta grows",
       observed="KL " + ", ".join(f"{v:.2f}" for v in kls));

# %% [markdown]
# Read down the table: as $\beta$ grows, the KL term shrinks (codes closer to the prior)
# and the reconstruction term grows (images rebuilt less faithfully). With a large $\beta$
# the KL can reach about 0: every image gets the same code distribution, the code says
# nothing, and the decoder can only output one average image (*posterior collapse*).
# Only $\beta = 1$ optimises the actual bound on $\log p(x)$; the −ELBO column shows
# whether that also gave it the best bound on these test images.

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
# both models, and show the decoder's pixel probabilities (the mean image). Then we ask the
# course's digits classifier (`digits-classifier`, shipped with the package) which digit
# each of 1,000 samples shows, and how sure it is. The classifier names *some* digit for
# any blob, so the class of an unsure guess means little: we count a sample only when the
# classifier gives its class a probability of at least 0.9.

# %% slideshow={"slide_type": "subslide"}
device = next(vae.parameters()).device           # new tensors follow the model
g = torch.Generator(device=device).manual_seed(1)
z = torch.randn(30, 2, generator=g, device=device)  # the random starting points
with torch.no_grad():
    vae_samples, ae_samples = vae.decode(z), ae.decode(z)
fig, axes = plt.subplots(1, 2, figsize=(11, 3.8))
image_grid(ae_samples, nrow=10, ax=axes[0], vmin=0, vmax=1, title="Autoencoder: decode z ~ N(0, I)")
image_grid(vae_samples, nrow=10, ax=axes[1], vmin=0, vmax=1, title="VAE: decode z ~ N(0, I)")

# %% slideshow={"slide_type": "subslide"}
@torch.no_grad()
def confident_classes(images, threshold=0.9):
    """The classifier's digit for each image, and whether it gives that digit >= threshold."""
    probs = default_classifier()(to_unit_scale(images)).softmax(dim=1)
    confidence, digit = probs.max(dim=1)
    return digit, confidence >= threshold

# %% slideshow={"slide_type": "subslide"}
z = torch.randn(1000, 2, generator=g, device=device)
with torch.no_grad():
    judged = {"test digits (real)": confident_classes(digits.x_test),
              "VAE samples": confident_classes(vae.decode(z)),
              "autoencoder samples": confident_classes(ae.decode(z))}
print(f"{'':<22}{'confident':>10}   share of each digit among confident ones (%)")
print(f"{'':<22}{'':>10}   " + "".join(f"{d:>4}" for d in range(10)))
class_mix = {}
for name, (digit, sure) in judged.items():
    class_mix[name] = torch.bincount(digit[sure], minlength=10) / max(int(sure.sum()), 1)
    print(f"{name:<22}{sure.float().mean().item():>10.0%}   "
          + "".join(f"{100 * v:>4.0f}" for v in class_mix[name].tolist()))
missing = {name: [d for d in range(10) if share[d] < 0.01] for name, share in class_mix.items()}
print("digits (almost) never generated (< 1% of confident samples):", missing)
sure_share = {name: sure.float().mean().item() for name, (_, sure) in judged.items()}
expect(sure_share["autoencoder samples"] >= sure_share["VAE samples"] - 0.1,
       "the autoencoder's samples are about as legible (confidently classified) as the VAE's",
       observed=f"confident: autoencoder {sure_share['autoencoder samples']:.0%}, "
                f"VAE {sure_share['VAE samples']:.0%}")
expect(len(missing["VAE samples"]) < len(missing["autoencoder samples"]),
       "the VAE's samples cover more digits than the autoencoder's",
       observed=f"missing digits: VAE {missing['VAE samples']}, "
                f"autoencoder {missing['autoencoder samples']}");

# %% [markdown] slideshow={"slide_type": "subslide"}
# **What goes wrong with the autoencoder's samples.** Look at the grid and the first
# column of the table: many of its samples are crisp digits, and the classifier is about
# as often sure of them as of the VAE's. Legibility is not the problem; **coverage** is.
# Nothing told the autoencoder where to put its codes: in the map above they spread over
# a region many units wide, centred away from the origin. Draws from $\mathcal{N}(0, I)$
# fall in the small disc around the origin, which covers a few of its clusters: the
# samples are mostly the few digits that happen to live there, and other digits are
# (almost) never generated. The VAE's KL term made the prior's region *the* region its
# codes fill, and the noise in $z$ during training taught the decoder to produce a digit
# everywhere in it, so random draws give every kind of digit. Many of the VAE's mean
# images are blurry: with two latent numbers, the decoder hedges between similar digits.

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
expect(torch.allclose(image, vae.decode(torch.tensor([[0.5, -1.0]], device=device))[0]),
       "the explorer shows the decoder's image at the chosen point");

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### A grid of the whole map
#
# The explorer one point at a time; here the decoder on a 12×12 grid of points from −2.5
# to 2.5 in each direction, laid out like the map.

# %% slideshow={"slide_type": "fragment"}
values = torch.linspace(-2.5, 2.5, 12, device=device)
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
interpolator = LatentInterpolator.between_images(vae, first_one, first_zero, steps=9,
                                               strip=False)  # the figure below shows the path
display(interpolator.widget)
image_grid(interpolator.path(), nrow=9, vmin=0, vmax=1, title="From a 1 to a 0 through the VAE's latent space");

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6. How good is it? A bound against an exact likelihood
#
# How likely does a model find the 360 test digits? For the VAE, $\log p(x)$ is an
# integral over all codes that we cannot compute; the ELBO is a lower bound on it, so the
# test **−ELBO is an upper bound on the test negative log-likelihood** $-\log p(x)$. This
# holds because our pixels are 0 or 1 and the decoder's Bernoulli distribution is a real
# probability over such images; on grey levels it would not be a bound at all.
#
# A bound is not the value. Two ways to see how loose it is:
#
# - a **tighter bound**: the importance-weighted bound (Burda, Grosse & Salakhutdinov
#   2016) averages $K$ weights $p(x, z_k)/q(z_k \mid x)$ *inside* the log,
#   $-\log \tfrac1K \sum_k p(x \mid z_k)\,p(z_k)/q(z_k \mid x)$ with $z_k \sim q(z \mid x)$. It is
#   still an upper bound on $-\log p(x)$ and approaches it as $K$ grows ($K = 1$ is the −ELBO);
# - an **exact** likelihood from another family: the pixel-by-pixel model of lesson 03,
#   shipped as **`digits-pixel`** (a MADE, Germain et al. 2015, trained on the same
#   binarised training digits), computes $\log p(x \mid \text{label})$ exactly as a sum of 64
#   Bernoulli log-probabilities. Our VAE never sees labels, so we sum the label out,
#   $p(x) = \sum_c p(c)\, p(x \mid c)$ with $p(c)$ the class shares of the training set: also exact.
#
# Same test images, same units: nats per image, and bits per pixel (nats ÷ 64 ÷ ln 2).

# %% slideshow={"slide_type": "subslide"}
@torch.no_grad()
def importance_weighted_nll(model, x, k=100, seed=0):
    """-log (1/K) sum_k p(x|z_k) p(z_k) / q(z_k|x), per image averaged (nats): an upper bound."""
    g = torch.Generator(device=x.device).manual_seed(seed)
    flat = x.reshape(len(x), -1)
    mu, logvar = model.encode(x)
    log_w = []
    for _ in range(k):
        eps = torch.randn(mu.shape, generator=g, device=mu.device)
        z = mu + (0.5 * logvar).exp() * eps
        log_px_z = -F.binary_cross_entropy_with_logits(model.decode_logits(z), flat,
                                                       reduction="none").sum(dim=1)
        log_pz = (-0.5 * z**2 - 0.5 * math.log(2 * math.pi)).sum(dim=1)       # prior N(0, I)
        log_qz = (-0.5 * eps**2 - 0.5 * logvar - 0.5 * math.log(2 * math.pi)).sum(dim=1)
        log_w.append(log_px_z + log_pz - log_qz)
    return -(torch.logsumexp(torch.stack(log_w), dim=0) - math.log(k)).mean().item()

# %% slideshow={"slide_type": "subslide"}
pixel_model = load_pretrained("digits-pixel")
x_test, y_test = digits.x_test, digits.y_test
class_prior = torch.bincount(digits.y_train, minlength=10).float() / len(digits.y_train)
with torch.no_grad():
    log_p_given = torch.stack([pixel_model.log_prob(x_test, torch.full_like(y_test, c))
                               for c in range(10)], dim=1)                 # (360, 10)
    made_nll = -torch.logsumexp(log_p_given + class_prior.log(), dim=1).mean().item()
    made_nll_given_label = -pixel_model.log_prob(x_test, y_test).mean().item()

rows = [("VAE, 2 latent dims: -ELBO", beta_terms[1.0]["neg_elbo"], "upper bound"),
        ("VAE, 2 latent dims: importance-weighted, K=100",
         importance_weighted_nll(vae, x_test, k=100), "upper bound (tighter)"),
        ("MADE (digits-pixel), label summed out", made_nll, "exact"),
        ("MADE (digits-pixel), given the true label", made_nll_given_label,
         "exact, of p(x | label)")]
bits = lambda nats: nats / (64 * math.log(2))  # noqa: E731
print(f"{'model, test digits':<50}{'nats/image':>11}{'bits/pixel':>11}   what it is")
for name, nats, kind in rows:
    print(f"{name:<50}{nats:>11.2f}{bits(nats):>11.3f}   {kind}")
print(f"{'autoencoder, 2 dims: reconstruction only':<50}{ae_test_rec:>11.2f}{bits(ae_test_rec):>11.3f}"
      "   not a likelihood (no prior over codes)")
verdict = ("the MADE is the better density model: its exact NLL is below even the VAE's tighter bound"
           if made_nll < rows[1][1] else
           "no verdict: the MADE's exact NLL is above the VAE's bound, and the VAE's true NLL is unknown")
print("\n" + verdict)
expect(rows[1][1] <= rows[0][1] + 0.05, "the importance-weighted bound is at least as tight as the -ELBO",
       observed=f"{rows[1][1]:.2f} against {rows[0][1]:.2f} nats");

# %% [markdown] slideshow={"slide_type": "subslide"}
# Read the table from the top. The VAE's −ELBO and its importance-weighted version are
# both *upper bounds*: its true test NLL lies below both, and the gap between the two is
# the part of the −ELBO that is only looseness of the bound. The MADE's numbers are
# exact. With the label summed out, the comparison with the VAE is fair (both model
# $p(x)$): if the MADE is lower than even the tighter VAE bound, the MADE is certainly the
# better density model of these digits; if it were above, we could not say, because the
# VAE's true NLL could be anywhere below its bound. Knowing the label makes every image
# more likely (the last row): it is a different quantity, $p(x \mid \text{label})$, not to be
# compared with the others. The autoencoder's reconstruction error is no likelihood at all:
# it says how well the code rebuilds an image, not how probable the image is.
#
# **Beside our 2-latent VAE**, the course ships **`digits-vae`**: a class-conditional VAE with
# 8 latent dimensions (its training budget is printed below from its metadata: more than
# this lesson can spare; `genai-course train digits-vae` re-creates it). The label goes into
# encoder and decoder, so the code only has to store *how* the digit is written, not
# *which* digit it is. It was trained on grey-level digits, so it is not in the table.

# %% [markdown] slideshow={"slide_type": "subslide"}
# The shipped model generates the digit we ask for: below, 40 draws of $z$ with the labels
# 0-9 in turn (try `shipped.sample(10, labels=7)` for ten sevens):

# %% slideshow={"slide_type": "fragment"}
shipped = load_pretrained("digits-vae")
meta = shipped.pretrained_metadata
print(f"digits-vae: {meta['steps']:,} training steps, {meta['train_seconds']:.0f} s of training "
      f"(as recorded when it was trained); test -ELBO on grey-level digits "
      f"{meta['metrics']['test_neg_elbo']:.2f} nats (not a bound there: see above)")
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
#   generates** every kind of digit. A plain autoencoder's random samples can be crisp
#   digits, but only of the few classes whose codes happen to lie near the origin: its
#   problem is **coverage**, not legibility.
# - On binary pixels the test −ELBO is an **upper bound** on the test NLL; a pixel
#   autoregressive model's NLL is **exact**. Compare them in the same units, on the same
#   images, and say which is which.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Check your understanding
#
# 1. Why does the encoder output $\log\sigma^2$ rather than $\sigma$?
# 2. What is the KL term when $\mu = 0$ and $\sigma = 1$? What does the code say about the
#    image then, and what would the decoder have to output?
# 3. Why can we not backpropagate through "draw $z$ from $\mathcal{N}(\mu, \sigma^2)$"
#    directly, and how does $z = \mu + \sigma\varepsilon$ fix it?
# 4. In the β table, which model would you pick for generating, and which for compressing?
# 5. Why is the −ELBO a bound on binary pixels and not on grey levels with the same
#    Bernoulli decoder?
# 6. The VAE's −ELBO is above the MADE's exact NLL. Does that prove the VAE is the worse
#    density model? What would?

# %% [markdown] slideshow={"slide_type": "subslide"}
# <details><summary>Answers</summary>
#
# 1. A variance must be positive; a network's output can be any real number. Any real
#    $\log\sigma^2$ gives a positive $\sigma^2 = e^{\log\sigma^2}$, with no constraint to enforce.
# 2. $\tfrac12(0 + 1 - 1 - 0) = 0$ per dimension. The code distribution is then the prior
#    itself, the same for every image: it says nothing about the image, and the decoder
#    can only output one average image for every input (posterior collapse).
# 3. A random draw is not a differentiable function of $\mu$ and $\sigma$. Writing
#    $z = \mu + \sigma\varepsilon$ moves the randomness into $\varepsilon$, which depends on no
#    parameter: $\partial z/\partial\mu = 1$ and $\partial z/\partial\sigma = \varepsilon$.
# 4. For generating, a $\beta$ near 1 (codes fill the prior, samples cover the digits); for
#    compressing, the smallest $\beta$ (lowest reconstruction error). $\beta = 1$ is the
#    only one whose loss is the bound on $-\log p(x)$.
# 5. On $\{0, 1\}$ the Bernoulli probabilities of all $2^{64}$ images add up to 1, so
#    $p(x \mid z)$ is a real distribution and $\log p(x) \ge \text{ELBO}$. For a grey
#    level the same formula is not a probability (its values over $[0, 1]$ do not
#    integrate to 1; Loaiza-Ganem & Cunningham 2019), so there is no $\log p(x)$ to bound.
# 6. No: the VAE's true NLL could lie anywhere below its bound. If even a *tighter*
#    upper bound (importance-weighted, large $K$) stays above the MADE's exact value, the
#    VAE is worse; that is what the verdict line checks.
#
# </details>
#
# **Exercise:** `exercises/02_vaes.ipynb` asks you to write the reparameterisation, the KL
# term and the negative ELBO yourself.
