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
# # Exercise 04 — flow matching: the loss, an Euler step, guidance
#
# This exercise goes with [lesson 04](../lessons/04_diffusion.ipynb). A flow-matching model
# learns the velocity $v_\theta(x_t, t)$ of straight paths $x_t = (1 - t)\,\varepsilon + t\,x$
# from noise ($t = 0$) to data ($t = 1$). You write:
#
# 1. the **flow-matching loss** for given noise and times;
# 2. an **Euler sampler** that integrates $dx/dt = v(x, t)$ from $t = 0$ to $1$;
# 3. **classifier-free guidance**;
# 4. a **decision** from measurements: the fewest Euler steps whose Fréchet distance is
#    within 10% of the best.
#
# Write your code where it says `# YOUR CODE HERE` (delete the `raise NotImplementedError()`)
# and run the test cell below it. The grader also runs hidden tests, and puts back the
# original test cells, so make your functions right in general.

# %% nbgrader={"grade": false, "grade_id": "setup", "locked": true, "schema_version": 3, "solution": false}
import torch

from genai_course import seed_everything
from genai_course.grading.probes import VelocityField  # stand-ins for a network in the tests

seed_everything(0)

# %% [markdown] nbgrader={"grade": false, "grade_id": "loss_md", "locked": true, "schema_version": 3, "solution": false}
# ## Part 1 — the flow-matching loss (3 points)
#
# Write `flow_matching_loss(velocity, x, eps, t)`: `x` and `eps` have shape `(n, ...)`, `t`
# has shape `(n,)` (one time per example). Build $x_t = (1 - t)\,\varepsilon + t\,x$
# (broadcast each example's $t$ over its numbers), call `velocity(x_t, t)` and return the
# mean over all numbers of $(v - (x - \varepsilon))^2$, a scalar tensor.

# %% nbgrader={"grade": false, "grade_id": "flow_matching_loss", "locked": false, "schema_version": 3, "solution": true}
def flow_matching_loss(velocity, x, eps, t):
    """Mean squared error between velocity(x_t, t) and the path's velocity x - eps."""
    ### BEGIN SOLUTION
    tt = t.reshape(-1, *[1] * (x.ndim - 1))
    x_t = (1 - tt) * eps + tt * x
    return ((velocity(x_t, t) - (x - eps)) ** 2).mean()
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_flow_matching_loss", "locked": true, "points": 3, "schema_version": 3, "solution": false}
_x = torch.tensor([[1.0, 2.0], [0.0, -1.0], [3.0, 0.5]])
_eps = torch.tensor([[0.5, 0.0], [1.0, 1.0], [-1.0, 2.0]])
_t = torch.tensor([0.0, 0.5, 1.0])
_loss = flow_matching_loss(VelocityField("zero"), _x, _eps, _t)
assert isinstance(_loss, torch.Tensor), f"return a torch.Tensor, got {type(_loss).__name__}"
assert _loss.ndim == 0, f"return a scalar (the mean), got shape {tuple(_loss.shape)}"
assert torch.isclose(_loss, ((_x - _eps) ** 2).mean()), (
    "a velocity of 0 everywhere must cost the mean of (x - eps)^2")
_exact = VelocityField("constant", _x - _eps)
assert float(flow_matching_loss(_exact, _x, _eps, _t)) < 1e-10, "the exact velocity x - eps must cost 0"
_tt = _t.reshape(-1, 1)
_xt = (1 - _tt) * _eps + _tt * _x  # t = 0: the noise; t = 1: the data
assert torch.isclose(flow_matching_loss(VelocityField("identity"), _x, _eps, _t),
                     ((_xt - (_x - _eps)) ** 2).mean()), (
    "velocity must be called at x_t = (1 - t) eps + t x: the noise at t = 0, the data at t = 1")
### BEGIN HIDDEN TESTS
_ref_t = ((_tt.expand_as(_x) - (_x - _eps)) ** 2).mean()
assert torch.isclose(flow_matching_loss(VelocityField("time"), _x, _eps, _t), _ref_t), (
    "velocity must receive the times t")
_g = torch.Generator().manual_seed(3)
_X, _E, _T = torch.randn(5, 4, 4, generator=_g), torch.randn(5, 4, 4, generator=_g), torch.rand(5, generator=_g)
_tt = _T.reshape(5, 1, 1)
_ref = (((_tt * _X + (1 - _tt) * _E) * 2 - (_X - _E)) ** 2).mean()
_got = flow_matching_loss(VelocityField("double"), _X, _E, _T)
assert isinstance(_got, torch.Tensor) and _got.ndim == 0, "return a scalar tensor for image batches"
assert torch.isclose(_got, _ref, atol=1e-6), "the loss must broadcast t over image dimensions"
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "euler_md", "locked": true, "schema_version": 3, "solution": false}
# ## Part 2 — Euler sampling (3 points)
#
# Write `euler_sample(velocity, x0, steps)`: start at `x0` (the noise, at $t = 0$) and take
# `steps` Euler steps of size $h = 1/\text{steps}$: $x \leftarrow x + h\,v(x, t)$ at
# $t = 0, h, 2h, \dots, 1 - h$. Pass `t` to `velocity` as a tensor of shape `(n,)` (one
# time per row of `x`, all equal). Return the final `x`.

# %% nbgrader={"grade": false, "grade_id": "euler_sample", "locked": false, "schema_version": 3, "solution": true}
def euler_sample(velocity, x0, steps):
    """Integrate dx/dt = velocity(x, t) from t = 0 to t = 1 with `steps` Euler steps."""
    ### BEGIN SOLUTION
    x, h = x0, 1.0 / steps
    for i in range(steps):
        x = x + h * velocity(x, torch.full((len(x),), i * h, dtype=x.dtype, device=x.device))
    return x
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_euler_sample", "locked": true, "points": 3, "schema_version": 3, "solution": false}
_x0 = torch.tensor([[0.0, 1.0], [2.0, -2.0]])
_out = euler_sample(VelocityField("one"), _x0, 4)
assert isinstance(_out, torch.Tensor) and _out.shape == _x0.shape, "return x, shaped like x0"
assert torch.allclose(_out, _x0 + 1), (
    "a constant velocity 1 over one unit of time moves x by 1: take exactly `steps` steps of 1/steps")
_tv = euler_sample(VelocityField("time"), torch.zeros(2, 3), 4)
assert torch.allclose(_tv, torch.full((2, 3), 0.25 * (0 + 0.25 + 0.5 + 0.75))), (
    "evaluate the velocity at the start of each step, t = 0, h, ..., 1 - h")
### BEGIN HIDDEN TESTS
_lin = euler_sample(VelocityField("identity"), torch.ones(3, 1), 10)
assert torch.allclose(_lin, torch.full((3, 1), 1.1 ** 10)), "Euler on dx/dt = x gives (1 + h)^N"
_tv = euler_sample(VelocityField("time"), torch.zeros(2, 3), 2)
assert torch.allclose(_tv, torch.full((2, 3), 0.25)), "velocity t: steps at t = 0 and 0.5 give 0.25"
assert torch.equal(euler_sample(VelocityField("zero"), _x0, 1), _x0), "one step of a zero velocity leaves x0"
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "guide_md", "locked": true, "schema_version": 3, "solution": false}
# ## Part 3 — classifier-free guidance (2 points)
#
# Ho & Salimans (2022) combine the conditional and unconditional outputs with a weight
# $w \ge 0$: $\tilde v = (1 + w)\,v_\text{cond} - w\,v_\text{uncond}$. Write
# `guide(v_cond, v_uncond, w)`.

# %% nbgrader={"grade": false, "grade_id": "guide", "locked": false, "schema_version": 3, "solution": true}
def guide(v_cond, v_uncond, w):
    """Classifier-free guidance: (1 + w) * v_cond - w * v_uncond."""
    ### BEGIN SOLUTION
    return (1 + w) * v_cond - w * v_uncond
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_guide", "locked": true, "points": 2, "schema_version": 3, "solution": false}
_c, _u = torch.tensor([1.0, 2.0]), torch.tensor([0.5, -1.0])
assert torch.equal(guide(_c, _u, 0.0), _c), "w = 0 must give the conditional output itself"
assert torch.allclose(guide(_c, _u, 1.0), torch.tensor([1.5, 5.0])), (
    "w = 1 must move as far again past the conditional output, away from the unconditional one")
### BEGIN HIDDEN TESTS
assert torch.allclose(guide(_c, _c, 7.0), _c), "when both outputs agree, guidance changes nothing"
assert torch.allclose(guide(_c, _u, 3.0), 4 * _c - 3 * _u)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "steps_md", "locked": true, "schema_version": 3, "solution": false}
# ## Part 4 — measure, then decide: how few steps are enough? (2 points)
#
# The cell below samples the shipped `digits-flow` with several numbers of Euler steps and
# measures the Fréchet distance of the samples to test digits (lesson 05's measure; lower is
# better). Each step costs one pass of the network, so we want the fewest steps that lose
# little quality. Write `fewest_steps(fd_by_steps, tolerance=0.1)`: given a dict
# `{steps: Fréchet distance}`, return the smallest number of steps whose distance is at
# most `(1 + tolerance)` times the best (lowest) distance in the dict.

# %% nbgrader={"grade": false, "grade_id": "measure", "locked": true, "schema_version": 3, "solution": false}
from genai_course.data import load_digits  # noqa: E402
from genai_course.metrics.images import frechet_digit_distance  # noqa: E402
from genai_course.pretrained import load_pretrained  # noqa: E402

flow = load_pretrained("digits-flow")
test = load_digits("symmetric").x_test
labels = torch.arange(400) % 10
measured = {}
for s in [1, 2, 5, 10, 20, 50]:
    out = flow.sample(400, labels=labels, steps=s, solver="euler",
                      generator=torch.Generator().manual_seed(0))
    measured[s] = frechet_digit_distance(out, test, "symmetric")
print({s: round(fd, 2) for s, fd in measured.items()})


# %% nbgrader={"grade": false, "grade_id": "fewest_steps", "locked": false, "schema_version": 3, "solution": true}
def fewest_steps(fd_by_steps, tolerance=0.1):
    """The smallest number of steps whose distance is <= (1 + tolerance) * the best distance."""
    ### BEGIN SOLUTION
    best = min(fd_by_steps.values())
    return min(s for s, fd in fd_by_steps.items() if fd <= (1 + tolerance) * best)
    ### END SOLUTION


print("fewest Euler steps within 10% of the best Fréchet distance:", fewest_steps(measured))

# %% nbgrader={"grade": true, "grade_id": "test_fewest_steps", "locked": true, "points": 2, "schema_version": 3, "solution": false}
_a = fewest_steps({1: 80.0, 5: 21.5, 10: 20.5, 50: 20.0})
assert isinstance(_a, int) and not isinstance(_a, bool), f"return an int (a number of steps), got {type(_a).__name__}"
assert _a == 5, "return the smallest number of steps within 10% of the lowest distance"
assert fewest_steps({2: 30.0, 4: 10.0}) == 4, "compare with the lowest distance, not the first"
### BEGIN HIDDEN TESTS
assert fewest_steps({20: 10.0, 3: 11.0, 1: 50.0}) == 3, "the boundary counts, and the dict may be unordered"
assert fewest_steps({1: 12.0, 2: 10.0}, tolerance=0.25) == 1, "use the tolerance argument"
assert fewest_steps({1: 12.0, 2: 10.0}, tolerance=0.0) == 2
_m = fewest_steps(measured)
_best = min(measured.values())
assert measured[_m] <= 1.1 * _best and all(fd > 1.1 * _best for s, fd in measured.items() if s < _m)
### END HIDDEN TESTS
