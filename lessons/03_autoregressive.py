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
# # Lesson 03 — Autoregressive models
#
# An autoregressive model generates one element at a time, in a fixed order: the next
# letter of a word given the letters so far, the next pixel of an image given the pixels
# above and to the left. Each new element is drawn from a distribution that the model
# computes from everything generated before it — the model "regresses on itself".
#
# **By the end of this lesson you will be able to**
# - write the probability of a sequence with the chain rule, $p(x) = \prod_t p(x_t \mid x_{<t})$;
# - build a bigram model by counting, draw its table, and sample words from it;
# - explain why maximum-likelihood training is the same as minimising cross-entropy, and
#   what *teacher forcing* means;
# - give a neural model a longer context and measure what it buys;
# - generate text one character at a time and digit images one pixel at a time.

# %% slideshow={"slide_type": "skip"}
import math
import re

import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F

from genai_course import fit, seed_everything
from genai_course.data import load_corpus, load_digits
from genai_course.models.mlp_lm import MLPLM, MLPConfig
from genai_course.models.pixel import IndependentPixels, PixelConfig, PixelMADE
from genai_course.plotting import image_grid, plot_history
from genai_course.pretrained import load_pretrained
from genai_course.teaching import expect

seed_everything(0);  # one call fixes every random draw below

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Generating in a fixed order: the chain rule
#
# Any joint distribution over a sequence $x = (x_1, \dots, x_T)$ can be written, exactly,
# as a product of conditionals — the **chain rule of probability**:
#
# $$p(x_1, \dots, x_T) = p(x_1)\, p(x_2 \mid x_1)\, p(x_3 \mid x_1, x_2) \cdots
#   = \prod_{t=1}^{T} p(x_t \mid x_{<t}).$$
#
# No approximation yet: this holds for every distribution and every order. An
# autoregressive model picks an order (left to right for text, top to bottom and left to
# right for pixels) and learns each conditional $p(x_t \mid x_{<t})$. Then
#
# - **likelihood** is easy: multiply the conditionals (add their logs);
# - **sampling** is sequential: draw $x_1$, then $x_2$ given $x_1$, and so on.
#
# The modelling choice is *how much of the past* each conditional may look at.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Short sequences first: the words of Python's documentation
#
# Our first sequences are words: every distinct lower-case word of Python's built-in
# documentation (shipped with Python, no download). A word is a sequence of letters, and
# we mark its start and end with a special character `.` so that the model also learns
# where words begin and stop.

# %% slideshow={"slide_type": "subslide"}
words = sorted(set(re.findall(r"\b[a-z]{2,12}\b", load_corpus("python-docs"))))
order = torch.randperm(len(words)).tolist()
train_words = [words[i] for i in order[: int(0.9 * len(words))]]
valid_words = [words[i] for i in order[int(0.9 * len(words)):]]
chars = ["."] + sorted(set("".join(words)))  # "." = start / end of a word
stoi = {c: i for i, c in enumerate(chars)}
V = len(chars)
print(f"{len(words)} distinct words ({len(train_words)} to train, {len(valid_words)} held out), "
      f"vocabulary of {V} characters")
print("examples:", ", ".join(train_words[:12]))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The simplest dependency: bigram counts
#
# A **bigram model** lets each character depend on the one before it only:
# $p(x_t \mid x_{<t}) \approx p(x_t \mid x_{t-1})$. Its maximum-likelihood estimate is a
# table of counts: how often character $b$ followed character $a$, divided by how often
# $a$ was followed by anything.

# %% slideshow={"slide_type": "subslide"}
counts = torch.zeros(V, V)
for word in train_words:
    sequence = "." + word + "."
    for a, b in zip(sequence, sequence[1:]):  # every pair of neighbours
        counts[stoi[a], stoi[b]] += 1

fig, ax = plt.subplots(figsize=(7, 6))
shown = ax.imshow(counts.log1p(), cmap="Blues")
ax.set_xticks(range(V), chars)
ax.set_yticks(range(V), chars)
ax.set_xlabel("next character $x_t$")
ax.set_ylabel("previous character $x_{t-1}$")
ax.set_title("Bigram counts in the training words")
fig.colorbar(shown, ax=ax, label="log(1 + count)");

# %% [markdown] slideshow={"slide_type": "subslide"}
# Each row, normalised, is a distribution over the next character. We add one
# pseudo-count to every cell (**add-one smoothing**) so that a pair never seen in training
# does not get probability zero (which would make the log-likelihood of a new word $-\infty$).

# %% slideshow={"slide_type": "fragment"}
P = (counts + 1) / (counts + 1).sum(dim=1, keepdim=True)
row = P[stoi["q"]]
print("after 'q':", {chars[i]: round(float(row[i]), 3) for i in row.topk(3).indices})
print("after '.' (first letter):", {chars[i]: round(float(P[0, i]), 3) for i in P[0].topk(5).indices})

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Likelihood by the chain rule
#
# The probability of a whole word is the product of its conditionals; we add logs
# instead, because a product of many small numbers underflows.

# %% slideshow={"slide_type": "fragment"}
def bigram_log_prob(word: str) -> float:
    sequence = "." + word + "."
    return sum(math.log(P[stoi[a], stoi[b]]) for a, b in zip(sequence, sequence[1:]))

for word in ["python", "return", "qzxv"]:
    print(f"log p({word!r}) = {bigram_log_prob(word):7.2f}  "
          f"(p = {math.exp(bigram_log_prob(word)):.2e})")

# %% [markdown] slideshow={"slide_type": "subslide"}
# The average **negative log-likelihood per character** on held-out words measures the
# model: lower is better. Knowing nothing (every character equally likely) costs
# $\log V$ nats per character.

# %% slideshow={"slide_type": "fragment"}
def average_nll(log_prob, word_list) -> float:
    """Mean negative log-likelihood per predicted character (the end marker counts)."""
    return -sum(log_prob(w) for w in word_list) / sum(len(w) + 1 for w in word_list)

bigram_nll = average_nll(bigram_log_prob, valid_words)
print(f"uniform guess: {math.log(V):.3f} nats/char   bigram counts: {bigram_nll:.3f} nats/char")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Sampling one element at a time
#
# To generate, start from the start marker and repeat: look up the distribution of the
# next character, draw one, append it; stop at the end marker.

# %% slideshow={"slide_type": "fragment"}
def sample_bigram_word(generator: torch.Generator) -> str:
    out, current = [], 0  # 0 is "."
    while True:
        current = int(torch.multinomial(P[current], 1, generator=generator))
        if current == 0:
            return "".join(out)
        out.append(chars[current])

generator = torch.Generator().manual_seed(0)
print(", ".join(sample_bigram_word(generator) for _ in range(15)))

# %% [markdown] slideshow={"slide_type": "subslide"}
# Word-like, but not words: one character of memory is not enough to spell.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Maximum likelihood = cross-entropy
#
# Counting gave the maximum-likelihood bigram table directly. A neural network gets
# there by gradient descent instead: it outputs *logits* $z$, a softmax turns them into
# probabilities, and we minimise the average negative log-likelihood of the observed next
# characters,
#
# $$\mathcal{L}(\theta) = -\frac{1}{N}\sum_{i} \log \operatorname{softmax}(z_\theta(x_{<t}))_{x_t},$$
#
# which is exactly the **cross-entropy** between the data and the model
# (`F.cross_entropy`). The simplest such network is a $V \times V$ table of logits, one
# row per previous character. Trained by gradient descent, it approaches the count table
# (compare the two training NLLs below).

# %% slideshow={"slide_type": "subslide"}
pairs = [(stoi[a], stoi[b]) for w in train_words for a, b in zip("." + w, w + ".")]
previous, following = torch.tensor(pairs).T
W = torch.zeros(V, V, requires_grad=True)  # logits: row = previous character
optimizer = torch.optim.Adam([W], lr=0.1)
for _ in range(300):
    loss = F.cross_entropy(W[previous], following)  # = mean -log p(next | previous)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
exact = counts / counts.sum(dim=1, keepdim=True)  # counts without smoothing: the exact optimum
print(f"training NLL: gradient descent {loss.item():.4f}, counting {-exact[previous, following].log().mean():.4f}, "
      f"counting with +1 smoothing {-P[previous, following].log().mean():.4f} nats/char")

# %% [markdown] slideshow={"slide_type": "subslide"}
# Gradient descent approaches the unsmoothed count table, the exact maximum-likelihood
# solution (nothing can score lower on the training pairs); smoothing gives up a little
# training likelihood to keep unseen pairs possible. Counting is faster for bigrams, but it
# does not scale: a table for a context of $n$ characters has $V^{n}$ rows, and most of
# them are never seen.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## A longer context with a neural network
#
# The model of Bengio et al. (2003) looks at the last `block_size` characters: it turns
# each into a learned vector (an *embedding*), concatenates them and applies a small MLP.
# Similar contexts share what the network learned, so it needs no row per context.
#
# **Teacher forcing.** During training the model reads the *true* previous characters,
# not its own samples, and predicts every position of a word in parallel: one pass gives
# all conditionals $p(x_t \mid x_{<t})$ and one cross-entropy. Only generation is sequential.

# %% slideshow={"slide_type": "subslide"}
def encode_words(word_list, length=13):
    """Inputs start with "."; targets are the same word shifted by one, ending with "."."""
    x = torch.zeros(len(word_list), length, dtype=torch.long)
    y = torch.full((len(word_list), length), -100)  # -100: padding, ignored by cross_entropy
    for row, w in enumerate(word_list):
        x[row, : len(w) + 1] = torch.tensor([stoi[c] for c in "." + w])
        y[row, : len(w) + 1] = torch.tensor([stoi[c] for c in w + "."])
    return x, y

train_xy, valid_xy = encode_words(train_words), encode_words(valid_words)
print("input :", train_xy[0][0].tolist())
print("target:", train_xy[1][0].tolist())

# %% slideshow={"slide_type": "subslide"}
mlp = MLPLM(MLPConfig(vocab_size=V, block_size=4, embed_dim=12, hidden=128))
history = fit(mlp, train_xy, steps=1500, batch_size=64, lr=3e-3, progress=False)
with torch.no_grad():
    mlp_nll = mlp.loss(valid_xy).item()
plot_history(history, title="MLP language model on words: training loss",
             ylabel="cross-entropy (nats/char)", smooth=50);
print(f"held-out NLL: uniform {math.log(V):.3f}, bigram {bigram_nll:.3f}, "
      f"MLP with 4 characters of context {mlp_nll:.3f} nats/char")
expect(mlp_nll < bigram_nll, "4 characters of context predict held-out words better than 1",
       observed=f"MLP {mlp_nll:.3f}, bigram {bigram_nll:.3f} nats/char",
       why="a shorter training run or a smaller network can lose this advantage");

# %% [markdown] slideshow={"slide_type": "subslide"}
# Now sampling from the MLP, written out: the same loop as for the bigram, but the
# distribution comes from the network, which sees the last four characters.

# %% slideshow={"slide_type": "fragment"}
@torch.no_grad()
def sample_mlp_word(generator: torch.Generator, max_len: int = 20) -> str:
    device = next(mlp.parameters()).device       # new tensors follow the model
    idx = torch.zeros(1, 1, dtype=torch.long, device=device)  # start with "."
    for _ in range(max_len):
        logits, _ = mlp(idx[:, -mlp.block_size:])
        probs = logits[0, -1].softmax(dim=-1)            # p(x_t | the last 4 characters)
        nxt = torch.multinomial(probs, 1, generator=generator)
        if int(nxt) == 0:
            break
        idx = torch.cat([idx, nxt[None]], dim=1)
    return "".join(chars[i] for i in idx[0, 1:].tolist())

generator = torch.Generator().manual_seed(0)
samples = [sample_mlp_word(generator) for _ in range(200)]
known = set(words)
print(", ".join(samples[:15]))
print(f"{sum(s in known for s in samples) / len(samples):.0%} of 200 samples are real words of "
      f"the corpus, {sum(s in set(train_words) for s in samples) / len(samples):.0%} copied from "
      "the training words")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The same idea for images: one pixel at a time
#
# A binarised 8×8 digit is a sequence of 64 pixels, read top to bottom and left to right.
# The chain rule gives $p(\text{image}) = \prod_{i=1}^{64} p(x_i \mid x_1, \dots, x_{i-1})$,
# each factor a coin flip whose probability depends on the pixels already drawn.
#
# Our model is **MADE** (a masked MLP): its weight matrices are multiplied by fixed 0/1
# masks so that the output for pixel $i$ can only see pixels $1, \dots, i-1$. One pass
# gives all 64 conditionals (teacher forcing again); sampling takes 64 passes.

# %% slideshow={"slide_type": "subslide"}
digits = load_digits("binary")
independent = IndependentPixels().fit_counts(digits.x_train)  # each pixel its own coin
made = PixelMADE(PixelConfig(hidden=128, layers=1))
history = fit(made, digits.x_train, steps=600, batch_size=64, lr=3e-3, progress=False)
print(f"test NLL: independent pixels {independent.bits_per_pixel(digits.x_test):.3f} bits/pixel, "
      f"MADE (600 steps) {made.bits_per_pixel(digits.x_test):.3f} bits/pixel")

# %% [markdown] slideshow={"slide_type": "subslide"}
# The mask is the whole trick. Change a late pixel of an image: the predictions for all
# earlier pixels stay exactly the same, because they cannot see it.

# %% slideshow={"slide_type": "fragment"}
image = digits.x_test[:1].reshape(1, 64).clone()
with torch.no_grad():
    before = made.logits(image)
    image[0, 40] = 1 - image[0, 40]  # flip pixel 40 (row 5, column 0)
    after = made.logits(image)
changed = (before != after)[0].nonzero().flatten()
print(f"predictions changed at pixels {changed.min().item()}..{changed.max().item()}; "
      f"pixels 0..40 unchanged: {torch.equal(before[:, :41], after[:, :41])}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Drawing a digit pixel by pixel
#
# The shipped model `digits-pixel` is a bigger MADE that also reads the digit's label, so
# we can ask for a particular digit. The sampling loop, written out, stops at a few
# moments so we can watch the image fill in from the top.

# %% slideshow={"slide_type": "subslide"}
pixel_model = load_pretrained("digits-pixel")
print("shipped model:", pixel_model.pretrained_metadata["metrics"])
device = next(pixel_model.parameters()).device
generator = torch.Generator(device=device).manual_seed(0)
labels = torch.arange(10, device=device)
x = torch.zeros(10, 64, device=device)
snapshots = []
with torch.no_grad():
    for i in range(64):
        p_on = torch.sigmoid(pixel_model.logits(x, labels)[:, i])   # p(x_i = 1 | x_<i, label)
        x[:, i] = torch.bernoulli(p_on, generator=generator)
        if i + 1 in (16, 32, 48, 64):
            snapshots.append(x.clone().view(10, 8, 8))
image_grid(torch.cat(snapshots), nrow=10, vmin=0, vmax=1,
           title="Digits 0-9 drawn pixel by pixel: after 16, 32, 48 and 64 pixels (rows)");

# %% slideshow={"slide_type": "subslide"}
sevens = pixel_model.sample(20, generator=torch.Generator().manual_seed(1), labels=7)
image_grid(torch.cat([sevens, independent.sample(10, generator=torch.Generator().manual_seed(1))]),
           nrow=10, vmin=0, vmax=1,
           title="Rows 1-2: 'draw a 7' (MADE); row 3: independent pixels (no dependencies)");

# %% [markdown] slideshow={"slide_type": "subslide"}
# Independent pixels get the average "ink" right but not the strokes: without
# dependencies between pixels there is no shape. The autoregressive model draws strokes
# because each pixel is chosen knowing the pixels above it.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Recap
#
# - The chain rule $p(x) = \prod_t p(x_t \mid x_{<t})$ is exact; an autoregressive model
#   learns the conditionals in a fixed order.
# - A bigram model is a table of counts; smoothing keeps unseen pairs possible.
# - Maximum-likelihood training minimises the cross-entropy of the next element; with
#   teacher forcing every position is trained in one parallel pass.
# - A neural model shares what it learns across contexts, so a longer context is cheap:
#   4 characters of context beat 1 on held-out words.
# - Generation is sequential: one character, or one pixel, at a time.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Check your understanding
#
# 1. Write $p(\text{"cat"})$ with the chain rule, including the start and end markers.
#    Which factors does a bigram model simplify, and how?
# 2. Why does the count table need smoothing, and what would the held-out NLL be without it?
# 3. Teacher forcing trains on the true previous characters. What could go wrong at
#    generation time, when the model reads its own samples instead?
# 4. Sampling 64 pixels needs 64 passes of MADE, training needs one. Why the difference?
# 5. In the pixel model, why may the label be seen by every output while pixel 40 may
#    only be seen by outputs 41-63?

# %% [markdown] slideshow={"slide_type": "subslide"}
# <details><summary>Answers</summary>
#
# 1. $p(\text{c} \mid .)\,p(\text{a} \mid ., \text{c})\,p(\text{t} \mid ., \text{c}, \text{a})\,p(. \mid ., \text{c}, \text{a}, \text{t})$.
#    A bigram model keeps only the last character of each condition:
#    $p(\text{c} \mid .)\,p(\text{a} \mid \text{c})\,p(\text{t} \mid \text{a})\,p(. \mid \text{t})$.
# 2. Without it, a pair never seen in training has probability 0, and one held-out word
#    containing such a pair has log-probability $-\infty$: the held-out NLL would be
#    infinite.
# 3. The model never practised recovering from its own mistakes: one unlikely character
#    puts it in a context unlike any in training, and errors can compound (exposure bias).
# 4. In training all 64 pixels are known, so every conditional can be computed at once;
#    in sampling pixel $i$ must be drawn before the conditional of pixel $i+1$ can be
#    computed, so each pass yields one new pixel.
# 5. The label is given before any pixel is drawn: conditioning every factor on it keeps
#    the chain rule exact, $p(x \mid c) = \prod_i p(x_i \mid x_{<i}, c)$. Pixel 40 is drawn
#    after pixels 0-39; letting their outputs see it would use the future, and the
#    product would no longer be a distribution we can sample in order.
#
# </details>
#
# **Exercise:** `exercises/03_autoregressive.ipynb` asks you to count bigrams, turn the
# counts into smoothed conditional probabilities, and sample with a temperature.
