"""Wrong and right answers for exercise 04 (see tests/test_exercise_mutations.py)."""

MUTATIONS = {
    "test_flow_matching_loss": {
        "wrong": {
            "target_eps_minus_x": """
def flow_matching_loss(velocity, x, eps, t):
    tt = t.reshape(-1, *[1] * (x.ndim - 1))
    x_t = (1 - tt) * eps + tt * x
    return ((velocity(x_t, t) - (eps - x)) ** 2).mean()
""",
            "reversed_time": """
def flow_matching_loss(velocity, x, eps, t):
    tt = t.reshape(-1, *[1] * (x.ndim - 1))
    x_t = tt * eps + (1 - tt) * x
    return ((velocity(x_t, t) - (x - eps)) ** 2).mean()
""",
            "sum_not_mean": """
def flow_matching_loss(velocity, x, eps, t):
    tt = t.reshape(-1, *[1] * (x.ndim - 1))
    x_t = (1 - tt) * eps + tt * x
    return ((velocity(x_t, t) - (x - eps)) ** 2).sum()
""",
            "flat_time_only": """
def flow_matching_loss(velocity, x, eps, t):
    tt = t.reshape(-1, 1)
    x_t = (1 - tt) * eps + tt * x
    return ((velocity(x_t, t) - (x - eps)) ** 2).mean()
""",
            "velocity_at_data": """
def flow_matching_loss(velocity, x, eps, t):
    return ((velocity(x, t) - (x - eps)) ** 2).mean()
""",
        },
        "right": {
            "mse_loss_and_lerp": """
def flow_matching_loss(velocity, x, eps, t):
    import torch.nn.functional as F
    tt = t.view(-1, *([1] * (x.dim() - 1)))
    return F.mse_loss(velocity(torch.lerp(eps, x, tt), t), x - eps)
""",
        },
        "common": ["target_eps_minus_x", "reversed_time", "sum_not_mean", "velocity_at_data"],
    },
    "test_euler_sample": {
        "wrong": {
            "velocity_at_end_of_step": """
def euler_sample(velocity, x0, steps):
    x, h = x0, 1.0 / steps
    for i in range(steps):
        x = x + h * velocity(x, torch.full((len(x),), (i + 1) * h))
    return x
""",
            "one_step_too_many": """
def euler_sample(velocity, x0, steps):
    x, h = x0, 1.0 / steps
    for i in range(steps + 1):
        x = x + h * velocity(x, torch.full((len(x),), i * h))
    return x
""",
            "wrong_step_size": """
def euler_sample(velocity, x0, steps):
    x, h = x0, 1.0 / max(steps - 1, 1)
    for i in range(steps):
        x = x + h * velocity(x, torch.full((len(x),), i * h))
    return x
""",
            "scalar_time": """
def euler_sample(velocity, x0, steps):
    x, h = x0, 1.0 / steps
    for i in range(steps):
        x = x + h * velocity(x, torch.tensor(i * h))
    return x
""",
        },
        "right": {
            "arange_times": """
def euler_sample(velocity, x0, steps):
    x = x0.clone()
    for t in torch.arange(steps, dtype=x0.dtype) / steps:
        x += velocity(x, t.repeat(len(x))) / steps
    return x
""",
        },
        "common": [
            "velocity_at_end_of_step",
            "one_step_too_many",
            "wrong_step_size",
            "scalar_time",
        ],
    },
    "test_guide": {
        "wrong": {
            "convex_mix": """
def guide(v_cond, v_uncond, w):
    return w * v_cond + (1 - w) * v_uncond
""",
            "added_uncond": """
def guide(v_cond, v_uncond, w):
    return v_cond + w * v_uncond
""",
            "sign_flipped": """
def guide(v_cond, v_uncond, w):
    return (1 + w) * v_uncond - w * v_cond
""",
        },
        "right": {
            "difference_form": """
def guide(v_cond, v_uncond, w):
    return v_cond + w * (v_cond - v_uncond)
""",
        },
        "common": ["convex_mix", "added_uncond", "sign_flipped"],
    },
    "test_fewest_steps": {
        "wrong": {
            "compares_with_first": """
def fewest_steps(fd_by_steps, tolerance=0.1):
    first = next(iter(fd_by_steps.values()))
    return min(s for s, fd in fd_by_steps.items() if fd <= (1 + tolerance) * first)
""",
            "returns_distance": """
def fewest_steps(fd_by_steps, tolerance=0.1):
    best = min(fd_by_steps.values())
    return min(fd for fd in fd_by_steps.values() if fd <= (1 + tolerance) * best)
""",
            "strict_boundary": """
def fewest_steps(fd_by_steps, tolerance=0.1):
    best = min(fd_by_steps.values())
    return min(s for s, fd in fd_by_steps.items() if fd < (1 + tolerance) * best)
""",
            "ignores_tolerance": """
def fewest_steps(fd_by_steps, tolerance=0.1):
    best = min(fd_by_steps.values())
    return min(s for s, fd in fd_by_steps.items() if fd <= 1.1 * best)
""",
            "best_steps": """
def fewest_steps(fd_by_steps, tolerance=0.1):
    return min(fd_by_steps, key=fd_by_steps.get)
""",
        },
        "right": {
            "sorted_loop": """
def fewest_steps(fd_by_steps, tolerance=0.1):
    limit = (1 + tolerance) * min(fd_by_steps.values())
    for steps in sorted(fd_by_steps):
        if fd_by_steps[steps] <= limit:
            return int(steps)
""",
        },
        "common": ["compares_with_first", "returns_distance", "best_steps"],
    },
}
