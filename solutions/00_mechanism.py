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
# # Exercise 00 — the mechanism: sample a fitted density, and spot near-copies
#
# This exercise goes with [lesson 00](../lessons/00_mechanism.ipynb). You write the two
# pieces of the lesson that matter most, then make a choice the lesson did not make:
#
# 1. **Generate**: draw new points from a fitted Gaussian mixture (pick a bump by its
#    weight, then add Gaussian noise of that bump's width).
# 2. **Check for copies**: the fraction of generated points that lie within a distance
#    `threshold` of some training point.
# 3. **Decide** how smooth a density should be: choose a kernel width on validation data,
#    a choice the lesson did not make for you.
#
# Write your code between the lines where it says `# YOUR CODE HERE` (delete the
# `raise NotImplementedError()`), then run the test cell below it. The tests you see are
# not all the tests: the grader also runs hidden ones, so make your function right in
# general, not only for the visible cases. Do not edit the test cells: the grader puts
# the original ones back.

# %% nbgrader={"grade": false, "grade_id": "setup", "locked": true, "schema_version": 3, "solution": false}
import math

import torch

from genai_course import seed_everything

seed_everything(0)

# %% [markdown] nbgrader={"grade": false, "grade_id": "sample_md", "locked": true, "schema_version": 3, "solution": false}
# ## Part 1 — sample a Gaussian mixture (3 points)
#
# A mixture with $K$ bumps in $D$ dimensions is stored in three tensors:
# `weights` (shape `(K,)`, non-negative, summing to 1), `means` (shape `(K, D)`) and
# `scales` (shape `(K, D)`, the standard deviation of each bump along each axis).
# Write `sample_mixture(weights, means, scales, n, generator=None)` returning an `(n, D)`
# float tensor: for each point, choose a bump $k$ with probability `weights[k]`, then
# return `means[k] + scales[k] * noise` with standard normal `noise`, drawn independently
# for every point and every coordinate. Pass `generator` on to every random call
# (`torch.multinomial`, `torch.randn`) so results are reproducible.

# %% nbgrader={"grade": false, "grade_id": "sample_mixture", "locked": false, "schema_version": 3, "solution": true}
def sample_mixture(weights, means, scales, n, generator=None):
    """Return n points drawn from the mixture sum_k weights[k] N(means[k], diag(scales[k]^2))."""
    ### BEGIN SOLUTION
    component = torch.multinomial(weights, n, replacement=True, generator=generator)
    noise = torch.randn(n, means.shape[1], generator=generator)
    return means[component] + noise * scales[component]
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_sample_mixture", "locked": true, "points": 3, "schema_version": 3, "solution": false}
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
_corr = torch.corrcoef(_x[_x[:, 0] > 0].T)[0, 1].item()
assert abs(_corr) < 0.1, (
    f"within a bump the two coordinates are correlated ({_corr:.2f}): draw fresh noise for "
    "every coordinate, shape (n, D), not one number per point")
### BEGIN HIDDEN TESTS
_w3 = torch.tensor([0.0, 1.0, 0.0])
_mu3 = torch.tensor([[0.0, 0.0, 0.0], [1.0, -2.0, 3.0], [5.0, 5.0, 5.0]])
_s3 = torch.full((3, 3), 1e-4)
_x3 = sample_mixture(_w3, _mu3, _s3, 50)
assert isinstance(_x3, torch.Tensor) and _x3.shape == (50, 3), (
    "the result must have shape (n, D) for any number of bumps and dimensions")
assert torch.allclose(_x3, _mu3[1].expand(50, 3), atol=1e-2), (
    "with all the weight on one bump, every point must lie at that bump's mean")
_a = sample_mixture(_w, _mu, _s, 300, generator=torch.Generator().manual_seed(7))
_b = sample_mixture(_w, _mu, _s, 300, generator=torch.Generator().manual_seed(7))
assert torch.equal(_a, _b), "not reproducible with the same generator: pass generator to every random call"
assert not torch.equal(_a, sample_mixture(_w, _mu, _s, 300, generator=torch.Generator().manual_seed(8))), (
    "different generators must give different points")
_s4 = torch.tensor([[0.1, 3.0], [2.0, 0.1]])
_x4 = sample_mixture(torch.tensor([0.5, 0.5]), torch.zeros(2, 2), _s4, 6000,
                     generator=torch.Generator().manual_seed(4))
assert abs(torch.corrcoef(_x4.T)[0, 1].item()) < 0.1, (
    "the coordinates must get independent noise (and each point its own bump's scales)")
assert torch.allclose(_x4.std(0), ((_s4 ** 2).mean(0)).sqrt(), rtol=0.08), (
    "the spread along each axis must come from the chosen bump's scale on that axis")
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "copies_md", "locked": true, "schema_version": 3, "solution": false}
# ## Part 2 — how many samples are near-copies? (3 points)
#
# Write `near_copy_fraction(samples, training, threshold)`: for every row of `samples`
# (shape `(N, D)`), find the Euclidean distance to the *nearest* row of `training`
# (shape `(M, D)`); return, as a Python `float`, the fraction of samples whose distance is
# at most `threshold`. (`torch.cdist` computes all pairwise distances.)

# %% nbgrader={"grade": false, "grade_id": "near_copy_fraction", "locked": false, "schema_version": 3, "solution": true}
def near_copy_fraction(samples, training, threshold):
    """Fraction (a float in [0, 1]) of samples within `threshold` of some training row."""
    ### BEGIN SOLUTION
    nearest = torch.cdist(samples.double(), training.double()).min(dim=1).values
    return float((nearest <= threshold).double().mean())
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_near_copy_fraction", "locked": true, "points": 3, "schema_version": 3, "solution": false}
_train = torch.tensor([[0.0, 0.0], [10.0, 0.0]])
_samples = torch.tensor([[0.0, 0.5], [10.0, 3.0], [9.0, 0.0], [5.0, 5.0]])
_f = near_copy_fraction(_samples, _train, 1.0)
assert type(_f) is float, f"return a Python float (use float(...)), got {type(_f).__name__}"
assert math.isclose(_f, 0.5), (
    f"expected 0.5: two of the four samples lie within 1.0 of a training point, got {_f}")
assert math.isclose(near_copy_fraction(_samples, _train, 0.1), 0.0), "no sample is within 0.1"
assert math.isclose(near_copy_fraction(torch.tensor([[0.0, 0.2]]), _train, 0.1), 0.0), (
    "a sample at distance 0.2 is not within 0.1 (compare the Euclidean distance, not its square)")
### BEGIN HIDDEN TESTS
assert math.isclose(near_copy_fraction(_samples, _train, 3.0), 0.75, abs_tol=1e-6), (
    "use the distance to the nearest training point, for every sample")
assert math.isclose(near_copy_fraction(_samples, _train, 1.0 + 1e-9), 0.5), (
    "a threshold just above a distance must count that sample")
_g = torch.Generator().manual_seed(3)
_tr = torch.randn(200, 5, generator=_g)
_sm = torch.cat([_tr[:30] + 1e-3, torch.randn(70, 5, generator=_g) + 6.0])
_f2 = near_copy_fraction(_sm, _tr, 0.01)
assert type(_f2) is float and math.isclose(_f2, 0.3, abs_tol=1e-6), (
    "wrong fraction for 5-D points with 100 samples and 200 training points")
_single = near_copy_fraction(torch.tensor([[3.0, 4.0]]), torch.tensor([[0.0, 0.0]]), 5.0)
assert type(_single) is float and math.isclose(_single, 1.0), "a distance equal to the threshold counts"
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "bandwidth_md", "locked": true, "schema_version": 3, "solution": false}
# ## Part 3 — decide how smooth the density should be (3 points)
#
# A *kernel density estimate* puts a small Gaussian bump of width $h$ on each of the $M$
# training points $x_m$ (in $D$ dimensions):
#
# $$\log p_h(x) = \log \frac1M \sum_{m=1}^{M} \mathcal N(x;\, x_m,\, h^2 I)
#   = \operatorname{logsumexp}_m\!\left(-\frac{\lVert x - x_m\rVert^2}{2h^2}\right) - \log M
#     - \frac D2 \log(2\pi h^2).$$
#
# A tiny $h$ memorises (every training point becomes its own spike: samples are
# near-copies), a large $h$ blurs the data away. The likelihood of the *training* points
# always prefers the smallest $h$ (each sits on its own spike), so that choice must be
# made on held-out data. Write `choose_bandwidth(train, validation, bandwidths)`: for each
# $h$ in the list `bandwidths`, the mean of $\log p_h$ over the rows of `validation`
# (the density built from `train`); return the $h$ with the highest value, as a Python
# `float`. (`torch.logsumexp` keeps it stable; use float64 for the sums.)

# %% nbgrader={"grade": false, "grade_id": "choose_bandwidth", "locked": false, "schema_version": 3, "solution": true}
def choose_bandwidth(train, validation, bandwidths):
    """The kernel width h (from bandwidths) with the best mean validation log-likelihood."""
    ### BEGIN SOLUTION
    sq = torch.cdist(validation.double(), train.double()).pow(2)
    dim = train.shape[1]
    scores = []
    for h in bandwidths:
        log_p = (torch.logsumexp(-sq / (2 * h * h), dim=1) - math.log(len(train))
                 - 0.5 * dim * math.log(2 * math.pi * h * h))
        scores.append(log_p.mean().item())
    return float(bandwidths[max(range(len(scores)), key=scores.__getitem__)])
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_choose_bandwidth", "locked": true, "points": 3, "schema_version": 3, "solution": false}
from genai_course.data import load_toy2d  # noqa: E402

_grid = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0]
_ring = load_toy2d("ring", n_train=1000, n_test=1000, seed=0)
_h = choose_bandwidth(_ring.train, _ring.test[:500], _grid)
assert type(_h) is float, f"return a Python float (a value of bandwidths), got {type(_h).__name__}"
assert _h in _grid, f"return one of the bandwidths offered, got {_h}"
assert _h != min(_grid), (
    "the smallest width won: that is what the training points prefer. Score the validation "
    "points, and keep the -(D/2) log(2 pi h^2) term")
assert _h != max(_grid), (
    "the largest width won: did you leave out the -(D/2) log(2 pi h^2) normalisation, "
    "or pick the lowest score instead of the highest?")
### BEGIN HIDDEN TESTS
def _reference_scores(train, validation, grid):
    sq = ((validation.double()[:, None, :] - train.double()[None, :, :]) ** 2).sum(-1)
    out = []
    for h in grid:
        log_p = (torch.logsumexp(-sq / (2 * h * h), 1) - math.log(len(train))
                 - 0.5 * train.shape[1] * math.log(2 * math.pi * h * h))
        out.append(log_p.mean().item())
    return out


for _name, _scale in (("ring", 1.0), ("gaussians", 1.0), ("moons", 1.0), ("moons", 10.0)):
    _data = load_toy2d(_name, n_train=1000, n_test=1000, seed=1)
    _tr, _va = _data.train * _scale, _data.test[:500] * _scale
    _g2 = [h * _scale for h in _grid]
    _chosen = choose_bandwidth(_tr, _va, _g2)
    _scores = _reference_scores(_tr, _va, _g2)
    assert type(_chosen) is float and _chosen in _g2, "return one of the bandwidths offered, as a float"
    assert _scores[_g2.index(_chosen)] >= max(_scores) - 0.02, (
        "the width you chose is not the best on the validation points (compared by mean "
        "log-likelihood, with a tolerance of 0.02 nats) for another data set or data scale")
_d3 = torch.randn(300, 3, generator=torch.Generator().manual_seed(5))
_v3 = torch.randn(300, 3, generator=torch.Generator().manual_seed(6))
_s3 = _reference_scores(_d3, _v3, _grid)
assert _s3[_grid.index(choose_bandwidth(_d3, _v3, _grid))] >= max(_s3) - 0.02, (
    "in 3 dimensions the normalisation is -(D/2) log(2 pi h^2) with D = 3")
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "outro", "locked": true, "schema_version": 3, "solution": false}
# ## Try it on the lesson's model
#
# With the parts done, the cell below samples the mixture fitted in the lesson (it ships
# with the package) using *your* sampler, and measures near-copies with *your* test: the
# share of samples within 0.01 of a training point, next to the same share for held-out
# real points. A model that generalises makes about as many near-copies as fresh data does.
# Then it chooses a kernel width with *your* `choose_bandwidth` on half of the held-out
# points (validation) and reports the log-likelihood on the other half (a test split
# nothing was chosen on), next to the smallest width, which the training points prefer.

# %% nbgrader={"grade": false, "grade_id": "demo", "locked": true, "schema_version": 3, "solution": false}
from genai_course.pretrained import load_pretrained  # noqa: E402

data = load_toy2d("gaussians", n_train=2000, n_test=500)
mixture = load_pretrained("toy-mixture")
with torch.no_grad():
    points = sample_mixture(mixture.logits.softmax(0), mixture.means, mixture.log_scales.exp(),
                            500, generator=torch.Generator().manual_seed(0))
print(f"near-copies: samples {near_copy_fraction(points, data.train, 0.01):.1%}, "
      f"held-out data {near_copy_fraction(data.test, data.train, 0.01):.1%}")

validation, test = data.test[:250], data.test[250:]
widths = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0]
best = choose_bandwidth(data.train, validation, widths)
for h in (min(widths), best):
    sq = torch.cdist(test.double(), data.train.double()).pow(2)
    log_p = torch.logsumexp(-sq / (2 * h * h), 1) - math.log(len(data.train)) - math.log(2 * math.pi * h * h)
    print(f"kernel width {h:4.2f}: test log-likelihood {log_p.mean():6.3f} nats per point")
