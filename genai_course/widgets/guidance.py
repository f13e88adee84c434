"""Classifier-free guidance, live: a guidance slider and a digit picker.

:class:`GuidanceExplorer` draws ``n`` samples of the chosen digit from a guided model
(``model.sample(n, labels=..., guidance=w, generator=...)``, as lesson 04's flow) and
reports, measured on those very samples:

- **class accuracy**: the share the shipped digits classifier reads as the digit asked
  for (fidelity to the label);
- **diversity**: the mean distance between the classifier features of two different
  samples (0 when all samples are the same image).

Raising w usually raises the first and lowers the second: the fidelity/diversity
trade-off of Ho & Salimans (2022). The same starting noise is used for every w, so the
pictures change only because of the guidance.

The logic (:meth:`GuidanceExplorer.measure`, :func:`diversity`, :meth:`GuidanceExplorer.update`)
works without a browser and is unit-tested apart from the display.
"""

from __future__ import annotations

import ipywidgets as widgets
import torch

from genai_course.validation import check_number, check_positive_int


def diversity(features: torch.Tensor) -> float:
    """Mean Euclidean distance between two different rows of ``features`` (n >= 2)."""
    features = torch.as_tensor(features).detach().double().cpu()
    if features.ndim != 2 or len(features) < 2:
        raise ValueError(
            f"features must have shape (n, d) with n >= 2, got {tuple(features.shape)}."
        )
    n = len(features)
    return float(torch.cdist(features, features).sum() / (n * (n - 1)))


class GuidanceExplorer:
    """A guidance slider (w), a digit picker, the samples, and their accuracy and diversity.

    ``model`` is a class-conditional model whose ``sample`` takes ``guidance=``;
    ``classifier`` defaults to the shipped digits classifier. ``steps`` is passed to
    ``sample`` when given (the number of ODE steps of a flow).
    """

    def __init__(
        self,
        model,
        *,
        n: int = 32,
        seed: int = 0,
        digit: int = 7,
        max_guidance: float = 6.0,
        steps: int | None = None,
        classifier=None,
    ):
        if not callable(getattr(model, "sample", None)):
            raise TypeError(f"model must have a sample(n, ...) method, got {type(model).__name__}.")
        if not getattr(model, "num_classes", 0):
            raise ValueError(
                "The model is not class-conditional (num_classes=0): guidance needs labels."
            )
        if digit not in range(model.num_classes):
            raise ValueError(f"digit must be one of 0..{model.num_classes - 1}, got {digit!r}.")
        self.model = model
        self.n = check_positive_int("n", n)
        if self.n < 2:
            raise ValueError(f"n must be at least 2 to measure diversity, got {n}.")
        self.seed = check_positive_int("seed", seed, allow_zero=True)
        self.steps = None if steps is None else check_positive_int("steps", steps)
        self.classifier = classifier
        max_guidance = check_number("max_guidance", max_guidance, low=0, low_inclusive=False)
        self.last: dict | None = None

        self.slider = widgets.FloatSlider(
            value=0.0,
            min=0.0,
            max=max_guidance,
            step=0.5,
            description="guidance w",
            continuous_update=False,
        )
        self.digit_buttons = widgets.ToggleButtons(
            options=list(range(model.num_classes)),
            value=digit,
            description="digit",
            style={"button_width": "2.2em"},
        )
        self.image = widgets.Image(format="png")
        self.status = widgets.HTML()
        self.slider.observe(lambda _: self.update(), names="value")
        self.digit_buttons.observe(lambda _: self.update(), names="value")
        self.widget = widgets.VBox([self.digit_buttons, self.slider, self.image, self.status])
        self.widget.add_class("genai-guidance")
        self.update()

    # ----- logic (no browser needed) ------------------------------------------------------
    @torch.no_grad()
    def measure(self, digit: int, guidance: float) -> dict:
        """Samples of ``digit`` at guidance ``guidance``: images in [0, 1], accuracy, diversity."""
        from genai_course.metrics.images import classify_digits, digit_features, to_unit_scale

        if digit not in range(self.model.num_classes):
            raise ValueError(
                f"digit must be one of 0..{self.model.num_classes - 1}, got {digit!r}."
            )
        guidance = check_number("guidance", guidance, low=0)
        device = getattr(self.model, "device", torch.device("cpu"))
        generator = torch.Generator(device=device).manual_seed(self.seed)
        labels = torch.full((self.n,), int(digit), dtype=torch.long, device=device)
        extra = {} if self.steps is None else {"steps": self.steps}
        samples = self.model.sample(
            self.n, labels=labels, generator=generator, guidance=guidance, **extra
        )
        scale = getattr(self.model, "value_scale", "unit")
        images = to_unit_scale(samples.reshape(self.n, 8, 8), scale, name="samples")
        predicted = classify_digits(images, "unit", classifier=self.classifier)
        return {
            "digit": int(digit),
            "guidance": guidance,
            "images": images,
            "accuracy": float((predicted == digit).float().mean()),
            "diversity": diversity(digit_features(images, "unit", classifier=self.classifier)),
        }

    def sweep(self, digit: int, weights) -> list[dict]:
        """:meth:`measure` at several guidance weights (without the images), for a plot."""
        return [{k: v for k, v in self.measure(digit, w).items() if k != "images"} for w in weights]

    def update(self) -> dict:
        """Measure at the current digit and slider value, redraw the grid and the status line."""
        from genai_course.widgets.class_picker import grid_png

        result = self.measure(self.digit_buttons.value, self.slider.value)
        self.last = result
        self.image.value = grid_png(result["images"], nrow=min(self.n, 8))
        self.status.value = (
            f"w = {result['guidance']:g}, digit <b>{result['digit']}</b>: the classifier "
            f"reads {result['accuracy']:.0%} of {self.n} samples as a {result['digit']}; "
            f"diversity (mean feature distance between samples) {result['diversity']:.2f}"
        )
        return result

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)
