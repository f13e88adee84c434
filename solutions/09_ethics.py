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

# %% [markdown] nbgrader={"grade": false, "grade_id": "intro", "locked": true, "schema_version": 3, "solution": false}
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

# %% nbgrader={"grade": false, "grade_id": "setup", "locked": true, "schema_version": 3, "solution": false}
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


# %% [markdown] nbgrader={"grade": false, "grade_id": "count_md", "locked": true, "schema_version": 3, "solution": false}
# ## Part 1 — count the green tokens (3 points)
#
# Write `count_green(tokens, vocab_size, gamma=0.5, key=42)`: `tokens` is a list of token
# ids. The first token has no predecessor and is not scored; every later token
# `tokens[t]` is green when `green_mask(tokens[t - 1], vocab_size, gamma, key)[tokens[t]]`
# is true. Return the pair `(n_green, n_scored)` as two Python `int`s.

# %% nbgrader={"grade": false, "grade_id": "count_green", "locked": false, "schema_version": 3, "solution": true}
def count_green(tokens, vocab_size, gamma=0.5, key=42):
    """(number of green tokens, number of tokens scored) for a list of token ids."""
    ### BEGIN SOLUTION
    n_green = 0
    for previous, token in zip(tokens[:-1], tokens[1:], strict=True):
        n_green += int(green_mask(previous, vocab_size, gamma, key)[token])
    return n_green, max(len(tokens) - 1, 0)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_count_green", "locked": true, "points": 3, "schema_version": 3, "solution": false}
_tokens = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3]
_expected = sum(bool(green_mask(a, 10)[b]) for a, b in zip(_tokens[:-1], _tokens[1:], strict=True))
_counts = count_green(_tokens, 10)
assert type(_counts) is tuple and len(_counts) == 2, f"return a pair (n_green, n_scored), got {_counts!r}"
assert all(type(c) is int for c in _counts), (
    f"return Python ints (use int(...)), got {[type(c).__name__ for c in _counts]}")
assert _counts[1] == 9, f"10 tokens: the first is not scored, so 9 are; got n_scored = {_counts[1]}"
assert _counts[0] == _expected, (
    f"expected {_expected} green tokens; is each token checked against the mask of the token before it?")
### BEGIN HIDDEN TESTS
assert count_green([7], 10) == (0, 0)
_g = torch.Generator().manual_seed(8)
_seq = torch.randint(0, 50, (40,), generator=_g).tolist()
_ref = sum(bool(green_mask(a, 50, 0.25, 7)[b]) for a, b in zip(_seq[:-1], _seq[1:], strict=True))
_got = count_green(_seq, 50, gamma=0.25, key=7)
assert type(_got) is tuple and all(type(c) is int for c in _got) and _got == (_ref, 39)
_all_green = [0]
for _ in range(20):
    _all_green.append(int(green_mask(_all_green[-1], 30).nonzero()[0]))
assert count_green(_all_green, 30) == (20, 20)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "z_md", "locked": true, "schema_version": 3, "solution": false}
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

# %% nbgrader={"grade": false, "grade_id": "watermark_z_score", "locked": false, "schema_version": 3, "solution": true}
def watermark_z_score(n_green, n_scored, gamma=0.5):
    """(n_green - gamma T) / sqrt(T gamma (1 - gamma)) with T = n_scored."""
    ### BEGIN SOLUTION
    if n_scored <= 0:
        raise ValueError("no tokens were scored: the text needs at least two tokens")
    return float((n_green - gamma * n_scored) / math.sqrt(n_scored * gamma * (1 - gamma)))
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_watermark_z_score", "locked": true, "points": 3, "schema_version": 3, "solution": false}
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
### BEGIN HIDDEN TESTS
assert math.isclose(watermark_z_score(10, 200, 0.25), (10 - 50) / math.sqrt(200 * 0.25 * 0.75), rel_tol=1e-9)
assert type(watermark_z_score(3, 4, 0.25)) is float
assert math.isclose(watermark_z_score(3, 4, 0.25), 2 / math.sqrt(0.75), rel_tol=1e-9)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "detect_md", "locked": true, "schema_version": 3, "solution": false}
# ## Part 3 — the decision (2 points)
#
# Write `is_watermarked(tokens, vocab_size, gamma=0.5, key=42, threshold=4.0)`: `True`
# (a Python `bool`) when the z-score of `tokens` is **greater than** `threshold`. A high
# threshold means few false accusations: with $z > 4$ the chance that ordinary text is
# flagged is about $3 \times 10^{-5}$. Texts with fewer than two tokens are never flagged.

# %% nbgrader={"grade": false, "grade_id": "is_watermarked", "locked": false, "schema_version": 3, "solution": true}
def is_watermarked(tokens, vocab_size, gamma=0.5, key=42, threshold=4.0):
    """True when the green-token z-score exceeds threshold."""
    ### BEGIN SOLUTION
    n_green, n_scored = count_green(tokens, vocab_size, gamma, key)
    if n_scored == 0:
        return False
    return bool(watermark_z_score(n_green, n_scored, gamma) > threshold)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_is_watermarked", "locked": true, "points": 2, "schema_version": 3, "solution": false}
_plain = torch.randint(0, 100, (200,), generator=torch.Generator().manual_seed(1)).tolist()
_flag = is_watermarked(_plain, 100)
assert type(_flag) is bool, f"return a Python bool, got {type(_flag).__name__}"
assert _flag is False, "ordinary random text must not be flagged"
_marked = [5]
for _ in range(60):
    _marked.append(int(green_mask(_marked[-1], 100).nonzero()[0]))
assert is_watermarked(_marked, 100) is True, "60 green tokens in a row (z about 7.7) must be flagged"
### BEGIN HIDDEN TESTS
assert is_watermarked(_marked, 100, key=43) is False
assert is_watermarked([1], 100) is False and is_watermarked([], 100) is False
assert is_watermarked(_marked[:9], 100) is False  # 8 green of 8: z = 2.83
assert is_watermarked(_marked[:9], 100, threshold=2.5) is True
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "outro", "locked": true, "schema_version": 3, "solution": false}
# ## A soft watermark on a toy "model"
#
# The cell below generates from a toy model (random next-token probabilities) twice:
# plainly, and with the watermark's soft rule, which adds $\delta = 2$ to the logits of
# the green tokens. Your detector tells them apart; the wrong key sees nothing.

# %% nbgrader={"grade": false, "grade_id": "demo", "locked": true, "schema_version": 3, "solution": false}
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
