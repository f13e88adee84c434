"""How cost grows with the work: time per training step and per sampling call, against
model width, sequence length and image side.

The lessons claim, for instance, that a recurrent model's cost grows linearly with the
sequence length, that a wider layer costs about the square of its width, and that an
autoregressive image model pays one network pass per pixel. Here those claims are
measured: a few sizes per axis, each timed as the median of several repetitions (the
median shrugs off a repetition slowed by other programs), plus the growth exponent ``k``
of ``time ~ size^k`` fitted through the points on a log-log scale.

Models are built untrained (timing does not depend on the weights) in the same classes
the course uses, with random inputs of the right shape.
"""

from __future__ import annotations

import math
import statistics
import time
import warnings
from collections.abc import Callable
from dataclasses import asdict, dataclass

import torch

from genai_course.validation import check_positive_int


@dataclass
class ScalingPoint:
    """Medians in milliseconds: wall time, and CPU time of this process (all its threads)."""

    model: str
    axis: str
    size: int
    train_step_ms: float | None
    sample_ms: float | None
    sample_what: str
    train_step_cpu_ms: float | None = None
    sample_cpu_ms: float | None = None

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Timing:
    wall_s: float
    cpu_s: float


def median_seconds(
    fn: Callable[[], object], *, repeats: int = 5, warmup: int = 1, min_block_s: float = 0.02
) -> Timing:
    """Median wall and CPU time of one ``fn()`` call over ``repeats`` timed blocks.

    The ``warmup`` calls (at least one; first calls pay for memory allocation) are not
    counted; the last of them sizes the blocks: calls too quick to time alone are grouped
    into blocks of at least ``min_block_s``, and each block's time is divided by its calls.
    """
    repeats = check_positive_int("repeats", repeats)
    once = 0.0
    for _ in range(max(1, warmup)):
        start = time.perf_counter()
        fn()
        once = time.perf_counter() - start
    inner = max(1, math.ceil(min_block_s / max(once, 1e-6)))
    walls, cpus = [], []
    for _ in range(repeats):
        wall0, cpu0 = time.perf_counter(), time.process_time()
        for _ in range(inner):
            fn()
        walls.append((time.perf_counter() - wall0) / inner)
        cpus.append((time.process_time() - cpu0) / inner)
    return Timing(statistics.median(walls), statistics.median(cpus))


def growth_exponent(sizes, times) -> float | None:
    """Least-squares slope of log(time) against log(size): time ~ size^slope."""
    pairs = [
        (math.log(s), math.log(t))
        for s, t in zip(sizes, times, strict=True)
        if t and t > 0 and s > 0
    ]
    if len(pairs) < 2:
        return None
    mx = sum(x for x, _ in pairs) / len(pairs)
    my = sum(y for _, y in pairs) / len(pairs)
    sxx = sum((x - mx) ** 2 for x, _ in pairs)
    if sxx == 0:
        return None
    return sum((x - mx) * (y - my) for x, y in pairs) / sxx


def _train_step_fn(model: torch.nn.Module, batch) -> Callable[[], None]:
    """One optimisation step exactly as ``fit`` takes it (custom ``train_step`` or Adam on loss)."""
    from genai_course.training import standard_step

    model.train()
    if hasattr(model, "train_step"):
        optimizers = model.make_optimizers(1e-4)
        return lambda: model.train_step(batch, optimizers)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-4)
    return lambda: standard_step(model, batch, optimizer)


def _point(
    model_name, axis, size, model, batch, sample: Callable[[], object], sample_what, repeats
) -> ScalingPoint:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        train = median_seconds(_train_step_fn(model, batch), repeats=repeats)
    model.eval()
    with torch.no_grad():
        sampled = median_seconds(sample, repeats=repeats)
    return ScalingPoint(
        model_name,
        axis,
        size,
        _ms(train.wall_s),
        _ms(sampled.wall_s),
        sample_what,
        _ms(train.cpu_s),
        _ms(sampled.cpu_s),
    )


def _ms(seconds: float) -> float:
    return float(f"{seconds * 1e3:.3g}")


# ----- the axes ---------------------------------------------------------------------------
VOCAB = 96  # about the size of the char model's vocabulary


def gru_width(
    widths, *, repeats: int = 5, seq_len: int = 128, batch: int = 32
) -> list[ScalingPoint]:
    """Char GRU: hidden units. Cost per step ~ width^2 once the recurrent matrix dominates."""
    from genai_course.models.recurrent import RecurrentLM, RNNConfig

    points = []
    for width in widths:
        torch.manual_seed(0)
        model = RecurrentLM(RNNConfig(VOCAB, hidden=width))
        x = torch.randint(VOCAB, (batch, seq_len))
        points.append(
            _point(
                "char GRU",
                "width (hidden units)",
                width,
                model,
                (x, x),
                lambda m=model: m.generate(torch.zeros(1, 1, dtype=torch.long), 200),
                "200 characters",
                repeats,
            )
        )
    return points


def gru_length(
    lengths, *, repeats: int = 5, width: int = 256, batch: int = 32
) -> list[ScalingPoint]:
    """Char GRU: sequence length. A recurrent model reads one token after another: ~ length^1."""
    from genai_course.models.recurrent import RecurrentLM, RNNConfig

    torch.manual_seed(0)
    model = RecurrentLM(RNNConfig(VOCAB, hidden=width))
    prompt = torch.zeros(1, 1, dtype=torch.long)
    points = []
    for length in lengths:
        x = torch.randint(VOCAB, (batch, length))
        points.append(
            _point(
                "char GRU",
                "sequence length (characters)",
                length,
                model,
                (x, x),
                lambda n=length: model.generate(prompt, n),
                "sequence of that length",
                repeats,
            )
        )
    return points


def transformer_length(lengths, *, repeats: int = 5, batch: int = 16) -> list[ScalingPoint]:
    """Small causal transformer: sequence length T. Attention compares every position with
    every earlier one, a T x T matrix per head, so it grows faster than linearly in T once
    it outweighs the per-position layers. Sampling is timed as 16 new tokens after a full
    context of T tokens (each new token reads all T)."""
    from genai_course.models.transformer import TransformerConfig, TransformerLM

    points = []
    for length in lengths:
        torch.manual_seed(0)
        model = TransformerLM(TransformerConfig(VOCAB, block_size=length))
        x = torch.randint(VOCAB, (batch, length))
        prompt = x[:1]
        points.append(
            _point(
                "transformer (2 layers, 128 wide)",
                "sequence length (characters)",
                length,
                model,
                (x, x),
                lambda m=model, p=prompt: m.generate(p, 16),
                "16 tokens after a full context",
                repeats,
            )
        )
    return points


def mlp_context(
    block_sizes, *, repeats: int = 5, seq_len: int = 128, batch: int = 32
) -> list[ScalingPoint]:
    """Fixed-context MLP language model (Bengio et al.): context length. Its input layer
    reads block_size x embed_dim numbers per position, so cost grows about linearly."""
    from genai_course.models.mlp_lm import MLPLM, MLPConfig

    points = []
    for block in block_sizes:
        torch.manual_seed(0)
        model = MLPLM(MLPConfig(VOCAB, block_size=block))
        x = torch.randint(VOCAB, (batch, seq_len))
        points.append(
            _point(
                "MLP LM",
                "context length (characters)",
                block,
                model,
                (x, x),
                lambda m=model: m.generate(torch.zeros(1, 1, dtype=torch.long), 100),
                "100 characters",
                repeats,
            )
        )
    return points


def gan_width(widths, *, repeats: int = 5, batch: int = 64) -> list[ScalingPoint]:
    """Digits GAN (MLPs): hidden width. Two hidden layers of width w cost ~ w^2 each."""
    from genai_course.models.gan import GAN, GANConfig

    points = []
    for width in widths:
        torch.manual_seed(0)
        model = GAN(GANConfig(data_shape=(8, 8), latent_dim=16, hidden=width, output="tanh"))
        x = torch.rand(batch, 8, 8) * 2 - 1
        points.append(
            _point(
                "GAN (MLP)",
                "width (hidden units)",
                width,
                model,
                x,
                lambda m=model: m.sample(64),
                "64 images",
                repeats,
            )
        )
    return points


def image_side(sides, *, repeats: int = 5, batch: int = 64) -> list[ScalingPoint]:
    """GAN and VAE (MLPs) against image side s: the input and output layers hold s^2 pixels."""
    from genai_course.models.gan import GAN, GANConfig
    from genai_course.models.vae import VAE, VAEConfig

    points = []
    for side in sides:
        torch.manual_seed(0)
        gan = GAN(GANConfig(data_shape=(side, side), latent_dim=16, hidden=128, output="tanh"))
        points.append(
            _point(
                "GAN (MLP)",
                "image side (pixels)",
                side,
                gan,
                torch.rand(batch, side, side) * 2 - 1,
                lambda m=gan: m.sample(64),
                "64 images",
                repeats,
            )
        )
        vae = VAE(VAEConfig(data_shape=(side, side), latent_dim=8, hidden=256))
        points.append(
            _point(
                "VAE (MLP)",
                "image side (pixels)",
                side,
                vae,
                torch.rand(batch, side, side),
                lambda m=vae: m.sample(64),
                "64 images",
                repeats,
            )
        )
    return points


def pixel_side(sides, *, repeats: int = 5, batch: int = 64) -> list[ScalingPoint]:
    """Pixel autoregressive model (MADE): training is one pass, sampling one pass per pixel
    (s^2 passes of a network whose input is s^2 wide), so sampling grows fastest of all."""
    from genai_course.models.pixel import PixelConfig, PixelMADE

    points = []
    for side in sides:
        torch.manual_seed(0)
        model = PixelMADE(PixelConfig(data_shape=(side, side)))
        x = (torch.rand(batch, side * side) > 0.5).float()
        points.append(
            _point(
                "pixel AR (MADE)",
                "image side (pixels)",
                side,
                model,
                x,
                lambda m=model: m.sample(16),
                "16 images",
                repeats,
            )
        )
    return points


GRIDS = {
    "full": {
        "gru_width": (64, 128, 256, 512),
        "gru_length": (32, 64, 128, 256),
        "transformer_length": (32, 64, 128, 256),
        "mlp_context": (4, 8, 16, 32),
        "gan_width": (64, 128, 256, 512),
        "image_side": (8, 16, 32),
        "pixel_side": (8, 12, 16),
    },
    "quick": {
        "gru_width": (64, 256),
        "gru_length": (32, 128),
        "transformer_length": (32, 128),
        "mlp_context": (4, 16),
        "gan_width": (64, 256),
        "image_side": (8, 16),
        "pixel_side": (8, 12),
    },
}


def run_scaling(
    *, quick: bool = False, threads: int = 1, repeats: int | None = None, log=print
) -> tuple[list[ScalingPoint], list[dict], list[str]]:
    """Every axis; returns (points, fitted exponents, errors)."""
    grid = GRIDS["quick" if quick else "full"]
    repeats = repeats or (3 if quick else 5)
    previous = torch.get_num_threads()
    torch.set_num_threads(threads)
    axes = [
        ("gru_width", gru_width),
        ("gru_length", gru_length),
        ("transformer_length", transformer_length),
        ("mlp_context", mlp_context),
        ("gan_width", gan_width),
        ("image_side", image_side),
        ("pixel_side", pixel_side),
    ]
    points, errors = [], []
    try:
        for key, function in axes:
            if log:
                log(f"  scaling: {key} {grid[key]}")
            try:
                points.extend(function(grid[key], repeats=repeats))
            except Exception as error:  # one broken axis must not lose the others
                errors.append(f"scaling {key}: {type(error).__name__}: {error}")
    finally:
        torch.set_num_threads(previous)
    return points, fits(points), errors


def fits(points: list[ScalingPoint]) -> list[dict]:
    groups: dict[tuple[str, str], list[ScalingPoint]] = {}
    for p in points:
        groups.setdefault((p.model, p.axis), []).append(p)
    out = []
    for (model, axis), group in groups.items():
        sizes = [p.size for p in group]
        # CPU time: much less disturbed than wall time by other programs on the machine
        train = growth_exponent(sizes, [p.train_step_cpu_ms for p in group])
        sample = growth_exponent(sizes, [p.sample_cpu_ms for p in group])
        out.append(
            {
                "model": model,
                "axis": axis,
                "train_exponent": None if train is None else round(train, 2),
                "sample_exponent": None if sample is None else round(sample, 2),
            }
        )
    return out
