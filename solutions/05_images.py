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
# # Exercise 05 — measuring generated images: novelty, quality, coverage
#
# This exercise goes with [lesson 05](../lessons/05_images.ipynb), which compares image
# generators by three measurements. You write them, then turn one into a verdict:
#
# 1. **novelty**: the distance from each generated image to its nearest training image;
# 2. **quality**: the Fréchet distance between two Gaussians with diagonal covariances
#    (the formula behind FID, on features);
# 3. **coverage**: how many of the classes the generated images cover;
# 4. a **decision**: from what distance on is a generated image a copy? Let held-out
#    real images set the threshold.
#
# Write your code where it says `# YOUR CODE HERE` (delete the `raise NotImplementedError()`)
# and run the test cell below it. The grader also runs hidden tests, and puts back the
# original test cells, so make your functions right in general.

# %% nbgrader={"grade": false, "grade_id": "setup", "locked": true, "schema_version": 3, "solution": false}
import math
import warnings

import torch

from genai_course import seed_everything
from genai_course.metrics.images import classify_digits

seed_everything(0)

# %% [markdown] nbgrader={"grade": false, "grade_id": "nn_md", "locked": true, "schema_version": 3, "solution": false}
# ## Part 1 — distance to the nearest training image (3 points)
#
# Write `nearest_training_distance(samples, training)`: `samples` has shape `(N, H, W)`,
# `training` `(M, H, W)`. Compare images pixel by pixel (flatten each to a vector) and
# return a float tensor of shape `(N,)`: the Euclidean distance from each sample to the
# closest training image. A distance near 0 means a copy. (`torch.cdist` in float32 is
# fine: the tests allow for its rounding, about $10^{-3}$ on an image's distance to itself.)

# %% nbgrader={"grade": false, "grade_id": "nearest_training_distance", "locked": false, "schema_version": 3, "solution": true}
def nearest_training_distance(samples, training):
    """For each sample, the Euclidean distance to its nearest training image."""
    ### BEGIN SOLUTION
    a = samples.reshape(len(samples), -1).float()
    b = training.reshape(len(training), -1).float()
    return torch.cdist(a, b, compute_mode="donot_use_mm_for_euclid_dist").min(dim=1).values
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_nearest_training_distance", "locked": true, "points": 3, "schema_version": 3, "solution": false}
_train = torch.zeros(3, 2, 2)
_train[1] = 1.0
_train[2, 0, 0] = 3.0
_samples = torch.stack([torch.zeros(2, 2), torch.full((2, 2), 0.5), torch.tensor([[3.0, 0.0], [0.0, -4.0]])])
_d = nearest_training_distance(_samples, _train)
assert isinstance(_d, torch.Tensor), f"return a torch.Tensor, got {type(_d).__name__}"
assert _d.shape == (3,), f"expected one distance per sample, shape (3,), got {tuple(_d.shape)}"
assert torch.allclose(_d.float(), torch.tensor([0.0, 1.0, 4.0]), atol=1e-3), (
    f"expected [0, 1, 4]: a copy, halfway between two images, 4 away from the third; got {_d.tolist()}")
### BEGIN HIDDEN TESTS
_g = torch.Generator().manual_seed(0)
_tr = torch.rand(50, 8, 8, generator=_g)
_sm = torch.rand(7, 8, 8, generator=_g)
_ref = torch.stack([((_tr - s).pow(2).sum(dim=(1, 2))).sqrt().min() for s in _sm])
_got = nearest_training_distance(_sm, _tr)
assert isinstance(_got, torch.Tensor) and _got.shape == (7,), "one distance per sample, for 7 samples and 50 images"
assert torch.allclose(_got.float(), _ref, atol=1e-3), (
    "wrong distances for random 8x8 images: the Euclidean distance to the *nearest* training image")
assert torch.allclose(nearest_training_distance(_tr[:5], _tr).float(), torch.zeros(5), atol=1e-2), (
    "training images themselves must be at distance about 0 (a copy)")
_wide = torch.rand(4, 3, 5, generator=_g)
_wref = torch.stack([((_wide - s).pow(2).sum(dim=(1, 2))).sqrt().min() for s in _wide[:2] + 0.5])
assert torch.allclose(nearest_training_distance(_wide[:2] + 0.5, _wide).float(), _wref, atol=1e-3), (
    "images need not be square: flatten each image, whatever its height and width")
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "fd_md", "locked": true, "schema_version": 3, "solution": false}
# ## Part 2 — the Fréchet distance (3 points)
#
# FID fits a Gaussian to the features of real images and one to the features of
# generated images and reports the Fréchet (2-Wasserstein) distance between them
# (Heusel et al. 2017). With diagonal covariances (variances $v$) it is
#
# $$d^2 = \lVert \mu_1 - \mu_2 \rVert^2 + \sum_j \left(v_{1j} + v_{2j} - 2\sqrt{v_{1j} v_{2j}}\right).$$
#
# Write `frechet_distance_diag(mu1, var1, mu2, var2)` taking four 1-D tensors of the same
# length and returning $d^2$ as a Python `float`.

# %% nbgrader={"grade": false, "grade_id": "frechet_distance_diag", "locked": false, "schema_version": 3, "solution": true}
def frechet_distance_diag(mu1, var1, mu2, var2):
    """Squared Frechet distance between N(mu1, diag(var1)) and N(mu2, diag(var2))."""
    ### BEGIN SOLUTION
    mean_term = (mu1 - mu2).pow(2).sum()
    cov_term = (var1 + var2 - 2 * (var1 * var2).sqrt()).sum()
    return float(mean_term + cov_term)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_frechet_distance_diag", "locked": true, "points": 3, "schema_version": 3, "solution": false}
_fd = frechet_distance_diag(torch.zeros(2), torch.ones(2), torch.zeros(2), torch.ones(2))
assert type(_fd) is float, f"return a Python float (use float(...)), got {type(_fd).__name__}"
assert math.isclose(_fd, 0.0, abs_tol=1e-9), f"identical Gaussians are at distance 0, got {_fd}"
_fd = frechet_distance_diag(torch.tensor([0.0, 0.0]), torch.ones(2), torch.tensor([3.0, 4.0]), torch.ones(2))
assert math.isclose(_fd, 25.0, rel_tol=1e-6), f"means 5 apart with equal variances: expected 25, got {_fd}"
_fd = frechet_distance_diag(torch.zeros(1), torch.tensor([1.0]), torch.zeros(1), torch.tensor([4.0]))
assert math.isclose(_fd, 1.0, rel_tol=1e-6), (
    f"standard deviations 1 and 2: (2 - 1)^2 = 1, got {_fd}; did you take sqrt(v1 * v2)?")
### BEGIN HIDDEN TESTS
_g = torch.Generator().manual_seed(1)
_m1, _m2 = torch.randn(6, generator=_g), torch.randn(6, generator=_g)
_v1, _v2 = torch.rand(6, generator=_g) + 0.1, torch.rand(6, generator=_g) + 0.1
_ref = ((_m1 - _m2) ** 2).sum() + ((_v1.sqrt() - _v2.sqrt()) ** 2).sum()
_got = frechet_distance_diag(_m1, _v1, _m2, _v2)
assert type(_got) is float and math.isclose(_got, _ref.item(), rel_tol=1e-5), (
    "wrong distance for random 6-dimensional Gaussians (both the mean and the variance terms count)")
assert math.isclose(frechet_distance_diag(_m1, _v1, _m2, _v2), frechet_distance_diag(_m2, _v2, _m1, _v1),
                    rel_tol=1e-6), "the distance must be symmetric"
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "cov_md", "locked": true, "schema_version": 3, "solution": false}
# ## Part 3 — class coverage (2 points)
#
# A classifier labels each generated digit. Write `class_coverage(labels, n_classes=10,
# min_fraction=0.01, confidence=None, min_confidence=0.99)`: the fraction (a Python
# `float`) of the `n_classes` classes that make up at least `min_fraction` of the
# generated samples. A model with mode collapse scores low.
#
# A classifier gives *some* label to anything, scribbles included, so labels alone make
# coverage hard to fail. When `confidence` is given (the classifier's probability for
# each label, as `classify_digits(..., return_confidence=True)` returns it), a sample
# counts for its class only if its confidence is at least `min_confidence`; every sample
# still counts in the total, so a model of scribbles covers nothing.

# %% nbgrader={"grade": false, "grade_id": "class_coverage", "locked": false, "schema_version": 3, "solution": true}
def class_coverage(labels, n_classes=10, min_fraction=0.01, confidence=None, min_confidence=0.99):
    """Fraction of classes with at least min_fraction of the samples (confident readings only)."""
    ### BEGIN SOLUTION
    counted = labels if confidence is None else labels[confidence >= min_confidence]
    shares = torch.bincount(counted, minlength=n_classes).float() / len(labels)
    return float((shares >= min_fraction).float().mean())
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_class_coverage", "locked": true, "points": 2, "schema_version": 3, "solution": false}
_cov = class_coverage(torch.arange(10).repeat(10))
assert type(_cov) is float, f"return a Python float, got {type(_cov).__name__}"
assert math.isclose(_cov, 1.0, rel_tol=1e-6), f"every class appears 10% of the time: coverage 1.0, got {_cov}"
_collapsed = class_coverage(torch.tensor([7] * 95 + [1] * 5))
assert math.isclose(_collapsed, 0.2, rel_tol=1e-6), f"only classes 1 and 7 appear: coverage 0.2, got {_collapsed}"
_rare = class_coverage(torch.tensor([3] * 995 + [4] * 5))
assert math.isclose(_rare, 0.1, rel_tol=1e-6), (
    f"class 4 makes up 0.5% of the samples, below min_fraction = 1%: coverage 0.1, got {_rare}")
_unsure = torch.tensor([0.999, 0.5] * 50)  # the odd classes are read with confidence 0.5 only
_conf = class_coverage(torch.arange(10).repeat(10), confidence=_unsure)
assert math.isclose(_conf, 0.5, rel_tol=1e-6), (
    f"only the 5 even classes are read with confidence >= 0.99: coverage 0.5, got {_conf}")
### BEGIN HIDDEN TESTS
_lab = torch.tensor([0] * 990 + [1] * 9 + [2] * 1)
assert math.isclose(class_coverage(_lab), 0.1, rel_tol=1e-6), (
    "a class with 9 of 1000 samples (0.9%) is below 1%: it does not count")
assert math.isclose(class_coverage(_lab, min_fraction=0.005), 0.2, rel_tol=1e-6), "use the min_fraction you are given"
assert math.isclose(class_coverage(_lab, min_fraction=0.001), 0.3, rel_tol=1e-6), (
    "a class with exactly min_fraction of the samples counts")
_c3 = class_coverage(torch.tensor([0, 1, 2, 2]), n_classes=4, min_fraction=0.25)
assert type(_c3) is float and math.isclose(_c3, 0.75, rel_tol=1e-6), (
    "divide by n_classes, including classes that never appear")
_lab2 = torch.tensor([0] * 500 + [1] * 500)
_sure = torch.cat([torch.ones(500), torch.tensor([0.995] * 8 + [0.3] * 492)])
assert math.isclose(class_coverage(_lab2, confidence=_sure), 0.1, rel_tol=1e-6), (
    "8 confident readings of class 1 are 0.8% of all the samples, below 1%: every sample "
    "counts in the total, the unsure ones too")
assert math.isclose(class_coverage(_lab2, confidence=_sure, min_confidence=0.2), 0.2, rel_tol=1e-6), (
    "use the min_confidence you are given")
_edge = torch.tensor([0.75, 0.5] * 50)  # the even classes exactly at min_confidence
assert math.isclose(class_coverage(torch.arange(10).repeat(10), confidence=_edge, min_confidence=0.75), 0.5,
                    rel_tol=1e-6), "a reading with confidence exactly min_confidence counts"
assert math.isclose(class_coverage(torch.arange(10).repeat(10), confidence=torch.ones(100)), 1.0,
                    rel_tol=1e-6), "with every reading confident, coverage is as without confidences"
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "copy_md", "locked": true, "schema_version": 3, "solution": false}
# ## Part 4 — when is an image a copy? Let real data decide (3 points)
#
# Part 1 gives distances, not a verdict: how close is "too close" depends on the data.
# Fresh real images set the scale: calibrate the threshold on `held_out`, real images
# the model never saw. Write `copy_fraction(samples, training, held_out, quantile=0.05)`:
# take the nearest-training distances of the held-out images (your
# `nearest_training_distance`), let the threshold be their `quantile` quantile
# (`torch.quantile`), and return, as a Python `float`, the fraction of `samples` whose
# nearest-training distance is at most that threshold. A model that makes new images
# scores about `quantile` (as often "close" as fresh real data); a memoriser scores
# near 1.

# %% nbgrader={"grade": false, "grade_id": "copy_fraction", "locked": false, "schema_version": 3, "solution": true}
def copy_fraction(samples, training, held_out, quantile=0.05):
    """Fraction of samples closer to the training set than most held-out real images."""
    ### BEGIN SOLUTION
    threshold = torch.quantile(nearest_training_distance(held_out, training).double(), quantile)
    return float((nearest_training_distance(samples, training).double() <= threshold).double().mean())
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_copy_fraction", "locked": true, "points": 3, "schema_version": 3, "solution": false}
from genai_course.data import load_digits  # noqa: E402

_digits = load_digits("unit")
_gen = torch.Generator().manual_seed(0)
_memoriser = (_digits.x_train[:150] + 0.03 * torch.randn(150, 8, 8, generator=_gen)).clamp(0, 1)
_fresh = _digits.x_test[180:]  # real digits the "model" never saw: they generalise perfectly
_held_out = _digits.x_test[:180]
_f = copy_fraction(_fresh, _digits.x_train, _held_out)
assert type(_f) is float, f"return a Python float, got {type(_f).__name__}"
assert 0.0 <= _f <= 0.15, (
    f"fresh real digits are no closer to the training set than the held-out ones: expected about "
    f"0.05, got {_f:.3f}. Is the threshold the 0.05 quantile of the held-out images' distances?")
_m = copy_fraction(_memoriser, _digits.x_train, _held_out)
assert _m >= 0.9, (
    f"noisy copies of training images must nearly all count as copies, got {_m:.3f}. Calibrate "
    "the threshold on held_out (not on the samples, nor on the training images themselves)")
### BEGIN HIDDEN TESTS
_f20 = copy_fraction(_fresh, _digits.x_train, _held_out, quantile=0.5)
assert 0.3 <= _f20 <= 0.7, "with quantile = 0.5, about half of fresh real images count as close: use quantile"
_half = torch.cat([_memoriser[:90], _fresh[:90]])
assert 0.45 <= copy_fraction(_half, _digits.x_train, _held_out) <= 0.62, (
    "half copies and half fresh digits: about half must count as copies")
_sym = load_digits("symmetric")
_ms = (_sym.x_train[:100] + 0.06 * torch.randn(100, 8, 8, generator=_gen)).clamp(-1, 1)
assert copy_fraction(_ms, _sym.x_train, _sym.x_test[:180]) >= 0.9, (
    "on another value scale the threshold must come from the data, not a fixed number")
assert copy_fraction(_sym.x_test[180:], _sym.x_train, _sym.x_test[:180]) <= 0.15, (
    "fresh real images on another value scale must rarely count as copies")
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "outro", "locked": true, "schema_version": 3, "solution": false}
# ## A memoriser against real held-out digits
#
# The cell below plays a "generator" that returns training images with a little noise,
# against held-out real digits: your novelty measure gives the memoriser away at once.

# %% nbgrader={"grade": false, "grade_id": "demo", "locked": true, "schema_version": 3, "solution": false}
digits = load_digits("unit")
copies = (digits.x_train[:200] + 0.02 * torch.randn(200, 8, 8)).clamp(0, 1)
print(f"median distance to the nearest training image: memoriser "
      f"{nearest_training_distance(copies, digits.x_train).median():.2f}, held-out real digits "
      f"{nearest_training_distance(digits.x_test, digits.x_train).median():.2f}")
print(f"class coverage of the held-out digits: {class_coverage(digits.y_test):.0%}")
scribbles = 0.3 * torch.rand(300, 8, 8)  # a "model" that draws faint noise
with warnings.catch_warnings():  # the classifier warns that these are not digits: that is the point
    warnings.simplefilter("ignore")
    read, sure = classify_digits(scribbles, "unit", return_confidence=True)
print(f"class coverage of faint noise: {class_coverage(read):.0%} by labels alone, "
      f"{class_coverage(read, confidence=sure):.0%} counting confident readings only")
print(f"share counted as copies (threshold from 180 held-out digits): memoriser "
      f"{copy_fraction(copies[:150], digits.x_train, digits.x_test[:180]):.0%}, other real digits "
      f"{copy_fraction(digits.x_test[180:], digits.x_train, digits.x_test[:180]):.0%}")
