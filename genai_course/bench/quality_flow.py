"""Benchmark rows for the fourth family (lesson 04's ``digits-flow``), plus k-NN precision
and recall for every shipped image model.

Measured exactly as :func:`genai_course.bench.quality.image_rows` measures the GAN, the
VAE and the pixel model (same sample size as the training set, labels drawn from the
training mix, the same Gaussian-mixture baseline and real-vs-real floor), so the rows
line up in one table:

- Fréchet distance, class mix and near-copy fraction (:data:`IMAGE_SPECS`);
- k-NN precision and recall (Kynkäänniemi et al. 2019) on the classifier features, for
  all four families, against the same measure on real training digits (the floor);
- sampling speed against the number of steps, for Euler's and Heun's solver (images per
  CPU second, measured with ``time.process_time`` so that other work on the machine
  distorts it less), with the network calls and the Fréchet distance of each.
"""

from __future__ import annotations

import time

import torch

from genai_course.bench.quality import (
    GMM_COMPONENTS,
    IMAGE_MODELS,
    IMAGE_SPECS,
    QualityRow,
    _r,
    fit_gmm_baseline,
    gmm_samples,
    image_measures,
    model_samples,
    real_floor,
)
from genai_course.recipes.digits_flow import sampling_settings

FLOW_NAME = "digits-flow"
FLOW_SCALE = "symmetric"
SPEED_SAMPLERS = tuple(  # (solver, steps) of the speed rows
    [("euler", s) for s in (1, 2, 5, 10, 20, 50)] + [("heun", s) for s in (2, 5, 10, 20)]
)
QUICK_SPEED_SAMPLERS = (("euler", 1), ("euler", 5), ("heun", 5))


def flow_samples(
    model,
    n: int,
    y_train: torch.Tensor,
    *,
    solver: str | None = None,
    steps: int | None = None,
    seed: int = 0,
):
    """n samples of the flow, labels drawn from the training mix (as :func:`model_samples`),
    with the solver, its steps and the guidance weight chosen on validation digits (or the
    solver and steps given)."""
    settings = sampling_settings(model)
    g = torch.Generator().manual_seed(seed)
    labels = y_train[torch.randint(len(y_train), (n,), generator=g)]
    return model.sample(
        n,
        labels=labels,
        generator=g,
        solver=solver or settings["solver"],
        steps=steps or settings["steps"],
        guidance=settings["guidance"],
    )


def flow_rows(quick: bool = False) -> list[QualityRow]:
    """The flow's block of rows, in the same form as the other image models'."""
    from genai_course.data import load_digits
    from genai_course.pretrained.store import available, load_pretrained

    base_name = f"Gaussian mixture, {GMM_COMPONENTS} components"
    if FLOW_NAME not in available():
        return [
            QualityRow(
                FLOW_NAME,
                m,
                base_name,
                hib,
                primary,
                error="not shipped yet",
                closer_to_floor=key == "near_copies",
            )
            for m, key, hib, primary in IMAGE_SPECS
        ]
    data = load_digits(FLOW_SCALE)
    n = 500 if quick else len(data.x_train)
    gmm = fit_gmm_baseline(data.x_train, steps=150 if quick else 400)
    baseline = image_measures(gmm_samples(gmm, n, FLOW_SCALE), FLOW_SCALE, data)
    floor = real_floor(FLOW_SCALE, data)
    model = load_pretrained(FLOW_NAME)
    settings = sampling_settings(model)
    measured = image_measures(flow_samples(model, n, data.y_train), FLOW_SCALE, data)
    rows = []
    for measure, key, hib, primary in IMAGE_SPECS:
        note = (
            (
                f"{n} samples, {FLOW_SCALE} pixels, {settings['steps']} steps of "
                f"{settings['solver'].capitalize()}'s solver, guidance "
                f"w={settings['guidance']:g} (all chosen on validation digits); "
                "class-conditional: labels drawn from the training mix"
            )
            if key == "fd"
            else ""
        )
        rows.append(
            QualityRow(
                FLOW_NAME,
                measure,
                base_name,
                hib,
                primary,
                value=_r(measured[key]),
                baseline_value=_r(baseline[key]),
                floor=_r(floor[key]),
                note=note,
                closer_to_floor=key == "near_copies",
            )
        )
    rows += speed_rows(model, data, quick=quick)
    return rows


def speed_rows(model, data, *, quick: bool = False) -> list[QualityRow]:
    """Images per CPU second, network calls and Fréchet distance of each (solver, steps)."""
    from genai_course.metrics.images import frechet_digit_distance
    from genai_course.models.flow import network_calls

    n = 500 if quick else len(data.x_train)
    rows = []
    for solver, steps in QUICK_SPEED_SAMPLERS if quick else SPEED_SAMPLERS:
        cpu = time.process_time()
        samples = flow_samples(model, n, data.y_train, solver=solver, steps=steps)
        cpu = max(time.process_time() - cpu, 1e-9)
        fd = frechet_digit_distance(samples, data.x_test, FLOW_SCALE)
        calls = network_calls(solver, steps)
        rows.append(
            QualityRow(
                FLOW_NAME,
                f"sampling speed at {steps} {solver.capitalize()} step{'s' * (steps != 1)} "
                "(images per CPU second)",
                "",
                True,
                primary=False,
                value=_r(n / cpu),
                note=f"{calls} network call{'s' * (calls != 1)} a sample; Fréchet "
                f"distance {fd:.2f}; {n} images, {torch.get_num_threads()} thread(s)",
            )
        )
    return rows


def precision_recall_rows(quick: bool = False) -> list[QualityRow]:
    """k-NN precision and recall (k = 3, classifier features) of every shipped image model.

    The floor is real versus real: training digits against the held-out digits, at the
    same sizes (as many samples as training images, against the test digits).
    """
    from genai_course.data import load_digits
    from genai_course.metrics.precision_recall import digit_precision_recall
    from genai_course.pretrained.store import available, load_pretrained

    shipped = set(available())
    rows = []
    models = {**IMAGE_MODELS, FLOW_NAME: FLOW_SCALE}
    for name, scale in models.items():
        measures = (
            ("k-NN precision (fidelity)", "precision"),
            ("k-NN recall (diversity)", "recall"),
        )
        if name not in shipped:
            rows += [
                QualityRow(name, m, "real vs real", True, primary=False, error="not shipped yet")
                for m, _ in measures
            ]
            continue
        data = load_digits(scale)
        n = 500 if quick else len(data.x_train)
        floor = digit_precision_recall(data.x_train[:n], data.x_test, scale)
        model = load_pretrained(name)
        if name == FLOW_NAME:
            samples, how = flow_samples(model, n, data.y_train), "labels from the training mix"
        else:
            samples, how = model_samples(model, n, data.y_train)
        pr = digit_precision_recall(samples.reshape(n, 8, 8), data.x_test, scale)
        for measure, key in measures:
            rows.append(
                QualityRow(
                    name,
                    measure,
                    "real vs real",
                    True,
                    primary=False,
                    value=_r(getattr(pr, key)),
                    floor=_r(getattr(floor, key)),
                    note=f"k=3, {n} samples vs {len(data.x_test)} test digits"
                    + (f"; {how}" if how else ""),
                )
            )
    return rows


__all__ = ["flow_rows", "flow_samples", "precision_recall_rows", "speed_rows"]
