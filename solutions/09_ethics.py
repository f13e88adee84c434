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

# %% nbgrader={"grade": false, "grade_id": "setup", "locked": true, "schema_version": 3, "solution": false}
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
_chain, _pick = [0], torch.Generator().manual_seed(0)
for _ in range(20):  # each token a random member of the green list of the token before it
    _greens = green_mask(_chain[-1], 30).nonzero().flatten()
    _chain.append(int(_greens[torch.randint(len(_greens), (1,), generator=_pick)]))
assert count_green(_chain, 30) == (20, 20), (
    "a text built so that every token is in the green list of the token before it must count 20 of 20: "
    "look up tokens[t] in the mask of tokens[t - 1]")
### BEGIN HIDDEN TESTS
assert count_green([7], 10) == (0, 0), "a single token has no predecessor: (0, 0)"
assert count_green([], 10) == (0, 0), "an empty text: (0, 0)"
_g = torch.Generator().manual_seed(8)
_seq = torch.randint(0, 50, (40,), generator=_g).tolist()
_ref = sum(bool(green_mask(a, 50, 0.25, 7)[b]) for a, b in zip(_seq[:-1], _seq[1:], strict=True))
_got = count_green(_seq, 50, gamma=0.25, key=7)
assert type(_got) is tuple and all(type(c) is int for c in _got) and _got == (_ref, 39), (
    "wrong count with gamma = 0.25 and key = 7: pass vocab_size, gamma and key on to green_mask")
_all_green = [0]
for _ in range(20):
    _all_green.append(int(green_mask(_all_green[-1], 30).nonzero()[0]))
assert count_green(_all_green, 30) == (20, 20), "a text made only of green tokens must count all of them"
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
assert math.isclose(watermark_z_score(10, 200, 0.25), (10 - 50) / math.sqrt(200 * 0.25 * 0.75), rel_tol=1e-9), (
    "wrong z for gamma = 0.25: use gamma in both the mean and the variance")
assert type(watermark_z_score(3, 4, 0.25)) is float, "return a Python float"
assert math.isclose(watermark_z_score(3, 4, 0.25), 2 / math.sqrt(0.75), rel_tol=1e-9), (
    "wrong z for 3 green of 4 at gamma = 0.25")
assert math.isclose(watermark_z_score(90, 100, 0.9), 0.0, abs_tol=1e-12), "90 of 100 at gamma 0.9 is the mean"
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
### BEGIN HIDDEN TESTS
assert is_watermarked(_marked, 100, key=43) is False, "use the key you are given"
assert is_watermarked([1], 100) is False and is_watermarked([], 100) is False, (
    "texts of fewer than two tokens are never flagged")
assert is_watermarked(_marked[:9], 100) is False, "8 green of 8 gives z = 2.83, below the threshold 4"
assert is_watermarked(_marked[:9], 100, threshold=2.5) is True, "use the threshold you are given"
assert is_watermarked(_plain75, 100, gamma=0.75, key=5) is False, "ordinary text, another key: not flagged"
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "calibrate_md", "locked": true, "schema_version": 3, "solution": false}
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

# %% nbgrader={"grade": false, "grade_id": "calibrate_threshold", "locked": false, "schema_version": 3, "solution": true}
def calibrate_threshold(human_texts, vocab_size, gamma=0.5, key=42, target_fpr=0.01):
    """The smallest human z-score that at most target_fpr of the human texts exceed."""
    ### BEGIN SOLUTION
    scores = sorted(watermark_z_score(*count_green(text, vocab_size, gamma, key), gamma)
                    for text in human_texts)
    allowed = target_fpr * len(scores)
    for i, z in enumerate(scores):
        above = sum(1 for other in scores[i:] if other > z)
        if above <= allowed:
            return float(z)
    return float(scores[-1])
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_calibrate_threshold", "locked": true, "points": 3, "schema_version": 3, "solution": false}
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
### BEGIN HIDDEN TESTS
def _reference_threshold(z, fpr):
    return min(v for v in z if sum(o > v for o in z) <= fpr * len(z))


for _texts, _gamma, _key, _target in ((repetitive_texts(150, seed=1), 0.25, 7, 0.02),
                                      (repetitive_texts(120, length=40, seed=2), 0.5, 3, 0.05),
                                      (_human, 0.5, 42, 0.1)):
    _got = calibrate_threshold(_texts, 100, gamma=_gamma, key=_key, target_fpr=_target)
    _z = _z_scores(_texts, 100, _gamma, _key)
    _ref = _reference_threshold(_z, _target)
    assert type(_got) is float and _got >= _ref - 1e-9 and _rate_above(None, _got, z=_z) == _rate_above(None, _ref, z=_z), (
        "wrong threshold for another gamma, key or target_fpr: score every text with the gamma "
        "and key you are given, and keep the smallest z that at most target_fpr of the texts exceed")
_plain = [torch.randint(0, 100, (60,), generator=torch.Generator().manual_seed(s)).tolist() for s in range(100)]
assert calibrate_threshold(_plain, 100, target_fpr=0.05) < calibrate_threshold(_human, 100, target_fpr=0.05), (
    "independent random texts need a lower threshold than repetitive ones")
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "outro", "locked": true, "schema_version": 3, "solution": false}
# ## A soft watermark on a toy "model"
#
# The cell below generates from a toy model (random next-token probabilities) twice:
# plainly, and with the watermark's soft rule, which adds $\delta = 2$ to the logits of
# the green tokens. Your detector tells them apart; the wrong key sees nothing. Then it
# calibrates the threshold on 200 repetitive "human" texts (validation) and reports, on
# 200 others (test), how many each threshold accuses.

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

validation_texts, test_texts = repetitive_texts(200, seed=10), repetitive_texts(200, seed=11)
calibrated = calibrate_threshold(validation_texts, 100)
for name, threshold in (("z > 4", 4.0), (f"calibrated z > {calibrated:.2f}", calibrated)):
    accused = sum(is_watermarked(text, 100, threshold=threshold) for text in test_texts)
    print(f"{name}: {accused} of {len(test_texts)} test human texts accused")
