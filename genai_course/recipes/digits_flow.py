"""A class-conditional flow-matching model on the digits (lesson 04's shipped flow).

Two runs. A selection run trains on the training digits minus a validation slice (15%,
stratified); on that slice it picks the number of training steps (the best checkpoint
that does not copy, :class:`MemorisationGuard`) and the sampling settings (the ODE
solver and its number of steps, the guidance weight for the "guided" figure). The
shipped weights then train again on every training digit for that many steps
(:func:`refit`), and the figures in the metadata are measured on the test split, which
nothing was chosen on. Weights are an exponential moving average of the
training weights (decay ``EMA``), as in Ho et al. (2020): the average of the last few
thousand steps makes cleaner samples than the last step alone.

The network is a small U-Net (:mod:`genai_course.models.unet`), not the residual MLP:
chosen on validation digits, where at 20 Euler steps its kept checkpoint scored a
Fréchet distance of 21.9 against the MLP's 25.7 (512 x 4, 30,000 steps, checkpoint kept
at step 8,000) and made fewer near-copies on the way.

Judged as lesson 05 judges every family: the Fréchet distance between the digit
classifier's features of samples and of test digits, at the sample size of the bench
(as many samples as training images, labels drawn from the training mix), against the
real-vs-real floor measured the same way; and how often guided samples read as the
digit asked for.
"""

from __future__ import annotations

import copy
import time
from dataclasses import asdict

import torch

from genai_course.data import fingerprint, load_digits
from genai_course.models.flow import FlowConfig, FlowMatching
from genai_course.training import fit
from genai_course.validation import check_positive_int

NAME = "digits-flow"
CARD = {
    "dataset": "digits",
    "intended": "Teaching: flow matching, Euler sampling and classifier-free guidance (lessons 04 and 05).",
    "factors": "Only 8x8 digits in the handwriting styles of 13 writers; trained on the whole training split, for the number of steps and with the sampling settings that a first run on 85% of it chose on the other 15%.",
    "ethics": "Check samples for near-copies of training images before calling them new; strong guidance narrows the styles it draws.",
    "caveats": "Quality depends on the ODE solver, its number of steps and the guidance weight: report all three with any figure. Trained longer, the flow copies its training digits; its number of steps is that of the selection run's best checkpoint on validation with no more near-copies there than the recipe allows (max_near_copies in the metadata), and some samples may still be near-copies: the metrics and the bench measure their share against real new digits'.",
}
VALUE_SCALE = "symmetric"  # images in [-1, 1], like the GAN
DESCRIPTION = (
    "Class-conditional flow matching (a small U-Net: 32 channels at 8x8, 64 at 4x4, 2 "
    "residual blocks per stretch, each told the time and the label; label dropout 0.1 for "
    "classifier-free guidance; EMA weights) on symmetric-scale digits."
)
CONFIG = {
    "data_shape": (8, 8),
    "network": "unet",
    "hidden": 32,
    "layers": 2,
    "num_classes": 10,
    "label_dropout": 0.1,
    "value_scale": "symmetric",
}
STEPS = 8000
BATCH_SIZE = 128
LR = 1e-3
EMA = 0.999
VALIDATION_FRACTION = 0.15
SAMPLERS = (  # candidates for the default ODE solver and number of steps
    ("euler", 5),
    ("euler", 10),
    ("euler", 20),
    ("euler", 50),
    ("heun", 5),
    ("heun", 10),
    ("heun", 20),
)
SAMPLER_TOLERANCE = 0.02  # the cheapest sampler within 2% of the best validation distance
SETTING_SEEDS = 4  # each setting is scored on 4 draws, the same 4 for every setting
GUIDANCE = (0.0, 0.25, 0.5, 1.0, 2.0)  # candidates for the guidance weight
TARGET_ACCURACY = 0.95
CHECK_EVERY = 1000  # validation check of the EMA weights (early stopping against memorisation)
CHECK_SAMPLES = 4  # each check draws this many samples per validation digit
MAX_NEAR_COPIES = 0.10  # at most twice the 5% of real held-out digits: no memoriser ships


def build(config: dict) -> FlowMatching:
    return FlowMatching(FlowConfig(**config))


def split(seed: int = 0):
    """(train images, train labels, validation images, validation labels), stratified."""
    from sklearn.model_selection import train_test_split

    data = load_digits("symmetric")
    index = torch.arange(len(data.x_train)).numpy()
    fit_idx, val_idx = train_test_split(
        index, test_size=VALIDATION_FRACTION, stratify=data.y_train.numpy(), random_state=seed
    )
    fit_idx, val_idx = torch.as_tensor(fit_idx), torch.as_tensor(val_idx)
    return (
        data.x_train[fit_idx],
        data.y_train[fit_idx],
        data.x_train[val_idx],
        data.y_train[val_idx],
    )


def noise_generator(cpu_generator: torch.Generator, model, seed: int) -> torch.Generator:
    """The generator for the model's noise: the CPU one that drew the labels (so the shipped
    figures reproduce), or a new one on the model's device (a GPU)."""
    if model.device.type == "cpu":
        return cpu_generator
    return torch.Generator(device=model.device).manual_seed(seed)


@torch.no_grad()
def measure(
    model: FlowMatching,
    reference: torch.Tensor,
    label_pool: torch.Tensor,
    n: int,
    *,
    steps: int,
    solver: str = "euler",
    guidance: float = 0.0,
    seed: int = 0,
    training: torch.Tensor | None = None,
) -> dict:
    """Fréchet distance of n samples to ``reference`` and their class accuracy (labels from
    the pool); given the ``training`` digits, also the share of near-copies of them (closer
    to a training digit than 95% of the ``reference`` digits are)."""
    from genai_course.metrics.images import classify_digits, frechet_digit_distance, image_novelty

    g = torch.Generator().manual_seed(seed)
    labels = label_pool[torch.randint(len(label_pool), (n,), generator=g)]
    noise = noise_generator(g, model, seed)
    samples = model.sample(
        n, labels=labels, generator=noise, steps=steps, solver=solver, guidance=guidance
    )
    accuracy = float((classify_digits(samples, "symmetric") == labels).float().mean())
    measured = {"fd": frechet_digit_distance(samples, reference, "symmetric"), "accuracy": accuracy}
    if training is not None:
        novelty = image_novelty(samples, training, reference, scale="symmetric")
        measured["near_copies"] = novelty.near_copy_fraction
    return measured


def mean_measure(model, reference, label_pool, n, seeds: int = SETTING_SEEDS, **settings) -> dict:
    """:func:`measure` averaged over draws 0 .. seeds - 1. Every setting gets the same draws
    (common random numbers), so two settings differ by the setting, not by luck: on the
    216 validation digits one draw's distance moves by about 2 from seed to seed, while
    two samplers' distances on the same draw differ by a steady amount."""
    runs = [measure(model, reference, label_pool, n, seed=s, **settings) for s in range(seeds)]
    return {key: sum(r[key] for r in runs) / len(runs) for key in ("fd", "accuracy")}


def choose_settings(model: FlowMatching, x_val, y_train) -> dict:
    """On validation digits: the sampler (solver and steps) with the fewest network calls
    within ``SAMPLER_TOLERANCE`` of the best Fréchet distance (without guidance), then the
    guidance weight with the lowest Fréchet distance among those whose samples read as the
    asked digit >= 95% of the time."""
    from genai_course.models.flow import network_calls

    n = CHECK_SAMPLES * len(x_val)
    by_sampler = {
        (solver, steps): mean_measure(model, x_val, y_train, n, solver=solver, steps=steps)["fd"]
        for solver, steps in SAMPLERS
    }
    best = min(by_sampler.values())
    solver, steps = min(
        (k for k, fd in by_sampler.items() if fd <= (1 + SAMPLER_TOLERANCE) * best),
        key=lambda k: (network_calls(*k), by_sampler[k]),
    )
    by_w = {
        w: mean_measure(model, x_val, y_train, n, solver=solver, steps=steps, guidance=w)
        for w in GUIDANCE
    }
    good = [w for w, m in by_w.items() if m["accuracy"] >= TARGET_ACCURACY]
    guidance = (
        min(good, key=lambda w: by_w[w]["fd"])
        if good
        else max(GUIDANCE, key=lambda w: by_w[w]["accuracy"])
    )
    return {
        "solver": solver,
        "steps": steps,
        "guidance": guidance,
        "validation_samples": n,
        "validation_draws": SETTING_SEEDS,
        "validation_fd_by_sampler": {f"{k[0]} {k[1]}": round(v, 3) for k, v in by_sampler.items()},
        "validation_by_guidance": {
            str(w): {k: round(v, 4) for k, v in m.items()} for w, m in by_w.items()
        },
    }


class MemorisationGuard:
    """Early stopping against memorisation, on validation digits only.

    Every ``CHECK_EVERY`` steps the EMA weights sample ``CHECK_SAMPLES`` times as many
    digits as the validation set holds; we measure their Fréchet distance to the validation
    digits and their near-copy fraction (how often a sample lies closer to a training image
    than 95% of validation digits do, :func:`genai_course.metrics.images.image_novelty`).
    Trained long enough, a flow learns its 1,221 training images themselves (the exact
    minimiser of the flow-matching loss on a finite set reproduces it): the distance falls,
    then levels off, while the copies climb. The checkpoint :func:`best_allowed` picks
    sets how many steps the shipped weights train for (:func:`refit`), and its weights
    choose the sampling settings.
    """

    def __init__(self, ema, x_fit, x_val, y_fit):
        self.ema, self.x_fit, self.x_val, self.y_fit = ema, x_fit, x_val, y_fit
        self.checks: list[dict] = []
        self.best_state = None

    def __call__(self, step, logs, model):
        if step % CHECK_EVERY:
            return
        from genai_course.metrics.images import frechet_digit_distance, image_novelty

        probe = copy.deepcopy(model)
        probe.load_state_dict(self.ema.shadow)
        probe.eval()
        # The same labels and starting noise at every check ("common random numbers"):
        # the checks then differ by the weights only, not by the luck of the draw.
        g = torch.Generator().manual_seed(0)  # draws the labels, from CPU data
        n = CHECK_SAMPLES * len(self.x_val)
        labels = self.y_fit[torch.randint(len(self.y_fit), (n,), generator=g)]
        samples = probe.sample(n, labels=labels, generator=noise_generator(g, probe, 0), steps=20)
        check = {
            "step": step,
            "fd": round(frechet_digit_distance(samples, self.x_val, "symmetric"), 3),
            "near_copies": round(
                image_novelty(
                    samples, self.x_fit, self.x_val, scale="symmetric"
                ).near_copy_fraction,
                4,
            ),
        }
        self.checks.append(check)
        if best_allowed(self.checks) is check:
            self.best_state = copy.deepcopy(self.ema.shadow)

    def chosen(self) -> dict:
        if not self.checks:
            raise ValueError(
                f"No validation check ran: train for at least CHECK_EVERY = {CHECK_EVERY} steps."
            )
        best = best_allowed(self.checks)
        if best is None:
            raise RuntimeError(
                f"Every checkpoint made more than {MAX_NEAR_COPIES:.0%} near-copies: "
                "check more often (CHECK_EVERY) or from earlier in training."
            )
        return best


@torch.no_grad()
def validation_floor_draws(x_fit, x_val, draws: int = 10) -> list[float]:
    """The Fréchet distance real digits score in a guard check, once per draw: each draw
    takes ``CHECK_SAMPLES`` times as many training digits as the validation set holds, at
    random and without repeats (repeats would shrink the sample and raise the distance),
    and scores them against the validation digits.

    With so few validation digits this level is high (about twice the test split's) and it
    varies from draw to draw about as much as one check of the flow does: read a check
    against the spread of these draws, not against zero.
    """
    from genai_course.metrics.images import digit_features, frechet_distance

    draws = check_positive_int("draws", draws)
    n = CHECK_SAMPLES * len(x_val)
    if n > len(x_fit):
        raise ValueError(
            f"A check draws {n} samples, more than the {len(x_fit)} training digits: "
            "lower CHECK_SAMPLES or use fewer validation digits."
        )
    fit_features = digit_features(x_fit, "symmetric")  # once: each draw picks rows of it
    val_features = digit_features(x_val, "symmetric")
    fds = []
    for seed in range(draws):
        g = torch.Generator().manual_seed(seed)
        chosen = torch.randperm(len(x_fit), generator=g)[:n]
        fds.append(frechet_distance(fit_features[chosen], val_features))
    return fds


def validation_floor(x_fit, x_val, draws: int = 10) -> float:
    """The mean of :func:`validation_floor_draws`: the level a guard check can come down to.

    The gap between a check and it is what the flow still lacks; a copier closes it, which
    is why the near-copy share is checked too.
    """
    fds = validation_floor_draws(x_fit, x_val, draws)
    return sum(fds) / len(fds)


def best_allowed(checks: list[dict], max_near_copies: float = MAX_NEAR_COPIES) -> dict | None:
    """The check with the lowest Fréchet distance among those with at most
    ``max_near_copies`` near-copies (None when every check copies more)."""
    allowed = [c for c in checks if c["near_copies"] <= max_near_copies]
    return min(allowed, key=lambda c: c["fd"]) if allowed else None


def sampling_settings(model) -> dict:
    """The solver, steps and guidance weight chosen on validation digits when ``model`` was
    trained, from its metadata (older metadata says ``euler_steps``, from before Heun's
    solver was a candidate; none at all gives 20 Euler steps without guidance)."""
    chosen = (getattr(model, "pretrained_metadata", None) or {}).get("settings", {})
    return {
        "solver": str(chosen.get("solver", "euler")),
        "steps": int(chosen.get("steps", chosen.get("euler_steps", 20))),
        "guidance": float(chosen.get("guidance", 0.0)),
    }


@torch.no_grad()
def evaluate(model: FlowMatching) -> dict:
    """Test figures at the bench's sample size, with the settings stored in the metadata."""
    from genai_course.bench.quality import real_floor

    settings = sampling_settings(model)
    model.eval()
    data = load_digits("symmetric")
    n = len(data.x_train)
    sampler = {"solver": settings["solver"], "steps": settings["steps"]}
    plain = measure(model, data.x_test, data.y_train, n, training=data.x_train, **sampler)
    guided = (  # w = 0 is the plain model: the same draws give the same samples
        plain
        if settings["guidance"] == 0
        else measure(model, data.x_test, data.y_train, n, guidance=settings["guidance"], **sampler)
    )
    floor = real_floor("symmetric", data)["fd"]
    return {
        "test_fd": round(plain["fd"], 3),
        "test_fd_floor": round(floor, 3),
        "test_fd_ratio_to_floor": round(plain["fd"] / floor, 3),
        "test_label_accuracy": round(plain["accuracy"], 4),
        "test_near_copies": round(plain["near_copies"], 4),  # real new digits: 5% by design
        "test_guided_fd": round(guided["fd"], 3),
        "test_guided_label_accuracy": round(guided["accuracy"], 4),
        "samples": n,
    }


class EMACallback:
    """Keep an exponential moving average of the weights (the guard checks and keeps it)."""

    def __init__(self, model: torch.nn.Module, decay: float):
        self.decay = decay
        self.shadow = copy.deepcopy(model.state_dict())

    def __call__(self, step, logs, model):
        with torch.no_grad():
            for name, value in model.state_dict().items():
                if value.is_floating_point():
                    self.shadow[name].mul_(self.decay).add_(value, alpha=1 - self.decay)


def fit_with_ema(model, ema, data, *, seed: int, steps: int, progress, description, callbacks=()):
    """One run of the recipe's training (its batch size and learning rate), keeping the EMA
    weights up to date; returns the CPU seconds it took."""
    cpu = time.process_time()
    fit(
        model,
        data,
        steps=steps,
        batch_size=BATCH_SIZE,
        lr=LR,
        seed=seed,
        progress=progress,
        callbacks=[ema, *callbacks],
        description=description,
    )
    return time.process_time() - cpu


def train_with_guard(x_fit, y_fit, x_val, *, seed: int, steps: int, config: dict, progress=True):
    """The selection run: train on ``x_fit`` for ``steps`` steps, checking the EMA weights on
    the validation digits; return the kept weights' model, the guard and the CPU seconds."""
    torch.manual_seed(seed)
    model = build(config)
    ema = EMACallback(model, EMA)
    guard = MemorisationGuard(ema, x_fit, x_val, y_fit)
    share = f"{1 - VALIDATION_FRACTION:.0%}"
    cpu = fit_with_ema(
        model,
        ema,
        (x_fit, y_fit),
        seed=seed,
        steps=steps,
        progress=progress,
        description=f"digits flow, selection run ({share} of the training digits)",
        callbacks=[guard],
    )
    chosen = guard.chosen()
    model.load_state_dict(guard.best_state)
    model.steps_trained = chosen["step"]
    model.eval()
    return model, guard, cpu


def refit(x, y, *, seed: int, steps: int, config: dict, progress=True):
    """Train again from scratch on every training digit for the ``steps`` the selection run
    chose, with the same seed and recipe; return the EMA weights' model and the CPU seconds.

    Nothing is left to check this run against, so nothing is chosen in it: its length was
    fixed beforehand (the number of updates, as in Goodfellow, Bengio & Courville 2016,
    section 7.8, algorithm 7.2). The validation digits are 15% of the data the flow
    learns from, and with so few digits every one of them helps: as many exact copies of
    the 1,221 selection digits (drawn with repeats) as there are training digits score a
    higher Fréchet distance to the test digits than the 1,437 training digits do."""
    torch.manual_seed(seed)
    model = build(config)
    ema = EMACallback(model, EMA)
    cpu = fit_with_ema(
        model,
        ema,
        (x, y),
        seed=seed,
        steps=steps,
        progress=progress,
        description="digits flow, refit on every training digit",
    )
    model.load_state_dict(ema.shadow)
    model.eval()
    return model, cpu


def train(seed: int = 0, progress: bool = True, *, steps: int = STEPS, config: dict | None = None):
    """Choose on validation, then refit: a selection run on 85% of the training digits picks
    the number of steps (:class:`MemorisationGuard`) and the sampling settings
    (:func:`choose_settings`); the shipped weights are a run of that many steps on all of
    them (:func:`refit`), measured on the test split."""
    config = config or CONFIG
    x_fit, y_fit, x_val, _ = split(seed)
    chooser, guard, selection_cpu = train_with_guard(
        x_fit, y_fit, x_val, seed=seed, steps=steps, config=config, progress=progress
    )
    chosen = guard.chosen()
    settings = choose_settings(chooser, x_val, y_fit)
    data = load_digits("symmetric")
    model, refit_cpu = refit(
        data.x_train,
        data.y_train,
        seed=seed,
        steps=chosen["step"],
        config=config,
        progress=progress,
    )
    model.steps_trained = chosen["step"]
    model.config.sample_steps = settings["steps"]  # sample()'s defaults from now on
    model.config.solver = settings["solver"]
    model.pretrained_metadata = {"settings": settings}
    return model, {
        "config": asdict(model.config),
        "data_fingerprint": fingerprint(data.x_train),
        "training_digits": len(data.x_train),
        "steps": chosen["step"],
        "train_cpu_seconds": round(refit_cpu, 1),
        "selection": {
            "training_digits": len(x_fit),
            "validation_digits": len(x_val),
            "data_fingerprint": fingerprint(x_fit),
            "steps": steps,
            "selected_step": chosen["step"],
            "validation_checks": guard.checks,
            "train_cpu_seconds": round(selection_cpu, 1),
        },
        "max_near_copies": MAX_NEAR_COPIES,
        "batch_size": BATCH_SIZE,
        "lr": LR,
        "ema": EMA,
        "validation_fraction": VALIDATION_FRACTION,
        "settings": settings,
        "judge": "the shipped digits-classifier",
        "metrics": evaluate(model),
    }
