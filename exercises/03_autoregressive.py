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

# %% [markdown] nbgrader={"grade": false, "grade_id": "intro", "locked": true, "schema_version": 3, "solution": false, "checksum": "3eed7d9a220c4c5695549921cfcb7b61", "cell_type": "markdown"} deletable=false editable=false
# # Exercise 03 — a bigram model, and sampling with a temperature
#
# This exercise goes with [lesson 03](../lessons/03_autoregressive.ipynb). The simplest
# autoregressive model of text predicts each character from the one before it:
# $p(x_1, \dots, x_T) = p(x_1)\prod_t p(x_t \mid x_{t-1})$. You build it from counts and
# then control how adventurous its samples are:
#
# 1. **count** the bigrams of a text;
# 2. turn counts into **conditional probabilities**, with add-$\alpha$ smoothing;
# 3. reshape a next-token distribution with a **temperature**.
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


# %% nbgrader={"grade": true, "grade_id": "test_bigram_probabilities", "locked": true, "points": 3, "schema_version": 3, "solution": false, "checksum": "b3fa07f4c29d99228e72204df3dd35ad", "cell_type": "code"} deletable=false editable=false
_p = bigram_probabilities(torch.tensor([[0, 2], [1, 0]]), alpha=1.0)
assert isinstance(_p, torch.Tensor), f"return a torch.Tensor, got {type(_p).__name__}"
assert _p.shape == (2, 2) and _p.dtype == torch.float32, (
    f"expected a float32 tensor of shape (2, 2), got {_p.dtype} {tuple(_p.shape)}")
assert torch.allclose(_p, torch.tensor([[0.25, 0.75], [2 / 3, 1 / 3]])), (
    f"with alpha = 1, row [0, 2] becomes [1, 3] / 4; got {_p.tolist()}")
assert torch.allclose(_p.sum(1), torch.ones(2)), "every row must sum to 1"


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

# %% [markdown] nbgrader={"grade": false, "grade_id": "outro", "locked": true, "schema_version": 3, "solution": false, "checksum": "3a4bea8c4b53c922217a0656e1622905", "cell_type": "markdown"} deletable=false editable=false
# ## Your bigram model writes "Python documentation"
#
# The cell below counts bigrams in 100,000 characters of Python's documentation with
# your functions and samples 200 characters at two temperatures. Low temperature repeats
# the commonest patterns; high temperature makes more mistakes, and more surprises.

# %% nbgrader={"grade": false, "grade_id": "demo", "locked": true, "schema_version": 3, "solution": false, "checksum": "826373eef72bd6c9de1ee3fe3e33dd53", "cell_type": "code"} deletable=false editable=false
from genai_course.data import load_corpus  # noqa: E402

text = load_corpus("python-docs")[:100_000]
vocab = "".join(sorted(set(text)))
probs = bigram_probabilities(bigram_counts(text, vocab), alpha=0.1)
for temperature in (0.5, 1.5):
    generator = torch.Generator().manual_seed(0)
    ids = [vocab.index("T")]
    for _ in range(200):
        next_probs = temperature_probabilities(probs[ids[-1]].log(), temperature)
        ids.append(torch.multinomial(next_probs, 1, generator=generator).item())
    print(f"--- temperature {temperature}:\n" + "".join(vocab[i] for i in ids))
