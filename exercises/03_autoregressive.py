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

# %% [markdown] nbgrader={"grade": false, "grade_id": "intro", "locked": true, "schema_version": 3, "solution": false, "checksum": "79849e0b0c9fea6145ac41a50ffd3357", "cell_type": "markdown"} deletable=false editable=false
# # Exercise 03 — a bigram model, and sampling with a temperature
#
# This exercise goes with [lesson 03](../lessons/03_autoregressive.ipynb). The simplest
# autoregressive model of text predicts each character from the one before it:
# $p(x_1, \dots, x_T) = p(x_1)\prod_t p(x_t \mid x_{t-1})$. You build it from counts and
# then control how adventurous its samples are:
#
# 1. **count** the bigrams of a text;
# 2. turn counts into **conditional probabilities**, with add-$\alpha$ smoothing;
# 3. reshape a next-token distribution with a **temperature**;
# 4. **decide** how much smoothing the model needs, on held-out text.
#
# Write your code where it says `# YOUR CODE HERE` (delete the `raise NotImplementedError()`)
# and run the test cell below it. The grader also runs hidden tests, and puts back the
# original test cells, so make your functions right in general.

# %% nbgrader={"grade": false, "grade_id": "setup", "locked": true, "schema_version": 3, "solution": false, "checksum": "04d056c388de16c8a4944d34b05f7a18", "cell_type": "code"} deletable=false editable=false
import torch

from genai_course import seed_everything

seed_everything(0)

# %% [markdown] nbgrader={"grade": false, "grade_id": "counts_md", "locked": true, "schema_version": 3, "solution": false, "checksum": "ef1e3d87a4965b07feef48bc6aea354e", "cell_type": "markdown"} deletable=false editable=false
# ## Part 1 — count the bigrams (3 points)
#
# Write `bigram_counts(text, vocab)`: `vocab` is a string of distinct characters (the
# character `vocab[i]` has id `i`); return an `int64` tensor `counts` of shape
# `(V, V)`, `V = len(vocab)`, where `counts[i, j]` is how many times character `vocab[j]`
# directly follows `vocab[i]` in `text`. Every character of `text` is in `vocab`.

# %% nbgrader={"grade": false, "grade_id": "bigram_counts", "locked": false, "schema_version": 3, "solution": true, "checksum": "b5a4361a46d0132beb1a6ab46c84ef04", "cell_type": "code"} deletable=false
def bigram_counts(text, vocab):
    """counts[i, j] = number of times vocab[j] follows vocab[i] in text."""
    # YOUR CODE HERE
    raise NotImplementedError()


# %% nbgrader={"grade": true, "grade_id": "test_bigram_counts", "locked": true, "points": 3, "schema_version": 3, "solution": false, "checksum": "b8d0c27016031adef97f5be58d5d80fd", "cell_type": "code"} deletable=false editable=false
_c = bigram_counts("abab", "ab")
assert isinstance(_c, torch.Tensor), f"return a torch.Tensor, got {type(_c).__name__}"
assert _c.shape == (2, 2), f"expected shape (V, V) = (2, 2), got {tuple(_c.shape)}"
assert _c.dtype == torch.int64, f"counts are whole numbers: use dtype torch.int64, got {_c.dtype}"
assert _c.tolist() == [[0, 2], [1, 0]], (
    f"'abab' has the bigrams ab, ba, ab: expected [[0, 2], [1, 0]], got {_c.tolist()}")
_c = bigram_counts("hello", "ehlo")
assert _c[2, 2].item() == 1 and _c[0, 2].item() == 1 and _c.sum().item() == 4, (
    "'hello' has 4 bigrams: he, el, ll, lo")


# %% [markdown] nbgrader={"grade": false, "grade_id": "probs_md", "locked": true, "schema_version": 3, "solution": false, "checksum": "bc7702541179600235b325c9d102f6f6", "cell_type": "markdown"} deletable=false editable=false
# ## Part 2 — from counts to probabilities (3 points)
#
# The maximum-likelihood estimate is $p(j \mid i) = \text{counts}[i, j] / \sum_k
# \text{counts}[i, k]$; it gives probability 0 to every bigram never seen, and a row of
# zeros for a character never followed by anything. Add-$\alpha$ smoothing adds $\alpha$
# to every count first. Write `bigram_probabilities(counts, alpha=1.0)` returning a
# `float32` tensor of the same shape whose rows each sum to 1.

# %% nbgrader={"grade": false, "grade_id": "bigram_probabilities", "locked": false, "schema_version": 3, "solution": true, "checksum": "47edc7c5d1d3ae9402946a738760af02", "cell_type": "code"} deletable=false
def bigram_probabilities(counts, alpha=1.0):
    """Row-normalised (counts + alpha): p[i, j] = p(next = j | current = i)."""
    # YOUR CODE HERE
    raise NotImplementedError()


# %% nbgrader={"grade": true, "grade_id": "test_bigram_probabilities", "locked": true, "points": 3, "schema_version": 3, "solution": false, "checksum": "7d561e045c61d20de00f8a9963cdfeb6", "cell_type": "code"} deletable=false editable=false
_p = bigram_probabilities(torch.tensor([[0, 2], [1, 0]]), alpha=1.0)
assert isinstance(_p, torch.Tensor), f"return a torch.Tensor, got {type(_p).__name__}"
assert _p.shape == (2, 2) and _p.dtype == torch.float32, (
    f"expected a float32 tensor of shape (2, 2), got {_p.dtype} {tuple(_p.shape)}")
assert torch.allclose(_p, torch.tensor([[0.25, 0.75], [2 / 3, 1 / 3]])), (
    f"with alpha = 1, row [0, 2] becomes [1, 3] / 4; got {_p.tolist()}")
assert torch.allclose(_p.sum(1), torch.ones(2)), "every row must sum to 1"
_p5 = bigram_probabilities(torch.tensor([[0, 2], [1, 0]]), alpha=0.5)
assert torch.allclose(_p5[0], torch.tensor([0.5, 2.5]) / 3), (
    f"with alpha = 0.5, row [0, 2] becomes [0.5, 2.5] / 3: use the alpha you are given; got {_p5[0].tolist()}")


# %% [markdown] nbgrader={"grade": false, "grade_id": "temp_md", "locked": true, "schema_version": 3, "solution": false, "checksum": "515520cae79f25ac606dda49ce7a5043", "cell_type": "markdown"} deletable=false editable=false
# ## Part 3 — temperature (2 points)
#
# Sampling divides the logits (log-probabilities will do) by a temperature $T$ before
# the softmax: $p_T(j) \propto \exp(\ell_j / T)$. $T < 1$ sharpens the distribution
# (towards the greedy choice), $T > 1$ flattens it (towards uniform). Write
# `temperature_probabilities(logits, temperature)` for a 1-D tensor of logits; raise a
# `ValueError` when the temperature is not a positive number.

# %% nbgrader={"grade": false, "grade_id": "temperature_probabilities", "locked": false, "schema_version": 3, "solution": true, "checksum": "a6ac2f343e8a4e179a37188c413eda1c", "cell_type": "code"} deletable=false
def temperature_probabilities(logits, temperature):
    """softmax(logits / temperature); ValueError unless temperature > 0."""
    # YOUR CODE HERE
    raise NotImplementedError()


# %% nbgrader={"grade": true, "grade_id": "test_temperature_probabilities", "locked": true, "points": 2, "schema_version": 3, "solution": false, "checksum": "03de9ed4b1ae6949ed0d862fb5c0a3e0", "cell_type": "code"} deletable=false editable=false
_l = torch.log(torch.tensor([0.5, 0.3, 0.2]))
_p1 = temperature_probabilities(_l, 1.0)
assert isinstance(_p1, torch.Tensor) and _p1.shape == (3,), "return a tensor of the logits' shape"
assert torch.allclose(_p1, torch.tensor([0.5, 0.3, 0.2])), "T = 1 leaves the distribution as it is"
_sharp = temperature_probabilities(_l, 0.5)
assert torch.allclose(_sharp, torch.tensor([25.0, 9.0, 4.0]) / 38), (
    f"T = 0.5 squares the probabilities (then renormalises): expected [25, 9, 4] / 38, got {_sharp.tolist()}")
try:
    temperature_probabilities(_l, 0.0)
except ValueError:
    pass
else:
    raise AssertionError("a temperature of 0 must raise ValueError")


# %% [markdown] nbgrader={"grade": false, "grade_id": "alpha_md", "locked": true, "schema_version": 3, "solution": false, "checksum": "b6663c6aae85916cb2124f8cde28a951", "cell_type": "markdown"} deletable=false editable=false
# ## Part 4 — how much smoothing? Decide on held-out text (3 points)
#
# With $\alpha \to 0$ the model fits its training text best, but gives almost no
# probability to bigrams it never saw; with a large $\alpha$ it forgets what it counted.
# The training text cannot settle this: its own negative log-likelihood always prefers
# the smallest $\alpha$. Held-out text can. Write `choose_alpha(train_text,
# validation_text, vocab, alphas)`: fit the bigram model on `train_text` (your
# `bigram_counts` and `bigram_probabilities`) for each $\alpha$ in `alphas`, measure the
# mean negative log-likelihood per bigram of `validation_text`,
# $-\frac{1}{T-1}\sum_t \log p(x_t \mid x_{t-1})$, and return the $\alpha$ with the lowest
# value, as a Python `float`. The demo below then reports the chosen model on a *test*
# text that played no part in the choice.

# %% nbgrader={"grade": false, "grade_id": "choose_alpha", "locked": false, "schema_version": 3, "solution": true, "checksum": "b80f057c4000197b906e877d57bf1e80", "cell_type": "code"} deletable=false
def choose_alpha(train_text, validation_text, vocab, alphas):
    """The smoothing alpha (from alphas) with the lowest validation NLL per bigram."""
    # YOUR CODE HERE
    raise NotImplementedError()


# %% nbgrader={"grade": true, "grade_id": "test_choose_alpha", "locked": true, "points": 3, "schema_version": 3, "solution": false, "checksum": "bb4aea85ced386d3ecffa39a63a7c2cc", "cell_type": "code"} deletable=false editable=false
from genai_course.data import load_corpus  # noqa: E402

_docs = load_corpus("python-docs")
_vocab = "".join(sorted(set(_docs)))
_alphas = [0.001, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0]
_a = choose_alpha(_docs[:3000], _docs[3000:6000], _vocab, _alphas)
assert type(_a) is float, f"return a Python float (one of alphas), got {type(_a).__name__}"
assert _a in _alphas, f"return one of the alphas offered, got {_a}"
assert _a != min(_alphas), (
    "the smallest alpha won: that is what the training text prefers. Score the validation text")
assert _a != max(_alphas), "the largest alpha won: did you pick the highest NLL instead of the lowest?"

# %% [markdown] nbgrader={"grade": false, "grade_id": "outro", "locked": true, "schema_version": 3, "solution": false, "checksum": "c45c59ff693d78b7151ad0be15842848", "cell_type": "markdown"} deletable=false editable=false
# ## Your bigram model writes "Python documentation"
#
# The cell below counts bigrams in 100,000 characters of Python's documentation with
# your functions, chooses the smoothing on the next 10,000 characters, reports it on the
# 10,000 after those, and samples 200 characters at two temperatures. Low temperature repeats
# the commonest patterns; high temperature makes more mistakes, and more surprises.

# %% nbgrader={"grade": false, "grade_id": "demo", "locked": true, "schema_version": 3, "solution": false, "checksum": "b55c078784ce936632c5a21a830bd7ca", "cell_type": "code"} deletable=false editable=false
text = _docs[:100_000]
vocab = _vocab
best_alpha = choose_alpha(text, _docs[100_000:110_000], vocab, _alphas)  # validation text
test_text = _docs[110_000:120_000]  # nothing was chosen on this
test_ids = torch.tensor([vocab.index(ch) for ch in test_text])
for alpha in (min(_alphas), best_alpha):
    p = bigram_probabilities(bigram_counts(text, vocab), alpha)
    print(f"alpha = {alpha}: test NLL {-p[test_ids[:-1], test_ids[1:]].log().mean():.4f} nats per character")
probs = bigram_probabilities(bigram_counts(text, vocab), alpha=best_alpha)
for temperature in (0.5, 1.5):
    generator = torch.Generator().manual_seed(0)
    ids = [vocab.index("T")]
    for _ in range(200):
        next_probs = temperature_probabilities(probs[ids[-1]].log(), temperature)
        ids.append(torch.multinomial(next_probs, 1, generator=generator).item())
    print(f"--- temperature {temperature}:\n" + "".join(vocab[i] for i in ids))
