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

# %% [markdown] nbgrader={"grade": false, "grade_id": "intro", "locked": true, "schema_version": 3, "solution": false, "checksum": "31b70a809638a5304abfea9199276996", "cell_type": "markdown"} deletable=false editable=false
# # Exercise 06 — decoding rules and perplexity
#
# This exercise goes with [lesson 06](../lessons/06_text.ipynb). A language model gives a
# score (logit) to every token of the vocabulary; a *decoding rule* decides which tokens
# may be sampled. You write two of the rules the lesson uses, the number that says
# how good a language model is, and use it to make a choice:
#
# 1. **top-k** filtering;
# 2. **top-p** (nucleus) filtering;
# 3. **perplexity** from logits and the true next tokens;
# 4. a **decision**: which sampling temperature makes an over-confident model honest,
#    chosen on validation data.
#
# Write your code where it says `# YOUR CODE HERE` (delete the `raise NotImplementedError()`)
# and run the test cell below it. The grader also runs hidden tests, and puts back the
# original test cells, so make your functions right in general.

# %% nbgrader={"grade": false, "grade_id": "setup", "locked": true, "schema_version": 3, "solution": false, "checksum": "e4c338eceb84b8549e1787325090d742", "cell_type": "code"} deletable=false editable=false
import math

import torch
import torch.nn.functional as F

from genai_course import seed_everything

seed_everything(0)
NEG_INF = float("-inf")

# %% [markdown] nbgrader={"grade": false, "grade_id": "topk_md", "locked": true, "schema_version": 3, "solution": false, "checksum": "e6fcff7150b510ef81b428761869bbda", "cell_type": "markdown"} deletable=false editable=false
# ## Part 1 — top-k filtering (3 points)
#
# Write `top_k_filter(logits, k)`: return a copy of `logits` (shape `(V,)` or `(batch, V)`; filter
# along the last dimension) that keeps **exactly $k$** logits of each row, the $k$
# largest, and sets every other one to `-inf`, so softmax gives it probability 0. When
# several logits tie at the $k$-th largest value, keep any of them, as long as exactly
# $k$ are kept (this is the rule of the course's `genai_course.sampling.top_k_filter`,
# and of `torch.topk`). Do not modify `logits` itself. (`torch.topk`, `scatter` and
# `masked_fill` help.)

# %% nbgrader={"grade": false, "grade_id": "top_k_filter", "locked": false, "schema_version": 3, "solution": true, "checksum": "b2102bb3122f6f618d2f2cc99b945f72", "cell_type": "code"} deletable=false
def top_k_filter(logits, k):
    """Keep the k largest logits of each row (and ties), set the rest to -inf."""
    # YOUR CODE HERE
    raise NotImplementedError()


# %% nbgrader={"grade": true, "grade_id": "test_top_k_filter", "locked": true, "points": 3, "schema_version": 3, "solution": false, "checksum": "de988f6419c7116cb8b2dcdd8d7ab0e7", "cell_type": "code"} deletable=false editable=false
_logits = torch.tensor([1.0, 3.0, 2.0, 0.5])
_out = top_k_filter(_logits, 2)
assert isinstance(_out, torch.Tensor), f"return a torch.Tensor, got {type(_out).__name__}"
assert _out.shape == (4,), f"keep the shape of the logits, (4,), got {tuple(_out.shape)}"
assert _out.tolist() == [NEG_INF, 3.0, 2.0, NEG_INF], (
    f"top-2 of [1, 3, 2, 0.5] keeps 3 and 2 and sets the rest to -inf, got {_out.tolist()}")
assert _logits.tolist() == [1.0, 3.0, 2.0, 0.5], "do not modify the input logits"
_tie = top_k_filter(torch.tensor([2.0, 2.0, 1.0, 2.0]), 2)
assert int(torch.isfinite(_tie).sum()) == 2 and _tie[2] == NEG_INF, (
    f"three logits tie at the 2nd largest value: keep exactly k = 2 of them, got {_tie.tolist()}")


# %% [markdown] nbgrader={"grade": false, "grade_id": "topp_md", "locked": true, "schema_version": 3, "solution": false, "checksum": "d1017cf5c1fd58047ee758ba02eb684b", "cell_type": "markdown"} deletable=false editable=false
# ## Part 2 — top-p (nucleus) filtering (3 points)
#
# Top-p (Holtzman et al. 2020) keeps the *smallest* set of most probable tokens whose
# total probability reaches $p$, and drops the rest. Sort the probabilities in
# decreasing order; a token is kept when the tokens ranked before it add up to *less*
# than $p$ (so the most probable token is always kept). Write `top_p_filter(logits, p)`
# for logits of shape `(V,)` or `(batch, V)`, returning filtered logits (dropped ones set to `-inf`),
# without modifying the input.

# %% nbgrader={"grade": false, "grade_id": "top_p_filter", "locked": false, "schema_version": 3, "solution": true, "checksum": "f6ed3efcf078bf252c04e70c0f706100", "cell_type": "code"} deletable=false
def top_p_filter(logits, p):
    """Keep the smallest set of most likely tokens whose probability reaches p."""
    # YOUR CODE HERE
    raise NotImplementedError()


# %% nbgrader={"grade": true, "grade_id": "test_top_p_filter", "locked": true, "points": 3, "schema_version": 3, "solution": false, "checksum": "99072270895eae1014f8019e855b105c", "cell_type": "code"} deletable=false editable=false
_logits = torch.log(torch.tensor([0.1, 0.5, 0.15, 0.25]))
_out = top_p_filter(_logits, 0.7)
assert isinstance(_out, torch.Tensor), f"return a torch.Tensor, got {type(_out).__name__}"
assert _out.shape == (4,), f"keep the shape of the logits, got {tuple(_out.shape)}"
_kept = torch.isfinite(_out).tolist()
assert _kept == [False, True, False, True], (
    f"probabilities [0.1, 0.5, 0.15, 0.25] with p = 0.7: 0.5 + 0.25 reaches 0.7, so keep those "
    f"two; kept {_kept}")
assert torch.allclose(_out[torch.isfinite(_out)], _logits[[1, 3]]), "kept logits must not change"
assert torch.isfinite(top_p_filter(_logits, 0.01)).tolist() == [False, True, False, False], (
    "the most probable token is always kept")


# %% [markdown] nbgrader={"grade": false, "grade_id": "ppl_md", "locked": true, "schema_version": 3, "solution": false, "checksum": "adef951e41108d87f600c1ac3839324b", "cell_type": "markdown"} deletable=false editable=false
# ## Part 3 — perplexity (2 points)
#
# A language model is trained to minimise the cross-entropy $-\frac1N\sum_t \log
# p(x_t \mid x_{<t})$ (in nats). Its **perplexity** is $\exp$ of that: the number of
# equally likely choices the model is, on average, hesitating between. Write
# `perplexity(logits, targets)`: `logits` of shape `(N, V)`, `targets` (int64) of shape
# `(N,)`; return the perplexity as a Python `float`.

# %% nbgrader={"grade": false, "grade_id": "perplexity", "locked": false, "schema_version": 3, "solution": true, "checksum": "dbbdf794949518375c55685d37ef327c", "cell_type": "code"} deletable=false
def perplexity(logits, targets):
    """exp(mean cross-entropy) of the targets under the logits."""
    # YOUR CODE HERE
    raise NotImplementedError()


# %% nbgrader={"grade": true, "grade_id": "test_perplexity", "locked": true, "points": 2, "schema_version": 3, "solution": false, "checksum": "a98db9f4635fe4d7e58300bcd6eb91cc", "cell_type": "code"} deletable=false editable=false
_ppl = perplexity(torch.zeros(5, 27), torch.arange(5))
assert type(_ppl) is float, f"return a Python float, got {type(_ppl).__name__}"
assert math.isclose(_ppl, 27.0, rel_tol=1e-5), (
    f"a model that spreads its bets evenly over 27 characters has perplexity 27, got {_ppl}")
_sure = torch.full((3, 4), -20.0)
_sure[torch.arange(3), torch.tensor([1, 2, 3])] = 20.0
assert math.isclose(perplexity(_sure, torch.tensor([1, 2, 3])), 1.0, rel_tol=1e-4), (
    "a model that is sure and right has perplexity 1")


# %% [markdown] nbgrader={"grade": false, "grade_id": "calib_md", "locked": true, "schema_version": 3, "solution": false, "checksum": "707b62d362bb7df6dca1e4343331cd3c", "cell_type": "markdown"} deletable=false editable=false
# ## Part 4 — choose a temperature on validation data (3 points)
#
# A model trained too long is often *over-confident*: its distributions are sharper than
# the data. Dividing its logits by a temperature $T > 1$ softens them and can lower the
# perplexity of held-out text (Guo et al. 2017 call this temperature scaling). Write
# `best_temperature(logits, targets, temperatures)`: `logits` `(N, V)` and `targets`
# `(N,)` come from **validation** text; return the temperature from the list
# `temperatures` under which the perplexity of the targets (your `perplexity`, on
# `logits / T`) is lowest, as a Python `float`. Accuracy cannot make this choice: dividing
# by $T$ never changes which token is the most likely.

# %% nbgrader={"grade": false, "grade_id": "best_temperature", "locked": false, "schema_version": 3, "solution": true, "checksum": "10f62a60b3ef6f621fee087399518700", "cell_type": "code"} deletable=false
def best_temperature(logits, targets, temperatures):
    """The temperature (from temperatures) with the lowest validation perplexity."""
    # YOUR CODE HERE
    raise NotImplementedError()


# %% nbgrader={"grade": true, "grade_id": "test_best_temperature", "locked": true, "points": 3, "schema_version": 3, "solution": false, "checksum": "48176e4ae7cda5a307e227dd2b1d1064", "cell_type": "code"} deletable=false editable=false
def _model_outputs(sharpness, n=4000, vocab=20, seed=0):
    """Logits of a model `sharpness` times as confident as the truth, and true next tokens."""
    gen = torch.Generator().manual_seed(seed)
    true_logits = 1.5 * torch.randn(n, vocab, generator=gen)
    targets = torch.multinomial(true_logits.softmax(-1), 1, generator=gen).squeeze(1)
    return sharpness * true_logits, targets


_temps = [0.25, 0.5, 1.0, 2.0, 3.0, 4.0, 6.0]
_T = best_temperature(*_model_outputs(3.0), _temps)
assert type(_T) is float, f"return a Python float (one of temperatures), got {type(_T).__name__}"
assert _T in (2.0, 3.0, 4.0), (
    f"a model three times too confident is best calibrated near T = 3, got T = {_T}. Score "
    "each temperature by the perplexity of logits / T and keep the lowest")
_T_under = best_temperature(*_model_outputs(0.5), _temps)
assert _T_under < 1.0, f"an under-confident model needs T < 1 (sharper), got T = {_T_under}"

# %% [markdown] nbgrader={"grade": false, "grade_id": "outro", "locked": true, "schema_version": 3, "solution": false, "checksum": "202b0d6e30b2c5508c0f463f448b4663", "cell_type": "markdown"} deletable=false editable=false
# ## How many tokens each rule lets through
#
# For a made-up next-character distribution with a long tail, the cell below counts the
# candidates left by each rule: top-k keeps a fixed number, top-p adapts to how sure
# the model is. Then it calibrates a made-up over-confident model with your
# `best_temperature`, chosen on validation outputs and reported on test outputs.

# %% nbgrader={"grade": false, "grade_id": "demo", "locked": true, "schema_version": 3, "solution": false, "checksum": "c9f68ce195ef4954c21b6a4df823b3e3", "cell_type": "code"} deletable=false editable=false
sure = torch.cat([torch.tensor([8.0, 2.0, 1.0]), -0.1 * torch.arange(1.0, 25.0)])
unsure = torch.zeros(27) + 0.1 * torch.arange(27.0)
for name, logits in [("a sure model", sure), ("an unsure model", unsure)]:
    print(f"{name:>16}: top-k (k = 5) keeps {int(torch.isfinite(top_k_filter(logits, 5)).sum())}, "
          f"top-p (p = 0.9) keeps {int(torch.isfinite(top_p_filter(logits, 0.9)).sum())} "
          f"of 27 characters")

# Temperature scaling: choose T on validation outputs, report on test outputs of the same model.
val_logits, val_targets = _model_outputs(3.0, seed=10)
test_logits, test_targets = _model_outputs(3.0, seed=11)
chosen = best_temperature(val_logits, val_targets, _temps)
print(f"over-confident model: test perplexity {perplexity(test_logits, test_targets):.2f} at T = 1, "
      f"{perplexity(test_logits / chosen, test_targets):.2f} at T = {chosen} (chosen on validation)")
