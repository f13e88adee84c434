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

# %% [markdown] nbgrader={"grade": false, "grade_id": "intro", "locked": true, "schema_version": 3, "solution": false, "checksum": "c65ff18f28f623af3b39ec93d550d8f5", "cell_type": "markdown"} deletable=false editable=false
# # Exercise 09 — transparency: detect a text watermark statistically
#
# This exercise goes with [lesson 09](../lessons/09_ethics.ipynb). A watermark lets a
# model provider tell, later, whether a text came from its model, without storing the
# text. The scheme of Kirchenbauer et al. (2023, "A Watermark for Large Language Models"):
# before each token is sampled, the previous token seeds a random split of the vocabulary
# into a **green list** (a fraction $\gamma$ of it) and a red list, and generation favours
# green tokens. Anyone with the key can then count green tokens: ordinary text has about
# $\gamma T$ of $T$ tokens green, watermarked text far more. You write the detector:
#
# 1. **count** the green tokens of a token sequence;
# 2. turn the count into a **z-score**;
# 3. **decide**: watermarked or not.
#
# Write your code where it says `# YOUR CODE HERE` (delete the `raise NotImplementedError()`)
# and run the test cell below it. The grader also runs hidden tests, and puts back the
# original test cells, so make your functions right in general.

# %% nbgrader={"grade": false, "grade_id": "setup", "locked": true, "schema_version": 3, "solution": false, "checksum": "c03b694fbfb05f3182c21f367e4fbc34", "cell_type": "code"} deletable=false editable=false
import math

import torch

from genai_course import seed_everything

seed_everything(0)


def green_mask(previous_token, vocab_size, gamma=0.5, key=42):
    """Boolean mask of the green list that follows `previous_token` (given, do not change)."""
    generator = torch.Generator().manual_seed(key * 100_003 + int(previous_token))
    green = torch.randperm(vocab_size, generator=generator)[: int(gamma * vocab_size)]
    mask = torch.zeros(vocab_size, dtype=torch.bool)
    mask[green] = True
    return mask


# %% [markdown] nbgrader={"grade": false, "grade_id": "count_md", "locked": true, "schema_version": 3, "solution": false, "checksum": "28aa4d19481b3c71e412cca1cc061a9c", "cell_type": "markdown"} deletable=false editable=false
# ## Part 1 — count the green tokens (3 points)
#
# Write `count_green(tokens, vocab_size, gamma=0.5, key=42)`: `tokens` is a list of token
# ids. The first token has no predecessor and is not scored; every later token
# `tokens[t]` is green when `green_mask(tokens[t - 1], vocab_size, gamma, key)[tokens[t]]`
# is true. Return the pair `(n_green, n_scored)` as two Python `int`s.

# %% nbgrader={"grade": false, "grade_id": "count_green", "locked": false, "schema_version": 3, "solution": true, "checksum": "d53c29a9ca3055e07efef96880538d35", "cell_type": "code"} deletable=false
def count_green(tokens, vocab_size, gamma=0.5, key=42):
    """(number of green tokens, number of tokens scored) for a list of token ids."""
    # YOUR CODE HERE
    raise NotImplementedError()


# %% nbgrader={"grade": true, "grade_id": "test_count_green", "locked": true, "points": 3, "schema_version": 3, "solution": false, "checksum": "9975e43f3138b9fc6e1508519bed15d5", "cell_type": "code"} deletable=false editable=false
_tokens = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3]
_expected = sum(bool(green_mask(a, 10)[b]) for a, b in zip(_tokens[:-1], _tokens[1:], strict=True))
_counts = count_green(_tokens, 10)
assert type(_counts) is tuple and len(_counts) == 2, f"return a pair (n_green, n_scored), got {_counts!r}"
assert all(type(c) is int for c in _counts), (
    f"return Python ints (use int(...)), got {[type(c).__name__ for c in _counts]}")
assert _counts[1] == 9, f"10 tokens: the first is not scored, so 9 are; got n_scored = {_counts[1]}"
assert _counts[0] == _expected, (
    f"expected {_expected} green tokens; is each token checked against the mask of the token before it?")


# %% [markdown] nbgrader={"grade": false, "grade_id": "z_md", "locked": true, "schema_version": 3, "solution": false, "checksum": "47ceb4e0b86107743a1c64bf02b05f9c", "cell_type": "markdown"} deletable=false editable=false
# ## Part 2 — the z-score (3 points)
#
# Without a watermark each scored token is green with probability $\gamma$, independently
# enough that the count of green tokens among $T$ is approximately Binomial$(T, \gamma)$:
# mean $\gamma T$, variance $T\gamma(1-\gamma)$. The z-score says how many standard
# deviations above that mean the count lies:
#
# $$z = \frac{n_{\text{green}} - \gamma T}{\sqrt{T \gamma (1 - \gamma)}}.$$
#
# Write `watermark_z_score(n_green, n_scored, gamma=0.5)` returning $z$ as a Python
# `float`; raise a `ValueError` when `n_scored` is 0 (nothing to test).

# %% nbgrader={"grade": false, "grade_id": "watermark_z_score", "locked": false, "schema_version": 3, "solution": true, "checksum": "2e6bed5b274aa71007954f6a8ae07d84", "cell_type": "code"} deletable=false
def watermark_z_score(n_green, n_scored, gamma=0.5):
    """(n_green - gamma T) / sqrt(T gamma (1 - gamma)) with T = n_scored."""
    # YOUR CODE HERE
    raise NotImplementedError()


# %% nbgrader={"grade": true, "grade_id": "test_watermark_z_score", "locked": true, "points": 3, "schema_version": 3, "solution": false, "checksum": "9dfffc631191e910a02673d088c90125", "cell_type": "code"} deletable=false editable=false
_z = watermark_z_score(50, 100, 0.5)
assert type(_z) is float, f"return a Python float, got {type(_z).__name__}"
assert math.isclose(_z, 0.0, abs_tol=1e-12), f"50 green of 100 at gamma 0.5 is exactly the mean: z = 0, got {_z}"
assert math.isclose(watermark_z_score(75, 100, 0.5), 5.0, rel_tol=1e-9), (
    "75 of 100: (75 - 50) / sqrt(100 * 0.25) = 5")
try:
    watermark_z_score(0, 0)
except ValueError:
    pass
else:
    raise AssertionError("no scored tokens: raise ValueError")


# %% [markdown] nbgrader={"grade": false, "grade_id": "detect_md", "locked": true, "schema_version": 3, "solution": false, "checksum": "8a37759c2abbc22d7dcedb72185e3e10", "cell_type": "markdown"} deletable=false editable=false
# ## Part 3 — the decision (2 points)
#
# Write `is_watermarked(tokens, vocab_size, gamma=0.5, key=42, threshold=4.0)`: `True`
# (a Python `bool`) when the z-score of `tokens` is **greater than** `threshold`. A high
# threshold means few false accusations: with $z > 4$ the chance that ordinary text is
# flagged is about $3 \times 10^{-5}$. Texts with fewer than two tokens are never flagged.

# %% nbgrader={"grade": false, "grade_id": "is_watermarked", "locked": false, "schema_version": 3, "solution": true, "checksum": "a4d6ab18a57dc2bbd58938ee9f12ff48", "cell_type": "code"} deletable=false
def is_watermarked(tokens, vocab_size, gamma=0.5, key=42, threshold=4.0):
    """True when the green-token z-score exceeds threshold."""
    # YOUR CODE HERE
    raise NotImplementedError()


# %% nbgrader={"grade": true, "grade_id": "test_is_watermarked", "locked": true, "points": 2, "schema_version": 3, "solution": false, "checksum": "142deaf58e2e58cfdd772aa6e83b53a7", "cell_type": "code"} deletable=false editable=false
_plain = torch.randint(0, 100, (200,), generator=torch.Generator().manual_seed(1)).tolist()
_flag = is_watermarked(_plain, 100)
assert type(_flag) is bool, f"return a Python bool, got {type(_flag).__name__}"
assert _flag is False, "ordinary random text must not be flagged"
_marked = [5]
for _ in range(60):
    _marked.append(int(green_mask(_marked[-1], 100).nonzero()[0]))
assert is_watermarked(_marked, 100) is True, "60 green tokens in a row (z about 7.7) must be flagged"

# %% [markdown] nbgrader={"grade": false, "grade_id": "outro", "locked": true, "schema_version": 3, "solution": false, "checksum": "b19d43e239df88daea892f636f6bdff8", "cell_type": "markdown"} deletable=false editable=false
# ## A soft watermark on a toy "model"
#
# The cell below generates from a toy model (random next-token probabilities) twice:
# plainly, and with the watermark's soft rule, which adds $\delta = 2$ to the logits of
# the green tokens. Your detector tells them apart; the wrong key sees nothing.

# %% nbgrader={"grade": false, "grade_id": "demo", "locked": true, "schema_version": 3, "solution": false, "checksum": "e61ac3316204c7f9352ec61639661e90", "cell_type": "code"} deletable=false editable=false
vocab_size, generator = 200, torch.Generator().manual_seed(0)
toy_logits = torch.randn(vocab_size, vocab_size, generator=generator)  # next-token logits per token
for delta in (0.0, 2.0):
    tokens = [0]
    for _ in range(150):
        logits = toy_logits[tokens[-1]] + delta * green_mask(tokens[-1], vocab_size).float()
        tokens.append(int(torch.multinomial(logits.softmax(0), 1, generator=generator)))
    z = watermark_z_score(*count_green(tokens, vocab_size))
    z_wrong_key = watermark_z_score(*count_green(tokens, vocab_size, key=7))
    print(f"delta = {delta}: z = {z:5.2f} (flagged: {is_watermarked(tokens, vocab_size)}); "
          f"with a wrong key z = {z_wrong_key:5.2f}")
