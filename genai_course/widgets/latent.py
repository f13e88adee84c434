"""Explore a latent space by hand: sliders in, decoded image out.

- :class:`LatentExplorer`: one ``FloatSlider`` per chosen latent dimension (by default
  the first two); moving one decodes the new point and shows it at once.
- :class:`LatentInterpolator`: one slider ``t`` from 0 to 1 walking the straight line
  between two latent points (or the codes of two real digits), plus the whole path.

Works with every model of the contract that has a latent (``model.decode(z, labels)``:
VAE, autoencoder, GAN); the image range comes from ``model.value_scale``. The logic is in plain methods (:meth:`LatentExplorer.set_latent`,
:meth:`LatentExplorer.current_image`), which the tests call; images reach the browser
as PNG bytes in an ``ipywidgets.Image``.
"""

from __future__ import annotations

import io

import ipywidgets as widgets
import numpy as np
import torch

from genai_course.models.contract import VALUE_SCALES
from genai_course.validation import check_number, check_positive_int, check_tensor


def image_png(image: torch.Tensor, low: float, high: float, size: int = 160) -> bytes:
    """A grey-scale PNG of one small image, dark strokes on white, scaled up without blur."""
    from PIL import Image

    pixels = ((image.detach().cpu().float() - low) / (high - low)).clamp(0, 1).numpy()
    grey = (255 * (1 - pixels)).round().astype(np.uint8)
    picture = Image.fromarray(grey).resize((size, size), Image.NEAREST)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return buffer.getvalue()


def _decoder(model):
    """The model's map from latent codes to data: ``decode(z, labels)`` (the contract)."""
    if not callable(getattr(model, "decode", None)):
        raise TypeError(
            f"{type(model).__name__} has no decode(z): pass a model with a latent "
            "space (a VAE, an Autoencoder or a GAN)."
        )
    return model.decode


def _check_trained(model, allow_untrained: bool) -> None:
    trained = getattr(model, "steps_trained", None)
    if not allow_untrained and trained is not None and int(trained) == 0:
        raise RuntimeError(
            f"This {type(model).__name__} has not been trained, so its latent space "
            "means nothing yet. Train it with fit(...) or load shipped weights with "
            "load_pretrained(...); pass allow_untrained=True to look anyway."
        )


def _value_range(model) -> tuple[float, float]:
    """Pixel range of what the model outputs, read from its declared ``value_scale``."""
    scale = getattr(model, "value_scale", "unit")
    if scale not in VALUE_SCALES or scale == "real":
        raise ValueError(
            f"The latent widgets draw images; this {type(model).__name__} has "
            f"value_scale={scale!r}, not an image scale ({', '.join(VALUE_SCALES)})."
        )
    return VALUE_SCALES[scale]


class _LatentWidget:
    def __init__(self, model, label, allow_untrained: bool):
        self._decode = _decoder(model)
        _check_trained(model, allow_untrained)
        self.model = model
        self.latent_dim = model.config.latent_dim
        self.low, self.high = _value_range(model)
        self.device = next(model.parameters()).device
        classes = getattr(model, "num_classes", 0)
        if classes and label is None:
            raise ValueError(
                f"This model is class-conditional: pass label= one of 0..{classes - 1}."
            )
        self.label = label

    def _vector(self, name: str, z) -> torch.Tensor:
        z = check_tensor(name, z).reshape(-1).float().to(self.device)
        if z.numel() != self.latent_dim:
            raise ValueError(
                f"{name} must hold {self.latent_dim} numbers (the model's latent_dim), "
                f"got {z.numel()}."
            )
        return z

    @torch.no_grad()
    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """The image (or point) the model makes from one latent vector."""
        self.model.eval()
        labels = None if self.label is None else torch.tensor([self.label], device=self.device)
        return self._decode(z[None].to(self.device), labels)[0]


class LatentExplorer(_LatentWidget):
    """Sliders over latent dimensions ``dims``; the other dimensions stay at ``base`` (zeros).

    ``limit`` bounds the sliders: most of a unit Gaussian lies within +-3.
    """

    def __init__(
        self,
        model,
        *,
        dims=(0, 1),
        base=None,
        label=None,
        limit: float = 3.0,
        step: float = 0.1,
        allow_untrained: bool = False,
    ):
        super().__init__(model, label, allow_untrained)
        self.dims = [int(d) for d in dims]
        if (
            not self.dims
            or any(not 0 <= d < self.latent_dim for d in self.dims)
            or len(set(self.dims)) != len(self.dims)
        ):
            raise ValueError(
                f"dims must be distinct latent dimensions in 0..{self.latent_dim - 1}, "
                f"got {list(dims)}."
            )
        limit = check_number("limit", limit, low=0, low_inclusive=False)
        self._z = (
            torch.zeros(self.latent_dim, device=self.device)
            if base is None
            else self._vector("base", base).clone()
        )
        self.sliders = [
            widgets.FloatSlider(
                value=float(self._z[d]),
                min=-limit,
                max=limit,
                step=step,
                description=f"z[{d}]",
                continuous_update=True,
            )
            for d in self.dims
        ]
        self.image = widgets.Image(
            format="png", layout=widgets.Layout(width="160px", height="160px")
        )
        self._quiet = False
        for d, slider in zip(self.dims, self.sliders, strict=True):
            slider.observe(lambda change, d=d: self._on_slider(d, change["new"]), names="value")
        self.widget = widgets.HBox([widgets.VBox(self.sliders), self.image])
        self.widget.add_class("genai-latent-explorer")
        self._show()

    def _on_slider(self, dim: int, value: float) -> None:
        self._z[dim] = value
        if not self._quiet:
            self._show()

    def _show(self) -> None:
        self.image.value = image_png(self.current_image(), self.low, self.high)

    def set_latent(self, z) -> torch.Tensor:
        """Move to latent vector ``z`` (latent_dim numbers): sliders follow, image redrawn.
        Returns the decoded image."""
        z = self._vector("z", z)
        self._quiet = True  # one redraw at the end, not one per slider
        try:
            self._z = z.clone()
            for d, slider in zip(self.dims, self.sliders, strict=True):
                slider.value = min(max(float(z[d]), slider.min), slider.max)
        finally:
            self._quiet = False
        self._z = z.clone()  # values beyond the sliders' range are kept, not clipped
        self._show()
        return self.current_image()

    def current_latent(self) -> torch.Tensor:
        return self._z.clone()

    def current_image(self) -> torch.Tensor:
        """The decoded image at the current latent point."""
        return self.decode(self._z)

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)


class LatentInterpolator(_LatentWidget):
    """A slider t in [0, 1] along z(t) = (1 - t) z0 + t z1, and a strip of the whole path."""

    def __init__(
        self,
        model,
        z0,
        z1,
        *,
        label=None,
        steps: int = 9,
        strip: bool = True,
        allow_untrained: bool = False,
    ):
        """``strip=False`` leaves out the strip of the whole path (when the notebook draws
        the path itself, e.g. with ``image_grid(interpolator.path())``)."""
        super().__init__(model, label, allow_untrained)
        self.z0, self.z1 = self._vector("z0", z0), self._vector("z1", z1)
        self.steps = check_positive_int("steps", steps)
        self.slider = widgets.FloatSlider(value=0.0, min=0.0, max=1.0, step=0.05, description="t")
        self.image = widgets.Image(
            format="png", layout=widgets.Layout(width="160px", height="160px")
        )
        # Shown once, at its natural size (66 px per step): without a width the browser
        # stretched it to the full cell width, blurring the pixels.
        self.strip = widgets.Image(
            format="png",
            layout=widgets.Layout(width=f"{66 * self.steps}px", height="64px", object_fit="none"),
        )
        self.slider.observe(lambda change: self._show(), names="value")
        rows = [widgets.HBox([self.slider, self.image])] + ([self.strip] if strip else [])
        self.widget = widgets.VBox(rows)
        self.widget.add_class("genai-latent-interpolator")
        self._show()
        if strip:
            self.strip.value = self._strip_png()

    @classmethod
    def between_images(cls, model, x0, x1, *, label=None, **options):
        """Interpolate between the codes of two images (the encoder's mean for a VAE)."""
        if not callable(getattr(model, "encode", None)):
            raise TypeError(
                f"{type(model).__name__} has no encoder; pass latent points z0, z1 instead."
            )
        device = next(model.parameters()).device
        labels = None if label is None else torch.tensor([label, label], device=device)
        with torch.no_grad():
            pair = torch.stack(
                [torch.as_tensor(x0, device=device), torch.as_tensor(x1, device=device)]
            )
            codes = model.encode(pair, labels)
        codes = codes[0] if isinstance(codes, tuple) else codes
        return cls(model, codes[0], codes[1], label=label, **options)

    def latent_at(self, t: float) -> torch.Tensor:
        t = check_number("t", t, low=0, high=1)
        return (1 - t) * self.z0 + t * self.z1

    def set_t(self, t: float) -> torch.Tensor:
        """Move the slider to ``t`` and return the image there."""
        self.slider.value = check_number("t", t, low=0, high=1)
        return self.current_image()

    def current_image(self) -> torch.Tensor:
        return self.decode(self.latent_at(self.slider.value))

    def path(self) -> torch.Tensor:
        """The images at ``steps`` evenly spaced t from 0 to 1."""
        return torch.stack(
            [
                self.decode(self.latent_at(float(t)))
                for t in torch.linspace(0, 1, self.steps, device="cpu")
            ]
        )

    def _show(self) -> None:
        self.image.value = image_png(self.current_image(), self.low, self.high)

    def _strip_png(self) -> bytes:
        from PIL import Image

        tiles = [
            Image.open(io.BytesIO(image_png(x, self.low, self.high, size=64))) for x in self.path()
        ]
        strip = Image.new("L", (66 * len(tiles), 64), 255)
        for i, tile in enumerate(tiles):
            strip.paste(tile, (66 * i, 0))
        buffer = io.BytesIO()
        strip.save(buffer, format="PNG")
        return buffer.getvalue()

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)
