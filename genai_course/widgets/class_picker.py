""" "Draw a 7": class-conditional generation with a digit picker and a family selector.

:class:`ClassPicker` takes class-conditional models of several families (the GAN, the
VAE, the pixel model of lesson 05), each with the pixel scale it produces. Pick a digit
(toggle buttons 0-9) and a family (dropdown), press **Generate**: the chosen model draws
a grid of that digit, shown as a PNG in an ``ipywidgets.Image``, and the shipped digits
classifier says how many of the drawings it reads as the digit asked for.

The logic lives in plain methods (:meth:`ClassPicker.generate`, :meth:`ClassPicker.grid_png`,
:meth:`ClassPicker.judge`, :meth:`ClassPicker.update`) that the tests call without a browser.
"""

from __future__ import annotations

import io
import math

import ipywidgets as widgets
import numpy as np
import torch

from genai_course.data.digits import SCALES
from genai_course.validation import check_choice, check_positive_int


def grid_png(
    images: torch.Tensor, *, nrow: int | None = None, zoom: int = 12, pad: int = 1
) -> bytes:
    """A PNG of (N, H, W) images in [0, 1], dark strokes on white, in a grid with white gaps."""
    from PIL import Image

    images = images.detach().cpu().float().clamp(0, 1).numpy()
    if images.ndim != 3 or len(images) == 0:
        raise ValueError(f"images must have shape (N, H, W) with N >= 1, got {images.shape}.")
    n, h, w = images.shape
    nrow = nrow or math.ceil(math.sqrt(n))
    ncol = math.ceil(n / nrow)
    canvas = np.zeros((ncol * (h + pad) + pad, nrow * (w + pad) + pad))
    for i, image in enumerate(images):
        r, c = divmod(i, nrow)
        canvas[
            pad + r * (h + pad) : pad + r * (h + pad) + h,
            pad + c * (w + pad) : pad + c * (w + pad) + w,
        ] = image
    grey = (255 * (1 - canvas)).round().astype(np.uint8)
    picture = Image.fromarray(grey).resize(
        (canvas.shape[1] * zoom, canvas.shape[0] * zoom), Image.NEAREST
    )
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return buffer.getvalue()


class ClassPicker:
    """Pick a digit and a model family; Generate draws ``n`` samples of that digit.

    ``families`` maps a display name to a class-conditional model of the contract
    (``sample(n, labels=..., generator=...)``); the scale of what it returns is read from
    its ``value_scale``. A pair ``(model, scale)`` is also accepted for a model that does
    not declare one. ``judge=True`` runs the shipped digits classifier
    on every grid. Each press of Generate uses the next seed, so samples change from
    press to press but a fresh picker repeats the same sequence.
    """

    def __init__(
        self, families: dict, *, n: int = 16, seed: int = 0, digit: int = 7, judge: bool = True
    ):
        if not isinstance(families, dict) or not families:
            raise ValueError(
                "families must be a non-empty dict {name: model}, e.g. {'GAN': gan, 'VAE': vae}."
            )
        self.families = {}
        for name, entry in families.items():
            if isinstance(entry, tuple) and len(entry) == 2:
                model, scale = entry
            elif isinstance(entry, torch.nn.Module):
                model, scale = entry, getattr(entry, "value_scale", None)
            else:
                raise TypeError(
                    f"families[{name!r}] must be a model (or a pair (model, scale)), "
                    f"got {type(entry).__name__}."
                )
            declared = getattr(model, "value_scale", None)
            if declared is not None and declared != scale:
                raise ValueError(
                    f"families[{name!r}]: the model declares value_scale={declared!r} "
                    f"but {scale!r} was given; pass the model alone."
                )
            check_choice(f"scale of {name!r}", scale, SCALES)
            if not callable(getattr(model, "sample", None)):
                raise TypeError(
                    f"families[{name!r}]: {type(model).__name__} has no sample(n, ...) method."
                )
            if not getattr(model, "num_classes", 0):
                raise ValueError(
                    f"families[{name!r}] is unconditional (num_classes=0), so it "
                    "cannot be asked for a given digit."
                )
            self.families[name] = (model, scale)
        self.n = check_positive_int("n", n)
        self.seed = check_positive_int("seed", seed, allow_zero=True)
        if digit not in range(10):
            raise ValueError(f"digit must be one of 0..9, got {digit!r}.")
        self.use_judge = bool(judge)
        self.presses = 0
        self.last_images: torch.Tensor | None = None

        self.digit_buttons = widgets.ToggleButtons(
            options=list(range(10)),
            value=digit,
            description="digit",
            style={"button_width": "2.2em"},
        )
        self.family_menu = widgets.Dropdown(options=list(self.families), description="family")
        self.button = widgets.Button(description="Generate", button_style="primary", icon="refresh")
        self.image = widgets.Image(format="png")
        self.status = widgets.HTML()
        self.button.on_click(lambda _: self.update())
        self.widget = widgets.VBox(
            [
                self.digit_buttons,
                widgets.HBox([self.family_menu, self.button]),
                self.image,
                self.status,
            ]
        )
        self.widget.add_class("genai-class-picker")
        self.update()

    # ----- logic (no browser needed) ------------------------------------------------------
    @torch.no_grad()
    def generate(self, digit: int, family: str, seed: int | None = None) -> torch.Tensor:
        """``n`` samples of ``digit`` from ``family``, as (n, 8, 8) images in [0, 1]."""
        from genai_course.metrics.images import to_unit_scale

        if digit not in range(10):
            raise ValueError(f"digit must be one of 0..9, got {digit!r}.")
        check_choice("family", family, list(self.families))
        model, scale = self.families[family]
        model.eval()
        generator = torch.Generator(device="cpu").manual_seed(self.seed if seed is None else seed)
        device = next((p.device for p in getattr(model, "parameters", list)()), torch.device("cpu"))
        labels = torch.full((self.n,), int(digit), dtype=torch.long, device=device)
        samples = model.sample(self.n, generator=generator, labels=labels)
        return to_unit_scale(samples.reshape(self.n, 8, 8), scale, name=f"{family} samples")

    def judge(self, images: torch.Tensor, digit: int) -> float:
        """Fraction of ``images`` (in [0, 1]) that the digits classifier reads as ``digit``."""
        from genai_course.metrics.images import classify_digits

        return float((classify_digits(images, "unit") == digit).float().mean())

    def grid_png(self, images: torch.Tensor) -> bytes:
        return grid_png(images, nrow=min(self.n, 8))

    def update(self) -> torch.Tensor:
        """Generate for the current digit and family, redraw the grid, update the status line."""
        digit, family = self.digit_buttons.value, self.family_menu.value
        images = self.generate(digit, family, seed=self.seed + self.presses)
        self.presses += 1
        self.last_images = images
        self.image.value = self.grid_png(images)
        message = f"{family}: {self.n} samples of the digit <b>{digit}</b>"
        if self.use_judge:
            message += (
                f"; the classifier reads {self.judge(images, digit):.0%} of them as a {digit}"
            )
        self.status.value = message
        return images

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)
