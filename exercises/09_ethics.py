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

# %% [markdown] nbgrader={"grade": false, "grade_id": "intro", "locked": true, "schema_version": 3, "solution": false, "checksum": "ed467750ce1768c11f8551abd31ea84b", "cell_type": "markdown"} deletable=false editable=false
# # Exercise 09 — transparency: detect a text watermark statistically
#
# This exercise goes with [lesson 09](../lessons/09_ethics.ipynb). A watermark lets a
# model provider tell, later, whether a text came from its model, without storing the
# text. The scheme of Kirchenbauer et al. (2023, "A Watermark for Large Language Models"):
# before each token is sampled, the previous token seeds a random split of the vocabulary
# into a **green list** (a fraction $\gamma$ of it) and a red list, and generation favours
# green tokens. Anyone with the key can then count green tokens: ordinary text has about
# $\gamma T$ of $T$ tokens green, watermarked text far more. You write the detector, then calibrate it:
#
# 1. **count** the green tokens of a token sequence;
# 2. turn the count into a **z-score**;
# 3. **decide**: watermarked or not;
# 4. **calibrate** the decision on human text, where the textbook threshold fails.
#
# Write your code where it says `# YOUR CODE HERE` (delete the `raise NotImplementedError()`)
# and run the test cell below it. The grader also runs hidden tests, and puts back the
# original test cells, so make your functions right in general.

# %% nbgrader={"grade": false, "grade_id": "setup", "locked": true, "schema_version": 3, "solution": false, "checksum": "94866e6bbfc53fd520f7af1be6433d2f", "cell_type": "code"} deletable=false editable=false
import functools
import math

import torch

from genai_course import seed_everything

seed_everything(0)


def green_mask(previous_token, vocab_size, gamma=0.5, key=42):
    """Boolean mask of the green list that follows `previous_token` (given, do not change)."""
    return _green_mask(int(previous_token), int(vocab_size), float(gamma), int(key)).clone()


@functools.lru_cache(maxsize=100_000)  # the same lists come back often: compute each once
def _green_mask(previous_token, vocab_size, gamma, key):
    generator = torch.Generator().manual_seed(key * 100_003 + previous_token)
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


# %% nbgrader={"grade": true, "grade_id": "test_count_green", "locked": true, "points": 3, "schema_version": 3, "solution": false, "checksum": "df8ee04bbf260eefa164c578a3c43025", "cell_type": "code"} deletable=false editable=false
_tokens = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3]
_expected = sum(bool(green_mask(a, 10)[b]) for a, b in zip(_tokens[:-1], _tokens[1:], strict=True))
_counts = count_green(_tokens, 10)
assert type(_counts) is tuple and len(_counts) == 2, f"return a pair (n_green, n_scored), got {_counts!r}"
assert all(type(c) is int for c in _counts), (
    f"return Python ints (use int(...)), got {[type(c).__name__ for c in _counts]}")
assert _counts[1] == 9, f"10 tokens: the first is not scored, so 9 are; got n_scored = {_counts[1]}"
assert _counts[0] == _expected, (
    f"expected {_expected} green tokens; is each token checked against the mask of the token before it?")
_chain, _pick = [0], torch.Generator().manual_seed(0)
for _ in range(20):  # each token a random member of the green list of the token before it
    _greens = green_mask(_chain[-1], 30).nonzero().flatten()
    _chain.append(int(_greens[torch.randint(len(_greens), (1,), generator=_pick)]))
assert count_green(_chain, 30) == (20, 20), (
    "a text built so that every token is in the green list of the token before it must count 20 of 20: "
    "look up tokens[t] in the mask of tokens[t - 1]")


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


# %% nbgrader={"grade": true, "grade_id": "test_is_watermarked", "locked": true, "points": 2, "schema_version": 3, "solution": false, "checksum": "9c74428814ebb5fef7f9b3d09ccb35e2", "cell_type": "code"} deletable=false editable=false
_plain = torch.randint(0, 100, (200,), generator=torch.Generator().manual_seed(1)).tolist()
_flag = is_watermarked(_plain, 100)
assert type(_flag) is bool, f"return a Python bool, got {type(_flag).__name__}"
assert _flag is False, "ordinary random text must not be flagged"
_marked = [5]
for _ in range(60):
    _marked.append(int(green_mask(_marked[-1], 100).nonzero()[0]))
assert is_watermarked(_marked, 100) is True, "60 green tokens in a row (z about 7.7) must be flagged"
assert is_watermarked([1], 100) is False, "a text of one token has nothing to score: never flagged"
_plain75 = torch.randint(0, 100, (200,), generator=torch.Generator().manual_seed(2)).tolist()
assert is_watermarked(_plain75, 100, gamma=0.75) is False, (
    "ordinary text with gamma = 0.75 has about 75% green tokens and must not be flagged: pass "
    "gamma to both count_green and the z-score")
_marked75, _pick = [3], torch.Generator().manual_seed(3)
for _ in range(60):  # a random green token each time (gamma = 0.75)
    _greens = green_mask(_marked75[-1], 100, 0.75).nonzero().flatten()
    _marked75.append(int(_greens[torch.randint(len(_greens), (1,), generator=_pick)]))
assert is_watermarked(_marked75, 100, gamma=0.75) is True, (
    "60 green tokens of 60 at gamma = 0.75 (z = 4.5) must be flagged: count with gamma")


# %% [markdown] nbgrader={"grade": false, "grade_id": "calibrate_md", "locked": true, "schema_version": 3, "solution": false, "checksum": "180777471275fde4c0917e70bdc81fd6", "cell_type": "markdown"} deletable=false editable=false
# ## Part 4 — calibrate the threshold on human text (3 points)
#
# The promise "$z > 4$ flags ordinary text with chance $3 \times 10^{-5}$" assumes that
# the tokens are independent draws. Human text repeats itself (names, phrases, code),
# and a repeated bigram is green every time or red every time, so its z-scores spread
# far wider than $\mathcal N(0, 1)$. The test cell below makes such texts with
# `repetitive_texts`; measure how many of them $z > 4$ would accuse, then fix the
# decision by calibrating it. Write
# `calibrate_threshold(human_texts, vocab_size, gamma=0.5, key=42, target_fpr=0.01)`:
# compute the z-score of every text (with your functions); return, as a Python `float`,
# the **smallest of these z-scores such that at most a fraction `target_fpr` of the
# texts score strictly above it**. Used with `is_watermarked(..., threshold=...)`, it
# accuses at most `target_fpr` of such human texts.

# %% nbgrader={"grade": false, "grade_id": "calibrate_threshold", "locked": false, "schema_version": 3, "solution": true, "checksum": "47035187aa483565b11f91495abbbb2e", "cell_type": "code"} deletable=false
def calibrate_threshold(human_texts, vocab_size, gamma=0.5, key=42, target_fpr=0.01):
    """The smallest human z-score that at most target_fpr of the human texts exceed."""
    # YOUR CODE HERE
    raise NotImplementedError()


# %% nbgrader={"grade": true, "grade_id": "test_calibrate_threshold", "locked": true, "points": 3, "schema_version": 3, "solution": false, "checksum": "fa61b1b98c6acab8d27cf1603dbb23fe", "cell_type": "code"} deletable=false editable=false
def repetitive_texts(n, length=60, vocab_size=100, seed=0):
    """Toy human texts: a short phrase repeated, with 10% of its tokens changed at random."""
    gen = torch.Generator().manual_seed(seed)
    texts = []
    for _ in range(n):
        size = int(torch.randint(4, 9, (1,), generator=gen))
        phrase = torch.randint(0, vocab_size, (size,), generator=gen).tolist()
        text = []
        while len(text) < length:
            for token in phrase:
                keep = torch.rand(1, generator=gen).item() > 0.1
                text.append(token if keep else int(torch.randint(0, vocab_size, (1,), generator=gen)))
        texts.append(text[:length])
    return texts


def _z_scores(texts, vocab_size=100, gamma=0.5, key=42):
    out = []
    for x in texts:
        green = sum(bool(green_mask(a, vocab_size, gamma, key)[b]) for a, b in zip(x[:-1], x[1:], strict=True))
        out.append((green - gamma * (len(x) - 1)) / math.sqrt((len(x) - 1) * gamma * (1 - gamma)))
    return out


def _rate_above(texts, threshold, vocab_size=100, gamma=0.5, key=42, z=None):
    z = _z_scores(texts, vocab_size, gamma, key) if z is None else z
    return sum(v > threshold for v in z) / len(z)


_human = repetitive_texts(200)
_t = calibrate_threshold(_human, 100)
assert type(_t) is float, f"return a Python float, got {type(_t).__name__}"
_fpr = _rate_above(_human, _t)
assert _fpr <= 0.01, (
    f"with your threshold {_t:.2f}, {_fpr:.1%} of these human texts are accused, above target_fpr = 1%: "
    "return a z-score that at most 1% of the texts exceed (a high quantile, not a low one)")
assert _rate_above(_human, _t - 0.3) > 0.01, (
    "your threshold is higher than it needs to be: return the *smallest* z-score that at most "
    "target_fpr of the texts exceed")

# %% [markdown] nbgrader={"grade": false, "grade_id": "outro", "locked": true, "schema_version": 3, "solution": false, "checksum": "217a99a43f4c768a0808df87d1a3b952", "cell_type": "markdown"} deletable=false editable=false
# ## A soft watermark on a toy "model"
#
# The cell below generates from a toy model (random next-token probabilities) twice:
# plainly, and with the watermark's soft rule, which adds $\delta = 2$ to the logits of
# the green tokens. Your detector tells them apart; the wrong key sees nothing. Then it
# calibrates the threshold on 200 repetitive "human" texts (validation) and reports, on
# 200 others (test), how many each threshold accuses.

# %% nbgrader={"grade": false, "grade_id": "demo", "locked": true, "schema_version": 3, "solution": false, "checksum": "eca0d839d4cf2c21398f31b9bbe96897", "cell_type": "code"} deletable=false editable=false
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

validation_texts, test_texts = repetitive_texts(200, seed=10), repetitive_texts(200, seed=11)
calibrated = calibrate_threshold(validation_texts, 100)
for name, threshold in (("z > 4", 4.0), (f"calibrated z > {calibrated:.2f}", calibrated)):
    accused = sum(is_watermarked(text, 100, threshold=threshold) for text in test_texts)
    print(f"{name}: {accused} of {len(test_texts)} test human texts accused")
