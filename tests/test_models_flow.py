import math

import pytest
import torch

from genai_course.models.contract import GenerativeModel
from genai_course.models.flow import DDPM, FlowConfig, FlowMatching, TimeMLP, guided, time_embedding
from genai_course.training import fit

SMALL = dict(hidden=16, layers=2, time_features=8)


@pytest.mark.parametrize("network", ["mlp", "unet"])
@pytest.mark.parametrize("cls", [FlowMatching, DDPM])
def test_contract_shapes_and_scale(cls, network):
    model = cls(FlowConfig(num_classes=10, timesteps=20, network=network, **SMALL))
    assert isinstance(model, GenerativeModel)
    assert (
        model.num_classes == 10 and model.value_scale == "symmetric" and model.data_shape == (8, 8)
    )
    x = torch.rand(6, 8, 8) * 2 - 1
    loss = model.loss((x, torch.arange(6)))
    assert loss.ndim == 0 and torch.isfinite(loss)
    out = model.sample(5, labels=3, steps=4)
    assert out.shape == (5, 8, 8) and out.min() >= -1 and out.max() <= 1
    assert model.sample(3, steps=2).shape == (3, 8, 8)  # no labels: cycles 0, 1, 2


@pytest.mark.parametrize("cls", [FlowMatching, DDPM])
def test_unconditional_points_are_not_clamped(cls):
    model = cls(FlowConfig(data_shape=(2,), value_scale="real", timesteps=10, **SMALL))
    assert model.num_classes == 0
    assert model.sample(4, steps=3).shape == (4, 2)
    with pytest.raises(ValueError, match="unconditional"):
        model.sample(4, labels=1)


def test_flow_loss_is_zero_for_the_exact_velocity():
    """With a network that outputs x - eps exactly, the flow-matching loss is 0."""
    model = FlowMatching(FlowConfig(data_shape=(3,), value_scale="real", **SMALL))
    x = torch.tensor([[1.0, -2.0, 0.5]]).repeat(4, 1)
    g = torch.Generator().manual_seed(0)
    eps = torch.randn(x.shape, generator=g)
    t = torch.rand(4, generator=g)

    class Exact(torch.nn.Module):
        def forward(self, x_t, t_in, labels=None):
            assert torch.allclose(t_in, t)
            tt = t_in[:, None]
            assert torch.allclose(x_t, (1 - tt) * eps + tt * x, atol=1e-6)
            return x - eps

    model.net = Exact()
    assert float(model.loss(x, generator=torch.Generator().manual_seed(0))) == pytest.approx(
        0, abs=1e-10
    )


def test_ddpm_loss_is_the_noise_error_on_known_values():
    model = DDPM(FlowConfig(data_shape=(2,), value_scale="real", timesteps=10, **SMALL))

    class Zero(torch.nn.Module):
        def forward(self, x_t, t_in, labels=None):
            assert (t_in > 0).all() and (t_in <= 1).all()
            return torch.zeros_like(x_t)

    model.net = Zero()
    g = torch.Generator().manual_seed(0)
    x = torch.zeros(5, 2)
    loss = model.loss(x, generator=g)
    g = torch.Generator().manual_seed(0)
    torch.randint(1, 11, (5,), generator=g)
    eps = torch.randn(5, 2, generator=g)
    assert float(loss) == pytest.approx(float((eps**2).mean()), rel=1e-6)


def test_ddpm_schedule_is_ho_et_al():
    model = DDPM(FlowConfig())
    assert model.betas[0].item() == pytest.approx(1e-4) and model.betas[-1].item() == pytest.approx(
        0.02
    )
    abar = math.prod(1 - b for b in torch.linspace(1e-4, 0.02, 1000, dtype=torch.float64).tolist())
    assert model.alpha_bars[-1].item() == pytest.approx(abar, rel=1e-4)
    assert model.alpha_bars[-1].item() < 1e-4  # x_T is (almost) pure noise


@pytest.mark.parametrize("cls", [FlowMatching, DDPM])
def test_sampling_is_deterministic_with_a_generator(cls):
    model = cls(FlowConfig(num_classes=10, timesteps=20, **SMALL))
    a = model.sample(4, labels=7, steps=5, generator=torch.Generator().manual_seed(3))
    b = model.sample(4, labels=7, steps=5, generator=torch.Generator().manual_seed(3))
    c = model.sample(4, labels=7, steps=5, generator=torch.Generator().manual_seed(4))
    assert torch.equal(a, b) and not torch.equal(a, c)


@pytest.mark.parametrize("cls", [FlowMatching, DDPM])
def test_guidance_zero_equals_the_conditional_model(cls):
    torch.manual_seed(0)
    model = cls(FlowConfig(num_classes=10, timesteps=20, **SMALL)).eval()
    g = lambda: torch.Generator().manual_seed(5)  # noqa: E731
    plain = model.sample(6, labels=2, steps=4, generator=g())
    zero = model.sample(6, labels=2, steps=4, generator=g(), guidance=0.0)
    strong = model.sample(6, labels=2, steps=4, generator=g(), guidance=3.0)
    assert torch.equal(plain, zero) and not torch.equal(plain, strong)
    x, t, y = torch.randn(3, 8, 8), torch.rand(3), torch.tensor([1, 2, 3])
    assert torch.equal(model.predict(x, t, y, guidance=0), model.net(x, t, y))
    expected = 3 * model.net(x, t, y) - 2 * model.net(x, t, None)
    assert torch.allclose(model.predict(x, t, y, guidance=2), expected, atol=1e-6)


def test_guided_formula():
    c, u = torch.tensor([2.0]), torch.tensor([1.0])
    assert guided(c, u, 0).item() == 2.0 and guided(c, u, 1).item() == 3.0


def test_euler_path_shape_and_endpoints():
    model = FlowMatching(FlowConfig(data_shape=(2,), value_scale="real", **SMALL))
    out, path = model.sample(
        7, steps=5, return_path=True, generator=torch.Generator().manual_seed(0)
    )
    assert path.shape == (6, 7, 2) and torch.equal(path[-1], out)
    assert torch.equal(path[0], torch.randn(7, 2, generator=torch.Generator().manual_seed(0)))


class _TimeDecay(torch.nn.Module):
    """v(x, t) = -2 t x: the exact flow from x0 ends at x0 * exp(-1). Counts its calls."""

    calls = 0

    def forward(self, x, t, labels=None):
        self.calls += 1
        return -2 * t[:, None] * x


def _end_error(solver, steps):
    model = FlowMatching(FlowConfig(data_shape=(2,), value_scale="real", **SMALL))
    model.net = _TimeDecay()
    g = torch.Generator().manual_seed(0)
    out = model.sample(3, steps=steps, solver=solver, generator=g)
    x0 = torch.randn(3, 2, generator=torch.Generator().manual_seed(0))
    return float((out - x0 * math.exp(-1)).abs().max()), model.net.calls


@pytest.mark.parametrize("steps", [1, 4, 10])
def test_heun_costs_two_network_calls_a_step_but_the_last(steps):
    from genai_course.models.flow import network_calls

    assert _end_error("euler", steps)[1] == network_calls("euler", steps) == steps
    assert _end_error("heun", steps)[1] == network_calls("heun", steps) == 2 * steps - 1


def test_heun_is_second_order_and_euler_first_order():
    """Halving the step size divides Euler's error at t = 1 by about 2 and Heun's by about 4
    (a trial step that asked the network at the old t would be first order)."""
    euler = [_end_error("euler", s)[0] for s in (10, 20, 40)]
    heun = [_end_error("heun", s)[0] for s in (10, 20, 40)]
    for coarse, fine in zip(euler, euler[1:], strict=False):
        assert 1.8 < coarse / fine < 2.2
    for coarse, fine in zip(heun, heun[1:], strict=False):
        assert 3.5 < coarse / fine < 4.5
    assert heun[0] < euler[1] / 2  # 10 Heun steps (19 calls): under half 20 Euler steps' error


def test_the_solver_is_checked_and_defaults_to_the_config():
    model = FlowMatching(FlowConfig(data_shape=(2,), value_scale="real", solver="heun", **SMALL))
    model.net = _TimeDecay()
    model.sample(2, steps=3)
    assert model.net.calls == 5
    with pytest.raises(ValueError, match="solver"):
        model.sample(2, solver="rk4")
    with pytest.raises(ValueError, match="solver"):
        FlowConfig(solver="midpoint")


def test_label_dropout_uses_the_null_token_only_in_training():
    model = FlowMatching(FlowConfig(num_classes=3, label_dropout=0.5, **SMALL))
    labels = torch.zeros(1000, dtype=torch.long)
    dropped = model.train()._train_labels(labels)
    assert 0.4 < (dropped == 3).float().mean() < 0.6
    assert torch.equal(model.eval()._train_labels(labels), labels)


def test_time_embedding_and_net_shapes():
    e = time_embedding(torch.tensor([0.0, 0.5, 1.0]), 8)
    assert e.shape == (3, 8) and torch.allclose(e[0], torch.tensor([0.0] * 4 + [1.0] * 4))
    net = TimeMLP(FlowConfig(data_shape=(2,), num_classes=2, **SMALL))
    assert net(torch.randn(4, 2), torch.rand(4), torch.tensor([0, 1, 2, 0])).shape == (4, 2)


def test_unet_starts_at_zero_and_learns_two_images():
    """The U-Net's last convolution starts at zero (velocity 0 everywhere, so the first
    loss is E|x - eps|^2); trained on two images, its samples land near them."""
    torch.manual_seed(0)
    a = torch.full((8, 8), -1.0)
    a[:, 2:4] = 1.0  # a vertical bar
    b = torch.full((8, 8), -1.0)
    b[5:7, :] = 1.0  # a horizontal bar
    data = torch.stack([a, b]).repeat(32, 1, 1)
    model = FlowMatching(FlowConfig(network="unet", hidden=8, layers=1, time_features=16))
    x_t = torch.randn(5, 8, 8)
    assert torch.equal(model.net(x_t, torch.rand(5)), torch.zeros(5, 8, 8))
    fit(model, data, steps=300, batch_size=32, lr=3e-3, progress=False)
    out = model.sample(50, steps=20, generator=torch.Generator().manual_seed(0))
    distance = torch.cdist(out.reshape(50, -1), data[:2].reshape(2, -1)).min(dim=1).values
    # random images in [-1, 1] lie ~9 from both bars; the trained flow's samples within 3
    assert distance.median() < 3.0


def test_fit_learns_two_points_and_counts_steps():
    """A flow trained on two points sends noise to (near) those points."""
    torch.manual_seed(0)
    data = torch.tensor([[2.0, 0.0], [-2.0, 0.0]]).repeat(64, 1)
    model = FlowMatching(
        FlowConfig(data_shape=(2,), value_scale="real", hidden=64, layers=2, time_features=16)
    )
    fit(model, data, steps=600, batch_size=64, lr=3e-3, progress=False)
    assert model.steps_trained == 600
    out = model.sample(200, steps=50, generator=torch.Generator().manual_seed(0))
    nearest = torch.cdist(out, data[:2]).min(dim=1).values
    assert nearest.median() < 0.3


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(hidden=0), "hidden"),
        (dict(layers=-1), "layers"),
        (dict(label_dropout=1.0), "label_dropout"),
        (dict(value_scale="binary"), "value_scale"),
        (dict(time_features=7), "even"),
        (dict(beta_start=0.1, beta_end=0.01), "beta_end"),
        (dict(data_shape=(0,)), "data_shape"),
        (dict(network="cnn"), "network"),
        (dict(sample_steps=0), "sample_steps"),
        (dict(euler_steps=0), "sample_steps"),  # the old name, still read
        (dict(network="unet", data_shape=(2,)), "even sides"),
        (dict(network="unet", data_shape=(7, 8)), "even sides"),
        (dict(network="unet", hidden=12), "multiple of 8"),
    ],
)
def test_config_errors_name_the_field(kwargs, message):
    with pytest.raises((ValueError, TypeError), match=message):
        FlowConfig(**kwargs)


def test_config_from_json_list():
    assert FlowConfig(data_shape=[8, 8]).data_shape == (8, 8)


def test_input_errors():
    model = FlowMatching(FlowConfig(num_classes=10, **SMALL))
    with pytest.raises(ValueError, match="shape"):
        model.loss((torch.zeros(3, 64), torch.zeros(3, dtype=torch.long)))
    with pytest.raises(ValueError, match="class-conditional"):
        model.loss(torch.zeros(3, 8, 8))
    with pytest.raises(ValueError, match="0..9"):
        model.sample(2, labels=10)
    with pytest.raises(TypeError, match="keyword"):
        model.sample(2, generator=7)
    with pytest.raises(ValueError, match="at most"):
        DDPM(FlowConfig(timesteps=10, **SMALL)).sample(2, steps=11)


@pytest.mark.parametrize("network", ["mlp", "unet"])
@pytest.mark.parametrize("cls", [FlowMatching, DDPM])
def test_meta_device_check(cls, network):
    """Every tensor the model creates follows its device: under a 'meta' default device,
    any tensor made without device= would land on meta and fail when mixed with CPU ones."""
    model = cls(FlowConfig(num_classes=10, timesteps=20, network=network, **SMALL))
    x, y = torch.rand(4, 8, 8) * 2 - 1, torch.arange(4)
    torch.set_default_device("meta")
    try:
        loss = model.loss((x, y))
        loss.backward()
        out = model.sample(3, labels=1, steps=3, guidance=1.0)
        gen_out = model.sample(3, steps=2, generator=torch.Generator().manual_seed(0))
    finally:
        torch.set_default_device("cpu")
    assert loss.device.type == "cpu" and out.device.type == "cpu" and gen_out.device.type == "cpu"
    assert torch.isfinite(out).all()


def test_generator_on_the_wrong_device_is_named():
    model = FlowMatching(FlowConfig(**SMALL))
    model.to("meta")
    with pytest.raises(ValueError, match="generator is on cpu"):
        model.sample(2, generator=torch.Generator().manual_seed(0))


def test_bench_rows_use_the_settings_chosen_at_training():
    # imported first, alone: it once met a half-loaded quality.py (a circular import)
    from genai_course.bench.quality_flow import flow_samples, sampling_settings, speed_rows
    from genai_course.data import load_digits

    model = FlowMatching(FlowConfig(num_classes=10, **SMALL)).eval()
    model.pretrained_metadata = {"settings": {"solver": "heun", "steps": 3, "guidance": 0.5}}
    assert sampling_settings(model) == {"solver": "heun", "steps": 3, "guidance": 0.5}
    data = load_digits("symmetric")
    out = flow_samples(model, 12, data.y_train)
    g = torch.Generator().manual_seed(0)
    labels = data.y_train[torch.randint(len(data.y_train), (12,), generator=g)]
    expected = model.sample(12, labels=labels, generator=g, steps=3, solver="heun", guidance=0.5)
    assert torch.equal(out, expected)
    rows = speed_rows(model, data, quick=True)
    assert [r.measure.split(" at ")[1].split(" step")[0] for r in rows] == [
        "1 Euler",
        "5 Euler",
        "5 Heun",
    ]
    assert [r.note.split(" network")[0] for r in rows] == ["1", "5", "9"]
    assert all(r.value > 0 and "Fréchet distance" in r.note for r in rows)
    # metadata written before Heun's solver was a candidate still reads
    model.pretrained_metadata = {"settings": {"euler_steps": 7, "guidance": 0.0}}
    assert sampling_settings(model) == {"solver": "euler", "steps": 7, "guidance": 0.0}


def test_the_flow_recipe_keeps_the_best_checkpoint_that_does_not_copy():
    from genai_course.recipes.digits_flow import best_allowed

    checks = [
        {"step": 2000, "fd": 30.0, "near_copies": 0.00},
        {"step": 4000, "fd": 25.0, "near_copies": 0.08},
        {"step": 6000, "fd": 18.0, "near_copies": 0.30},  # closest, but a memoriser
        {"step": 8000, "fd": 26.0, "near_copies": 0.10},  # exactly at the limit: allowed
    ]
    assert best_allowed(checks, 0.10)["step"] == 4000
    assert best_allowed(checks, 0.5)["step"] == 6000
    assert best_allowed(checks, 0.0)["step"] == 2000
    assert best_allowed(checks[2:3], 0.10) is None


def test_the_memorisation_guard_draws_the_same_noise_at_every_check(monkeypatch):
    """Common random numbers: two checks of the same weights at different steps give the
    same figures, so the guard compares checkpoints, not luck."""
    from genai_course.recipes import digits_flow as recipe

    monkeypatch.setattr(recipe, "CHECK_EVERY", 5)
    monkeypatch.setattr(recipe, "CHECK_SAMPLES", 1)
    x_fit, y_fit, x_val, _ = recipe.split(0)
    model = recipe.build({**recipe.CONFIG, "network": "mlp", "hidden": 16, "layers": 2})
    ema = recipe.EMACallback(model, 0.0)  # decay 0: the shadow is the weights themselves
    guard = recipe.MemorisationGuard(ema, x_fit, x_val[:40], y_fit)
    guard(3, {}, model)  # not a check step
    guard(5, {}, model)
    guard(10, {}, model)
    first, second = guard.checks
    assert (first["step"], second["step"]) == (5, 10)
    assert first["fd"] == second["fd"] and first["near_copies"] == second["near_copies"]
    assert guard.chosen() is first  # ties keep the earlier checkpoint


def test_sample_takes_its_default_steps_from_the_config():
    assert FlowConfig(euler_steps=4).sample_steps == 4  # configs saved under the old name load
    model = FlowMatching(FlowConfig(sample_steps=3, **SMALL))
    _, path = model.sample(2, return_path=True)
    assert len(path) == 4  # the noise and 3 Euler steps
    _, path = model.sample(2, steps=5, return_path=True)
    assert len(path) == 6


def test_the_shipped_flow_samples_with_the_steps_chosen_on_validation():
    from genai_course.pretrained import load_pretrained

    flow = load_pretrained("digits-flow")
    chosen = flow.pretrained_metadata["settings"]
    assert (flow.config.sample_steps, flow.config.solver) == (chosen["steps"], chosen["solver"])
    _, path = flow.sample(2, labels=3, return_path=True)
    assert len(path) == chosen["steps"] + 1


def test_the_validation_floor_is_what_real_training_digits_score(monkeypatch):
    """What real digits score in a guard check: new real digits land near it, blurred
    digits (a plausible bad flow) far above it."""
    from genai_course.data import load_digits
    from genai_course.metrics.images import frechet_digit_distance
    from genai_course.recipes import digits_flow as recipe

    monkeypatch.setattr(recipe, "CHECK_SAMPLES", 1)
    x_fit, _, x_val, _ = recipe.split(0)
    draws = recipe.validation_floor_draws(x_fit, x_val, draws=2)
    assert draws == recipe.validation_floor_draws(x_fit, x_val, draws=2)  # the same every time
    assert draws[0] != draws[1]  # each draw takes other digits
    floor = recipe.validation_floor(x_fit, x_val, draws=2)
    assert floor == pytest.approx(sum(draws) / 2)
    blurred = torch.nn.functional.avg_pool2d(x_fit[: len(x_val)].unsqueeze(1), 3, 1, 1)
    assert frechet_digit_distance(blurred.squeeze(1), x_val, "symmetric") > 2 * floor
    new_digits = load_digits("symmetric").x_test[: len(x_val)]
    real_new = frechet_digit_distance(new_digits, x_val, "symmetric")
    assert 0.8 * floor < real_new < 1.25 * floor  # new real digits land near it (no repeats)
    monkeypatch.setattr(recipe, "CHECK_SAMPLES", 10)  # more samples than training digits
    with pytest.raises(ValueError, match="CHECK_SAMPLES"):
        recipe.validation_floor(x_fit, x_val)
    with pytest.raises(ValueError, match="draws"):
        recipe.validation_floor_draws(x_fit, x_val, draws=0)


def test_choose_settings_takes_the_cheapest_sampler_near_the_best(monkeypatch):
    """Every setting is scored on the same draws, and the sampler with the fewest network
    calls within SAMPLER_TOLERANCE of the best distance wins; then the guidance weight."""
    from genai_course.recipes import digits_flow

    fd = {("euler", 5): 20.0, ("euler", 10): 17.2, ("euler", 20): 16.3, ("euler", 50): 15.9}
    fd |= {("heun", 5): 16.3, ("heun", 10): 15.8, ("heun", 20): 15.75}
    seen = []

    def fake_measure(model, reference, pool, n, *, steps, solver="euler", guidance=0.0, seed=0):
        seen.append((solver, steps, guidance, seed, n))
        luck = (1.0, 3.0, -1.0, 0.0)[seed]  # the same luck for every setting
        accuracy = 0.97 if guidance == 0 else 0.99
        return {"fd": fd[solver, steps] + luck + 10 * guidance, "accuracy": accuracy}

    monkeypatch.setattr(digits_flow, "measure", fake_measure)
    x_val = torch.zeros(5, 8, 8)
    chosen = digits_flow.choose_settings(None, x_val, torch.arange(10))
    # best 15.75 (+0.75 luck): within 2% are Heun 10 (19 calls), Heun 20, Euler 50 (50 calls)
    assert (chosen["solver"], chosen["steps"]) == ("heun", 10)
    assert chosen["validation_fd_by_sampler"]["heun 10"] == pytest.approx(15.8 + 0.75)
    assert chosen["guidance"] == 0.0  # every weight reads >= 95%; w = 0 has the lowest distance
    assert {s[3] for s in seen} == set(range(digits_flow.SETTING_SEEDS))
    assert {s[4] for s in seen} == {digits_flow.CHECK_SAMPLES * 5}
    # a looser tolerance would take Heun 5 (9 calls), 3.2% behind the best
    monkeypatch.setattr(digits_flow, "SAMPLER_TOLERANCE", 0.05)
    chosen = digits_flow.choose_settings(None, x_val, torch.arange(10))
    assert (chosen["solver"], chosen["steps"]) == ("heun", 5)
    # the cost is network calls, not steps: 6 Heun steps (11 calls) lose to 10 Euler steps
    fd |= {("heun", 6): 17.0}
    monkeypatch.setattr(digits_flow, "SAMPLERS", (("heun", 6), ("euler", 10)))
    chosen = digits_flow.choose_settings(None, x_val, torch.arange(10))
    assert (chosen["solver"], chosen["steps"]) == ("euler", 10)


def test_the_recipe_chooses_on_validation_then_refits_on_every_training_digit(monkeypatch):
    """Two runs: the selection run trains on the 85% slice and its guard picks the step;
    the shipped weights train on all training digits for exactly that many steps, and the
    metadata says which digits each run saw."""
    from genai_course.data import fingerprint, load_digits
    from genai_course.recipes import digits_flow as recipe

    runs = []

    def recording_fit(model, data, *, steps, **kwargs):
        runs.append((len(data[0]), steps))
        return fit(model, data, steps=steps, **kwargs)

    monkeypatch.setattr(recipe, "fit", recording_fit)
    monkeypatch.setattr(recipe, "CHECK_EVERY", 4)
    monkeypatch.setattr(recipe, "CHECK_SAMPLES", 1)
    monkeypatch.setattr(recipe, "best_allowed", lambda checks: checks[0])  # keeps step 4
    monkeypatch.setattr(recipe, "SAMPLERS", (("euler", 2),))
    monkeypatch.setattr(recipe, "GUIDANCE", (0.0,))
    monkeypatch.setattr(recipe, "SETTING_SEEDS", 1)
    tiny = {**recipe.CONFIG, "network": "mlp", "hidden": 16, "layers": 1}
    model, meta = recipe.train(seed=0, progress=False, steps=12, config=tiny)

    x_fit, _, x_val, _ = recipe.split(0)
    x_train = load_digits("symmetric").x_train
    chosen = meta["selection"]["selected_step"]
    assert [c["step"] for c in meta["selection"]["validation_checks"]] == [4, 8, 12]
    assert chosen == 4 and runs == [(len(x_fit), 12), (len(x_train), 4)]
    assert meta["steps"] == chosen == model.steps_trained
    assert meta["training_digits"] == len(x_train) == len(x_fit) + len(x_val)
    assert meta["data_fingerprint"] == fingerprint(x_train)
    assert meta["selection"]["data_fingerprint"] == fingerprint(x_fit)
    assert (model.config.solver, model.config.sample_steps) == ("euler", 2)
    assert 0 <= meta["metrics"]["test_near_copies"] <= 1
