"""Is each shipped model worth its parameters? Its quality next to a simple baseline.

A number such as "Fréchet distance 4.2" means nothing alone. So every model is scored
on held-out data *in the same run* as a baseline that a careful person would try first:

- image models (GAN, VAE, pixel model) against a **Gaussian mixture** fitted to the
  flattened training digits (10 diagonal bumps in 64 dimensions, started from k-means,
  sampled and clipped to the pixel range), and against **real versus real** (the same
  measure with real digits in place of samples: the best any model can hope for).
  Measures, from :mod:`genai_course.metrics.images`: the Fréchet distance between the
  digit classifier's features of the samples and of the held-out digits (primary; lower
  is better), the class mix (total variation from the training mix) and the near-copy
  fraction. A class-conditional model samples with labels drawn from the training mix.
  The pixel model also reports its own measure, held-out bits per pixel, against
  independent pixels;
- the character model against the **best smoothed n-gram** (order and smoothing chosen
  on the validation text itself, which favours the baseline): validation loss in nats/char;
- the music model against a **Markov chain** on the same tokens;
- lesson 00's mixture against a **single Gaussian** (test negative log-likelihood).

Each row gives the value, the baseline's value, their ratio (value / baseline) and
whether the model beats the baseline. A model that is not shipped yet gives a row saying
so instead of stopping the benchmark.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass

import torch


@dataclass
class QualityRow:
    model: str
    measure: str
    baseline: str
    higher_is_better: bool
    primary: bool = True
    value: float | None = None
    baseline_value: float | None = None
    floor: float | None = None  # real versus real, where it means something
    note: str = ""
    error: str = ""
    closer_to_floor: bool = False  # better = nearer the real-vs-real value, not lower/higher

    @property
    def better(self) -> str:
        if self.closer_to_floor:
            return "closer to real"
        return "higher" if self.higher_is_better else "lower"

    def _compared(self):
        return compare(
            self.value,
            self.baseline_value,
            higher_is_better=self.higher_is_better,
            target=self.floor if self.closer_to_floor else None,
        )

    @property
    def ratio(self) -> float | None:
        return self._compared()[0]

    @property
    def beats(self) -> bool | None:
        return self._compared()[1]

    def as_dict(self) -> dict:
        return {**asdict(self), "better": self.better, "ratio": self.ratio, "beats": self.beats}


def _finite(*values) -> bool:
    return all(v is not None and math.isfinite(v) for v in values)


def compare(
    value, baseline, *, higher_is_better: bool, target=None
) -> tuple[float | None, bool | None]:
    """(value / baseline, whether value is strictly better); None where not computable.

    With a ``target`` (the real-vs-real value), better means nearer to it: for the
    near-copy fraction, real unseen data sets the right amount, and zero is no better
    than far too many.
    """
    if not _finite(value, baseline) or (target is not None and not _finite(target)):
        return None, None
    ratio = value / baseline if baseline != 0 else None
    if target is not None:
        beats = abs(value - target) < abs(baseline - target)
    else:
        beats = value > baseline if higher_is_better else value < baseline
    return (None if ratio is None else round(ratio, 4)), bool(beats)


def _r(x: float, digits: int = 4) -> float:
    return float(f"{float(x):.{digits}g}")


# ----- lesson 00: a mixture against one Gaussian --------------------------------------------
def toy_mixture_rows(quick: bool = False) -> list[QualityRow]:
    from genai_course.data import load_toy2d
    from genai_course.pretrained.store import load_pretrained

    data = load_toy2d("gaussians")
    model = load_pretrained("toy-mixture")
    with torch.no_grad():
        nll = float(model.loss(data.test))
    # One Gaussian, fitted in closed form (maximum likelihood: sample mean and covariance).
    mean = data.train.mean(0)
    cov = torch.cov(data.train.T, correction=0)
    gaussian = torch.distributions.MultivariateNormal(mean, covariance_matrix=cov)
    baseline_nll = float(-gaussian.log_prob(data.test).mean())
    return [
        QualityRow(
            "toy-mixture",
            "test NLL (nats/point)",
            "one Gaussian (ML fit)",
            False,
            value=_r(nll),
            baseline_value=_r(baseline_nll),
        )
    ]


# ----- images: GAN, VAE, pixel model --------------------------------------------------------
# shipped name -> the scale its training data used (see genai_course.data.digits)
IMAGE_MODELS = {"digits-gan": "symmetric", "digits-vae": "unit", "digits-pixel": "binary"}
GMM_COMPONENTS = 10


def fit_gmm_baseline(
    x_train: torch.Tensor, *, components: int = GMM_COMPONENTS, steps: int = 400, seed: int = 0
):
    """A diagonal Gaussian mixture on flattened images, the course's own ``GaussianMixture``.

    Started from k-means centres and per-cluster spreads (a fair start, as one would use
    in practice), then fitted by maximum likelihood with ``fit``.
    """
    from sklearn.cluster import KMeans

    from genai_course.models import GaussianMixture, MixtureConfig
    from genai_course.training import fit

    flat = x_train.reshape(len(x_train), -1).float()
    torch.manual_seed(seed)
    model = GaussianMixture(MixtureConfig(n_components=components, dim=flat.shape[1]))
    km = KMeans(components, n_init=3, random_state=seed).fit(flat.numpy())
    labels = torch.as_tensor(km.labels_)
    with torch.no_grad():
        model.means.copy_(torch.as_tensor(km.cluster_centers_, dtype=torch.float32))
        for k in range(components):
            members = flat[labels == k]
            model.log_scales[k] = (members.std(0, correction=0) + 0.05).log()
            model.logits[k] = math.log(max(len(members), 1) / len(flat))
    fit(model, flat, steps=steps, batch_size=256, lr=0.01, seed=seed, progress=False)
    return model


def gmm_samples(model, n: int, scale: str, seed: int = 0) -> torch.Tensor:
    """Sample the mixture and clip to the pixel range of ``scale`` (binarise for "binary")."""
    g = torch.Generator().manual_seed(seed)
    x = model.sample(n, generator=g).reshape(n, 8, 8)
    if scale == "binary":
        return (x > 0.5).float()
    low = -1.0 if scale == "symmetric" else 0.0
    return x.clamp(low, 1.0)


def to_unit(images: torch.Tensor, scale: str) -> torch.Tensor:
    """Back to [0, 1] pixels, the scale the classifier reads."""
    images = images.reshape(len(images), 8, 8).float()
    return (images + 1) / 2 if scale == "symmetric" else images


def model_samples(model, n: int, y_train: torch.Tensor, seed: int = 0) -> tuple[torch.Tensor, str]:
    """n samples; a class-conditional model gets labels drawn from the training class mix,
    so that its samples, like an unconditional model's, follow the data's own mix."""
    g = torch.Generator().manual_seed(seed)
    if getattr(model.config, "num_classes", None):
        labels = y_train[torch.randint(len(y_train), (n,), generator=g)]
        return model.sample(
            n, generator=g, labels=labels
        ), "class-conditional: labels drawn from the training mix"
    return model.sample(n, generator=g), ""


# (measure, key, higher is better, primary); the near-copy fraction is better when nearer
# to real held-out data's (about 5% by construction of the threshold), see QualityRow
IMAGE_SPECS = [
    ("Fréchet distance to held-out digits (classifier features)", "fd", False, True),
    ("class mix: total variation from the training mix", "class_tv", False, False),
    ("near-copy fraction", "near_copies", False, False),
]


def image_measures(samples: torch.Tensor, scale: str, data) -> dict[str, float]:
    """The three measures of samples (in ``scale``) against the digits ``data`` (same scale)."""
    from genai_course.metrics import images as metrics

    novelty = metrics.image_novelty(samples, data.x_train, data.x_test, scale=scale)
    return {
        "fd": metrics.frechet_digit_distance(samples, data.x_test, scale),
        "class_tv": metrics.class_coverage(
            metrics.classify_digits(samples, scale), data.y_train
        ).total_variation,
        "near_copies": novelty.near_copy_fraction,
        "heldout_near_copies": novelty.heldout_near_copy_fraction,
    }


def real_floor(scale: str, data) -> dict[str, float]:
    """Real versus real: training digits in place of samples (held-out digits for the class
    mix and the near-copies, since training digits are their own nearest neighbours)."""
    from genai_course.metrics import images as metrics

    measures = image_measures(data.x_test, scale, data)
    return {
        "fd": metrics.frechet_digit_distance(data.x_train, data.x_test, scale),
        "class_tv": measures["class_tv"],
        "near_copies": measures["heldout_near_copies"],
    }


def image_rows(quick: bool = False) -> list[QualityRow]:
    """One block of rows per shipped image model (rows saying "not shipped" for the others)."""
    from genai_course.data import load_digits
    from genai_course.pretrained.store import available, load_pretrained

    shipped = set(available())
    rows: list[QualityRow] = []
    baselines: dict[str, dict] = {}
    floors: dict[str, dict] = {}
    base_name = f"Gaussian mixture, {GMM_COMPONENTS} components"
    for name, scale in IMAGE_MODELS.items():
        if name not in shipped:
            rows += [
                QualityRow(
                    name,
                    m,
                    base_name,
                    hib,
                    primary,
                    error="not shipped yet",
                    closer_to_floor=key == "near_copies",
                )
                for m, key, hib, primary in IMAGE_SPECS
            ]
            continue
        data = load_digits(scale)
        # as many samples as training images: the Fréchet distance is biased by set size,
        # so the floor (training vs held-out) and every model use the same sizes
        n = 500 if quick else len(data.x_train)
        if scale not in baselines:
            gmm = fit_gmm_baseline(data.x_train, steps=150 if quick else 400)
            baselines[scale] = image_measures(gmm_samples(gmm, n, scale), scale, data)
            floors[scale] = real_floor(scale, data)
        model = load_pretrained(name)
        samples, how = model_samples(model, n, data.y_train)
        measured = image_measures(samples, scale, data)
        for measure, key, hib, primary in IMAGE_SPECS:
            note = ""
            if key == "fd":
                note = f"{n} samples, {scale} pixels" + (f"; {how}" if how else "")
            rows.append(
                QualityRow(
                    name,
                    measure,
                    base_name,
                    hib,
                    primary,
                    value=_r(measured[key]),
                    baseline_value=_r(baselines[scale][key]),
                    floor=_r(floors[scale][key]),
                    note=note,
                    closer_to_floor=key == "near_copies",
                )
            )
        if name == "digits-pixel":
            rows.append(pixel_likelihood_row(model, data))
    return rows


def pixel_likelihood_row(model, data) -> QualityRow:
    """The pixel model's own measure: held-out bits per pixel, against independent pixels."""
    from genai_course.models.pixel import IndependentPixels

    labels = data.y_test if getattr(model.config, "num_classes", None) else None
    with torch.no_grad():
        bits = model.bits_per_pixel(data.x_test, labels)
        baseline = IndependentPixels().fit_counts(data.x_train).bits_per_pixel(data.x_test)
    return QualityRow(
        "digits-pixel",
        "held-out bits per pixel",
        "independent pixels",
        False,
        primary=False,
        value=_r(bits),
        baseline_value=_r(baseline),
        note="a class-conditional model is told each test digit's label"
        if labels is not None
        else "",
    )


# ----- text: the char models against the best n-gram: see bench/quality_lm.py -------------


# ----- music: the chorale model against a Markov chain ---------------------------------------
def best_markov(
    train_sequences, valid_sequences, vocab_size: int, orders=(1, 2, 3), alphas=(0.01, 0.1)
):
    """The Markov chain (order, smoothing) with the lowest validation NLL; (chain, nll)."""
    from genai_course.music.evaluation import MarkovChain

    best = (math.inf, None)
    for order in orders:
        chain = MarkovChain(vocab_size, order=order, alpha=alphas[0]).fit(train_sequences)
        for alpha in alphas:
            chain.alpha = alpha
            nll = chain.nll(valid_sequences)
            if nll < best[0]:
                best = (nll, (order, alpha))
    order, alpha = best[1]
    return MarkovChain(vocab_size, order=order, alpha=alpha).fit(train_sequences), best[0]


def music_rows(quick: bool = False, model=None) -> list[QualityRow]:
    from genai_course.data import split_chorales
    from genai_course.pretrained.store import load_pretrained
    from genai_course.recipes import chorale_gru

    model = model if model is not None else load_pretrained("chorale-gru")
    tok = chorale_gru.tokenizer()
    split = split_chorales()
    # The model trained on transposed copies; the chain counts the same transposed copies.
    train = chorale_gru.encoded_melodies(split.train, tok, augment=True)
    valid = chorale_gru.encoded_melodies(split.validation, tok, augment=False)
    nll = chorale_gru.validation_nll(model, valid, tok.id("<pad>"))
    orders, alphas = ((1, 2), (0.1,)) if quick else ((2, 3, 4), (0.01, 0.03, 0.1))
    chain, baseline_nll = best_markov(train, valid, tok.vocab_size, orders, alphas)
    return [
        QualityRow(
            "chorale-gru",
            "validation NLL (nats/token)",
            f"best Markov chain (order {chain.order}, alpha {chain.alpha})",
            False,
            value=_r(nll),
            baseline_value=_r(baseline_nll),
            note=f"held-out tune families; chain order and smoothing chosen on them among "
            f"orders {orders}, alpha in {alphas} (favours the baseline)",
        )
    ]


EVALUATIONS: list[tuple[str, Callable[[bool], list[QualityRow]], str, str]] = [
    # (model(s), function, primary measure, baseline) - the last two only for error rows
    ("toy-mixture", toy_mixture_rows, "test NLL (nats/point)", "one Gaussian (ML fit)"),
    ("digits images", image_rows, "Fréchet distance (classifier features)", "Gaussian mixture"),
    ("chorale-gru", music_rows, "validation NLL (nats/token)", "Markov chain"),
]

# ---- evaluations that live in their own modules -------------------------------------------
# Diffusion (bench/quality_flow.py) and language models (bench/quality_lm.py) import names
# from this module, so they are imported when their rows are first asked for, not here:
# importing them here would make "import quality_flow" alone fail half-way (circular).


def _imported_later(module: str, name: str) -> Callable[[bool], list[QualityRow]]:
    """``genai_course.bench.<module>.<name>``, imported only when it is called."""

    def rows(quick: bool = False) -> list[QualityRow]:
        import importlib

        return getattr(importlib.import_module(f"genai_course.bench.{module}"), name)(quick)

    rows.__name__ = name
    return rows


# -- hook lines start --
EVALUATIONS += [
    (
        "char-transformer, char-gru",
        _imported_later("quality_lm", "lm_rows"),
        "test loss (nats/char)",
        "best n-gram",
    ),
    (
        "digits-flow",
        _imported_later("quality_flow", "flow_rows"),
        "Fréchet distance (classifier features)",
        "Gaussian mixture",
    ),
    (
        "digits images: precision/recall",
        _imported_later("quality_flow", "precision_recall_rows"),
        "k-NN precision and recall",
        "real vs real",
    ),
]
# -- hook lines end --


def _why(error: Exception) -> str:
    """A short reason for a row that could not be evaluated."""
    from genai_course.pretrained.store import CheckpointError

    if isinstance(error, CheckpointError) and "Missing checkpoint" in str(error):
        return (
            f"not shipped yet ({str(error).split('genai-course train ')[-1].rstrip('.`')} missing)"
        )
    text = f"{type(error).__name__}: {error}"
    return ("not available: " if _missing(error) else "failed: ") + text[:200]


def _missing(error: Exception) -> bool:
    from genai_course.pretrained.store import CheckpointError

    return isinstance(error, (ImportError, CheckpointError, KeyError))


def run_quality(
    *, quick: bool = False, threads: int = 1, log=print
) -> tuple[list[QualityRow], list[str]]:
    """Every evaluation in turn; a missing model or module becomes a row, a crash an error."""
    from genai_course.seeding import seed_everything

    rows: list[QualityRow] = []
    errors: list[str] = []
    previous = torch.get_num_threads()
    try:
        for name, function, measure, baseline in EVALUATIONS:
            seed_everything(0, threads=threads)
            if log:
                log(f"  quality: {name}")
            try:
                rows.extend(function(quick))
            except Exception as error:
                text = f"{type(error).__name__}: {error}"
                rows.append(QualityRow(name, measure, baseline, False, error=_why(error)))
                if not _missing(error):
                    errors.append(f"quality {name}: {text}")
    finally:
        torch.set_num_threads(previous)
    return rows, errors
