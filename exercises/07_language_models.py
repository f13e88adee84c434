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

# %% [markdown] nbgrader={"grade": false, "grade_id": "intro", "locked": true, "schema_version": 3, "solution": false, "checksum": "32b80331a086d90f64629e990201e38f", "cell_type": "markdown"} deletable=false editable=false
# # Exercise 07 — causal attention, one BPE merge, and a vocabulary decision
#
# This exercise goes with [lesson 07](../lessons/07_language_models.ipynb). You write:
#
# 1. **causal self-attention** for one head, from queries, keys and values;
# 2. **one byte-pair merge step**: replace a pair of ids by a new id;
# 3. a **decision**: the smallest vocabulary whose tokens let a fixed context hold a
#    given amount of text, measured on held-out text.
#
# Write your code where it says `# YOUR CODE HERE` (delete the `raise NotImplementedError()`)
# and run the test cell below it. The grader also runs hidden tests, and puts back the
# original test cells, so make your functions right in general.

# %% nbgrader={"grade": false, "grade_id": "setup", "locked": true, "schema_version": 3, "solution": false, "checksum": "965232fc057b3a892433c8719d803a77", "cell_type": "code"} deletable=false editable=false
import math

import torch

from genai_course import seed_everything
from genai_course.bpe import BPETokenizer
from genai_course.data import load_corpus
from genai_course.data.text import split_corpus

seed_everything(0)

# %% [markdown] nbgrader={"grade": false, "grade_id": "attn_md", "locked": true, "schema_version": 3, "solution": false, "checksum": "c85ce7fb4532cad9424ed9c134807636", "cell_type": "markdown"} deletable=false editable=false
# ## Part 1 — causal attention (4 points)
#
# Write `causal_attention(q, k, v)` for tensors of shape `(T, d)` (one head, no batch).
# Return `(out, weights)`: `weights[t, s]` is the softmax over `s` of
# $q_t \cdot k_s / \sqrt{d}$, with every future position $s > t$ given weight exactly 0;
# `out = weights @ v`, shape `(T, d)`.

# %% nbgrader={"grade": false, "grade_id": "causal_attention", "locked": false, "schema_version": 3, "solution": true, "checksum": "05b6c5f45a527a8d9155533887d9593b", "cell_type": "code"} deletable=false
def causal_attention(q, k, v):
    """One head of causal self-attention: (output, attention weights)."""
    # YOUR CODE HERE
    raise NotImplementedError()


# %% nbgrader={"grade": true, "grade_id": "test_causal_attention", "locked": true, "points": 4, "schema_version": 3, "solution": false, "checksum": "f69f1b2783024a0c11cfeeb21f80ee68", "cell_type": "code"} deletable=false editable=false
_g = torch.Generator().manual_seed(0)
_q, _k, _v = (torch.randn(5, 4, generator=_g) for _ in range(3))
_result = causal_attention(_q, _k, _v)
assert isinstance(_result, tuple) and len(_result) == 2, "return a pair (out, weights)"
_out, _w = _result
assert isinstance(_w, torch.Tensor) and _w.shape == (5, 5), f"weights must have shape (T, T) = (5, 5), got {getattr(_w, 'shape', None)}"
assert isinstance(_out, torch.Tensor) and _out.shape == (5, 4), f"out must have shape (T, d) = (5, 4), got {getattr(_out, 'shape', None)}"
assert torch.allclose(_w.sum(-1), torch.ones(5), atol=1e-5), "each row of weights must sum to 1"
assert torch.all(_w.triu(1) == 0), "a position must put no weight on later positions"
assert torch.allclose(_w[0], torch.tensor([1.0, 0, 0, 0, 0])), "position 0 can only attend to itself"
assert torch.allclose(_out, _w @ _v, atol=1e-5), "out must be the weights applied to the values"


# %% [markdown] nbgrader={"grade": false, "grade_id": "merge_md", "locked": true, "schema_version": 3, "solution": false, "checksum": "c46a773c072ed07ca42bbd58d1f13361", "cell_type": "markdown"} deletable=false editable=false
# ## Part 2 — one BPE merge step (3 points)
#
# Write `merge(ids, pair, new_id)`: return a **new list** where every occurrence of the
# adjacent pair `pair = (a, b)` in `ids` is replaced by `new_id`, scanning left to right
# without overlaps (so `[5, 5, 5]` with pair `(5, 5)` becomes `[new_id, 5]`). Do not
# modify `ids`.

# %% nbgrader={"grade": false, "grade_id": "merge", "locked": false, "schema_version": 3, "solution": true, "checksum": "b358e8ed4f6c07ca74bd90cd851f651a", "cell_type": "code"} deletable=false
def merge(ids, pair, new_id):
    """Replace each non-overlapping occurrence of pair (left to right) by new_id."""
    # YOUR CODE HERE
    raise NotImplementedError()


# %% nbgrader={"grade": true, "grade_id": "test_merge", "locked": true, "points": 3, "schema_version": 3, "solution": false, "checksum": "83b61ab9377e9931e222cf2ca73dfcf8", "cell_type": "code"} deletable=false editable=false
_ids = [1, 2, 3, 1, 2]
_m = merge(_ids, (1, 2), 99)
assert isinstance(_m, list), f"return a list, got {type(_m).__name__}"
assert _m == [99, 3, 99], "both occurrences of the pair (1, 2) must become the new id"
assert _ids == [1, 2, 3, 1, 2], "do not modify the input list"
assert merge([5, 5, 5], (5, 5), 7) == [7, 5], "overlapping occurrences: merge left to right, no overlap"


# %% [markdown] nbgrader={"grade": false, "grade_id": "vocab_md", "locked": true, "schema_version": 3, "solution": false, "checksum": "ad054f8722c08bb7a77dbc6350fbaa82", "cell_type": "markdown"} deletable=false editable=false
# ## Part 3 — a decision: how big a vocabulary? (3 points)
#
# A model with a context of `block_size` tokens should see at least `chars_needed`
# characters of text at once. Write `smallest_vocab(tokenizer, text, sizes, chars_needed,
# block_size)`: for each vocabulary size in `sizes` (smallest first), use the tokenizer
# made of the **first** `size - 256` merges of `tokenizer` (`BPETokenizer(list(tokenizer.merges)[:size - 256])`),
# measure how many characters of `text` a context of `block_size` tokens holds on average
# (`block_size * len(text) / len(encoded text)`), and return the first size that reaches
# `chars_needed`; return `None` if none does. Measure on the held-out `text` you are given,
# not on the training text.

# %% nbgrader={"grade": false, "grade_id": "smallest_vocab", "locked": false, "schema_version": 3, "solution": true, "checksum": "5d40ff475962056b3b3ef6abd4213d06", "cell_type": "code"} deletable=false
def smallest_vocab(tokenizer, text, sizes, chars_needed, block_size):
    """The smallest vocabulary size whose tokens fit chars_needed characters into block_size tokens."""
    # YOUR CODE HERE
    raise NotImplementedError()


# %% nbgrader={"grade": true, "grade_id": "test_smallest_vocab", "locked": true, "points": 3, "schema_version": 3, "solution": false, "checksum": "09bcd09bf2f37339c8aed9886e865249", "cell_type": "code"} deletable=false editable=false
_train, _valid, _ = split_corpus(load_corpus())
_bpe = BPETokenizer.train(_train[:40_000], 640)
_text = _valid[:8_000]
_choice = smallest_vocab(_bpe, _text, [256, 384, 512, 640], 200, 128)
assert _choice is None or isinstance(_choice, int), f"return a vocabulary size (int) or None, got {_choice!r}"
assert _choice in (384, 512, 640), "with bytes alone 128 tokens hold 128 characters, so 256 cannot reach 200"
assert smallest_vocab(_bpe, _text, [256, 384], 100, 128) == 256, "bytes already reach 100 characters in 128 tokens"
assert smallest_vocab(_bpe, _text, [256, 384, 512, 640], 10_000, 128) is None, "return None when no size is enough"

# %% [markdown] nbgrader={"grade": false, "grade_id": "outro", "locked": true, "schema_version": 3, "solution": false, "checksum": "16889f489b1bfcf33ac274b7bb8bf53e", "cell_type": "markdown"} deletable=false editable=false
# ## What the decision costs
#
# A bigger vocabulary fits more text into the context, but the model's embedding and
# output layers grow with it (two matrices of `vocab × width`), and each token is seen
# less often in training. The cell below prints the characters per context for each size.

# %% nbgrader={"grade": false, "grade_id": "demo", "locked": true, "schema_version": 3, "solution": false, "checksum": "90f44c930d7b844e8616fe8e4402c714", "cell_type": "code"} deletable=false editable=false
for _size in [256, 384, 512, 640]:
    _t = BPETokenizer(list(_bpe.merges)[: _size - 256])
    print(f"vocabulary {_size}: 128 tokens hold {128 * len(_text) / len(_t.encode(_text)):.0f} characters")
