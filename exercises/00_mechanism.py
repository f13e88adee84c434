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

# %% [markdown] nbgrader={"grade": false, "grade_id": "intro", "locked": true, "schema_version": 3, "solution": false, "checksum": "f916cd5640be46866bca6ea890fc9559", "cell_type": "markdown"} deletable=false editable=false
# # Exercise 00 — the mechanism: sample a fitted density, and spot near-copies
#
# This exercise goes with [lesson 00](../lessons/00_mechanism.ipynb). You write the two
# pieces of the lesson that matter most:
#
# 1. **Generate**: draw new points from a fitted Gaussian mixture (pick a bump by its
#    weight, then add Gaussian noise of that bump's width).
# 2. **Check for copies**: the fraction of generated points that lie within a distance
#    `threshold` of some training point.
#
# Write your code between the lines where it says `# YOUR CODE HERE` (delete the
# `raise NotImplementedError()`), then run the test cell below it. The tests you see are
# not all the tests: the grader also runs hidden ones, so make your function right in
# general, not only for the visible cases. Do not edit the test cells: the grader puts
# the original ones back.

# %% nbgrader={"grade": false, "grade_id": "setup", "locked": true, "schema_version": 3, "solution": false, "checksum": "8e5ed745d1a98c9b8f18580cf88ae75b", "cell_type": "code"} deletable=false editable=false
import math

import torch

from genai_course import seed_everything

seed_everything(0)

# %% [markdown] nbgrader={"grade": false, "grade_id": "sample_md", "locked": true, "schema_version": 3, "solution": false, "checksum": "e0c99a1bc9e218d36a8804cb1a72dd89", "cell_type": "markdown"} deletable=false editable=false
# ## Part 1 — sample a Gaussian mixture (3 points)
#
# A mixture with $K$ bumps in $D$ dimensions is stored in three tensors:
# `weights` (shape `(K,)`, non-negative, summing to 1), `means` (shape `(K, D)`) and
# `scales` (shape `(K, D)`, the standard deviation of each bump along each axis).
# Write `sample_mixture(weights, means, scales, n, generator=None)` returning an `(n, D)`
# float tensor: for each point, choose a bump $k$ with probability `weights[k]`, then
# return `means[k] + scales[k] * noise` with standard normal `noise`. Pass `generator` on
# to every random call (`torch.multinomial`, `torch.randn`) so results are reproducible.

# %% nbgrader={"grade": false, "grade_id": "sample_mixture", "locked": false, "schema_version": 3, "solution": true, "checksum": "ecf00566a96288249a0f54f7b4752c28", "cell_type": "code"} deletable=false
def sample_mixture(weights, means, scales, n, generator=None):
    """Return n points drawn from the mixture sum_k weights[k] N(means[k], diag(scales[k]^2))."""
    # YOUR CODE HERE
    raise NotImplementedError()


# %% nbgrader={"grade": true, "grade_id": "test_sample_mixture", "locked": true, "points": 3, "schema_version": 3, "solution": false, "checksum": "1010b368ad1b8b11a973399aadb15fc7", "cell_type": "code"} deletable=false editable=false
_w = torch.tensor([0.25, 0.75])
_mu = torch.tensor([[-4.0, 0.0], [4.0, 1.0]])
_s = torch.tensor([[0.5, 0.5], [1.0, 2.0]])
_x = sample_mixture(_w, _mu, _s, 4000, generator=torch.Generator().manual_seed(1))
assert isinstance(_x, torch.Tensor), f"sample_mixture must return a torch.Tensor, got {type(_x).__name__}"
assert _x.shape == (4000, 2), f"expected shape (4000, 2), got {tuple(_x.shape)}"
assert _x.dtype == torch.float32, f"expected float32 points, got {_x.dtype}"
_right = (_x[:, 0] > 0).float().mean().item()
assert abs(_right - 0.75) < 0.03, (
    f"{_right:.1%} of the points are in the right-hand bump, but its weight is 75%: "
    "choose each point's bump with probability weights[k]")
assert torch.allclose(_x[_x[:, 0] > 0].std(0), torch.tensor([1.0, 2.0]), atol=0.1), (
    "the right-hand bump has the wrong spread: add noise * scales[k] of the bump you chose")


# %% [markdown] nbgrader={"grade": false, "grade_id": "copies_md", "locked": true, "schema_version": 3, "solution": false, "checksum": "8e6c66f2a5d899eb5573fbbd590ffc21", "cell_type": "markdown"} deletable=false editable=false
# ## Part 2 — how many samples are near-copies? (3 points)
#
# Write `near_copy_fraction(samples, training, threshold)`: for every row of `samples`
# (shape `(N, D)`), find the Euclidean distance to the *nearest* row of `training`
# (shape `(M, D)`); return, as a Python `float`, the fraction of samples whose distance is
# at most `threshold`. (`torch.cdist` computes all pairwise distances.)

# %% nbgrader={"grade": false, "grade_id": "near_copy_fraction", "locked": false, "schema_version": 3, "solution": true, "checksum": "9122697ef545709d7d6b0f0ef148133e", "cell_type": "code"} deletable=false
def near_copy_fraction(samples, training, threshold):
    """Fraction (a float in [0, 1]) of samples within `threshold` of some training row."""
    # YOUR CODE HERE
    raise NotImplementedError()


# %% nbgrader={"grade": true, "grade_id": "test_near_copy_fraction", "locked": true, "points": 3, "schema_version": 3, "solution": false, "checksum": "65ea9f9e513abd1782ed2541f0eb1e6b", "cell_type": "code"} deletable=false editable=false
_train = torch.tensor([[0.0, 0.0], [10.0, 0.0]])
_samples = torch.tensor([[0.0, 0.5], [10.0, 3.0], [9.0, 0.0], [5.0, 5.0]])
_f = near_copy_fraction(_samples, _train, 1.0)
assert type(_f) is float, f"return a Python float (use float(...)), got {type(_f).__name__}"
assert math.isclose(_f, 0.5), (
    f"expected 0.5: two of the four samples lie within 1.0 of a training point, got {_f}")
assert math.isclose(near_copy_fraction(_samples, _train, 0.1), 0.0), "no sample is within 0.1"

# %% [markdown] nbgrader={"grade": false, "grade_id": "outro", "locked": true, "schema_version": 3, "solution": false, "checksum": "ed58ff231d75714017f568402b170418", "cell_type": "markdown"} deletable=false editable=false
# ## Try it on the lesson's model
#
# With both parts done, the cell below samples the mixture fitted in the lesson (it ships
# with the package) using *your* sampler, and measures near-copies with *your* test: the
# share of samples within 0.01 of a training point, next to the same share for held-out
# real points. A model that generalises makes about as many near-copies as fresh data does.

# %% nbgrader={"grade": false, "grade_id": "demo", "locked": true, "schema_version": 3, "solution": false, "checksum": "7d29ea73ff1951b38bbcc86a2ad7f6f6", "cell_type": "code"} deletable=false editable=false
from genai_course.data import load_toy2d  # noqa: E402
from genai_course.pretrained import load_pretrained  # noqa: E402

data = load_toy2d("gaussians", n_train=2000, n_test=500)
mixture = load_pretrained("toy-mixture")
with torch.no_grad():
    points = sample_mixture(mixture.logits.softmax(0), mixture.means, mixture.log_scales.exp(),
                            500, generator=torch.Generator().manual_seed(0))
print(f"near-copies: samples {near_copy_fraction(points, data.train, 0.01):.1%}, "
      f"held-out data {near_copy_fraction(data.test, data.train, 0.01):.1%}")
