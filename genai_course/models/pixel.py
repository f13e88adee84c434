"""A pixel autoregressive model for binarised 8x8 digits (MADE: a masked MLP).

An image is read in a fixed order, top to bottom and left to right, as 64 pixels
x_1 .. x_64. By the chain rule of probability

    p(x) = p(x_1) p(x_2 | x_1) ... p(x_64 | x_1, ..., x_63),

so a model that predicts each pixel from the pixels *before* it gives the exact
likelihood of an image. MADE (Germain et al., 2015) computes all 64 conditionals in
one pass of an MLP whose weight matrices are multiplied by 0/1 **masks**: every hidden
unit gets a "degree" d and may only see pixels 1..d, and the output for pixel i may only
see hidden units of degree < i. So output i can never depend on pixel i or a later one
(the tests check this). Training is one pass (teacher forcing: the real earlier pixels
are the input); sampling needs 64 passes, one pixel at a time.

With ``num_classes`` the model also reads the digit's label (which every output may see,
since it is not a pixel): it can then be asked to "draw a 7".

:class:`IndependentPixels` is the baseline: one Bernoulli probability per pixel, ignoring
all the others.
"""

from __future__ import annotations

import math
from dataclasses import InitVar, dataclass

import torch
import torch.nn.functional as F
from torch import nn

from genai_course.models.contract import GenerativeModel, bernoulli, legacy
from genai_course.validation import check_positive_int, check_tensor

IMAGE_SHAPE = (8, 8)
NUM_PIXELS = 64


def _shape_for(num_pixels: int) -> tuple[int, ...]:
    """Old configs gave a pixel count: a square number becomes a square image."""
    side = math.isqrt(num_pixels)
    return (side, side) if side * side == num_pixels else (num_pixels,)


@dataclass
class PixelConfig:
    hidden: int = 256
    layers: int = 2
    num_classes: int = 0  # e.g. 10 to condition on the digit's label; 0 = unconditional
    data_shape: tuple = IMAGE_SHAPE  # (8, 8) digits; (16, 16) for larger images
    num_layers: InitVar[int | None] = None  # old name of ``layers``
    num_pixels: InitVar[int | None] = None  # old: a pixel count instead of data_shape

    def __post_init__(self, num_layers=None, num_pixels=None):
        legacy(self, "num_layers", "layers", num_layers)
        if num_pixels is not None:
            legacy(
                self,
                "num_pixels",
                "data_shape",
                _shape_for(check_positive_int("num_pixels", num_pixels)),
            )
        if self.num_classes is None:  # checkpoints from before the contract
            self.num_classes = 0
        self.data_shape = tuple(int(s) for s in self.data_shape)
        for s in self.data_shape:
            check_positive_int("data_shape entries", s)
        check_positive_int("hidden", self.hidden)
        check_positive_int("layers", self.layers)
        check_positive_int("num_classes", self.num_classes, allow_zero=True)
        if math.prod(self.data_shape) < 2:
            raise ValueError(
                f"data_shape={self.data_shape} holds one pixel; an "
                "autoregressive model needs at least 2."
            )


class MaskedLinear(nn.Linear):
    """A linear layer whose weight is multiplied by a fixed 0/1 mask (rows: outputs)."""

    def __init__(self, in_features: int, out_features: int, mask: torch.Tensor):
        super().__init__(in_features, out_features)
        self.register_buffer("mask", mask.float(), persistent=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.linear(x, self.weight * self.mask, self.bias)


def _bits_per_pixel(nll_nats: torch.Tensor | float, num_pixels: int = NUM_PIXELS) -> float:
    """Convert a mean NLL per image in nats into bits per pixel."""
    return float(nll_nats) / (num_pixels * math.log(2))


class _BinaryImages(GenerativeModel):
    """What both pixel models share: binary images of ``data_shape``, read flat."""

    value_scale = "binary"

    def _flat(self, x, name: str = "images") -> torch.Tensor:
        x = check_tensor(name, x, ndim=(2, len(self.data_shape) + 1))
        x = x.reshape(len(x), -1)
        if x.shape[1] != self.num_pixels:
            raise ValueError(
                f"{name} must have {self.num_pixels} pixels each ((N, "
                f"{', '.join(map(str, self.data_shape))}) or (N, {self.num_pixels})), "
                f"got {x.shape[1]}. Build the model with data_shape= your image size."
            )
        x = x.float()
        if not ((x == 0) | (x == 1)).all():
            raise ValueError(
                f"{name} must be 0 or 1 (value_scale='binary'), got values in "
                f"[{float(x.min()):g}, {float(x.max()):g}]: threshold them, e.g. "
                "(x > 0.5).float(), or load the digits with load_digits('binary')."
            )
        return x

    def bits_per_pixel(self, x: torch.Tensor, labels=None) -> float:
        with torch.no_grad():
            return _bits_per_pixel(-self.log_prob(x, labels).mean(), self.num_pixels)

    def _shaped(self, x: torch.Tensor) -> torch.Tensor:
        return x.view(len(x), *self.data_shape)


class PixelMADE(_BinaryImages):
    """p(x) = prod_i p(x_i | x_<i [, label]), each factor a Bernoulli from a masked MLP."""

    def __init__(self, config: PixelConfig | None = None, **overrides):
        super().__init__()
        config = config or PixelConfig(**overrides)
        self.config = config
        self.num_classes = config.num_classes
        self.data_shape = config.data_shape
        self.num_pixels = D = math.prod(config.data_shape)
        H = config.hidden
        # degrees: pixel i (0-based) has degree i + 1; hidden units cycle through 1 .. D - 1
        pixel_degree = torch.arange(1, D + 1)
        hidden_degree = torch.arange(H) % (D - 1) + 1
        layers, previous = [], pixel_degree
        for _ in range(config.layers):
            # a hidden unit of degree d sees inputs of degree <= d
            layers.append(
                MaskedLinear(len(previous), H, hidden_degree[:, None] >= previous[None, :])
            )
            previous = hidden_degree
        self.hidden_layers = nn.ModuleList(layers)
        # output i (degree i + 1) sees hidden units of degree < i + 1, i.e. pixels before it
        self.output = MaskedLinear(H, D, pixel_degree[:, None] > hidden_degree[None, :])
        # a direct pixel -> output path, strictly lower triangular (pixel j < i feeds output i)
        self.direct = MaskedLinear(D, D, pixel_degree[:, None] > pixel_degree[None, :])
        if config.num_classes:
            self.label_hidden = nn.Embedding(config.num_classes, H * config.layers)
            self.label_output = nn.Embedding(config.num_classes, D)

    def logits(self, x: torch.Tensor, labels=None) -> torch.Tensor:
        """Logit of p(x_i = 1 | x_<i) for every pixel i, in one pass: (N, num_pixels)."""
        x = self._flat(x)
        labels = self.check_labels(labels, len(x))
        return self._logits(x, labels)

    def _logits(self, x: torch.Tensor, labels) -> torch.Tensor:
        h = x
        extra = (
            self.label_hidden(labels).chunk(self.config.layers, dim=-1)
            if labels is not None
            else None
        )
        for i, layer in enumerate(self.hidden_layers):
            h = layer(h)
            if extra is not None:
                h = h + extra[i]
            h = F.relu(h)
        out = self.output(h) + self.direct(x)
        if labels is not None:
            out = out + self.label_output(labels)
        return out

    def log_prob(self, x: torch.Tensor, labels=None) -> torch.Tensor:
        """log p(x) in nats for each image: the sum of the Bernoulli log-likelihoods."""
        flat = self._flat(x)
        logits = self.logits(flat, labels)
        return -F.binary_cross_entropy_with_logits(logits, flat, reduction="none").sum(dim=1)

    def loss(self, batch) -> torch.Tensor:
        """Mean negative log-likelihood per image in nats (``batch``: images or (images, labels))."""
        images, labels = self.split_batch(batch)
        return -self.log_prob(images, labels).mean()

    @torch.no_grad()
    def sample(
        self, n: int, *, labels=None, generator: torch.Generator | None = None
    ) -> torch.Tensor:
        """Draw ``n`` images pixel by pixel (one pass per pixel); returns (n, *data_shape) in {0, 1}."""
        n = check_positive_int("n", n)
        labels = self.check_labels(self.default_labels(n, labels), n)
        was_training = self.training
        self.eval()
        x = torch.zeros(n, self.num_pixels, device=self.device)
        for i in range(self.num_pixels):  # top to bottom, left to right
            p = torch.sigmoid(self._logits(x, labels)[:, i])
            x[:, i] = bernoulli(p, generator=generator)
        self.train(was_training)
        return self._shaped(x)


class IndependentPixels(_BinaryImages):
    """The baseline: every pixel is its own coin, p(x) = prod_i p(x_i), no dependencies."""

    def __init__(self, num_pixels: int | None = None, *, data_shape=None):
        super().__init__()
        if data_shape is None:
            data_shape = (
                _shape_for(check_positive_int("num_pixels", num_pixels))
                if num_pixels
                else IMAGE_SHAPE
            )
        self.data_shape = tuple(
            int(check_positive_int("data_shape entries", s)) for s in data_shape
        )
        self.num_pixels = math.prod(self.data_shape)
        self.register_buffer("p", torch.full((self.num_pixels,), 0.5))

    def fit_counts(self, x: torch.Tensor, pseudo_count: float = 1.0) -> IndependentPixels:
        """p_i = (ones at pixel i + a) / (N + 2a): the smoothed fraction of images with it on."""
        x = self._flat(x).to(self.p.device)
        self.p = (x.sum(0) + pseudo_count) / (len(x) + 2 * pseudo_count)
        self._steps_trained += 1
        return self

    def log_prob(self, x: torch.Tensor, labels=None) -> torch.Tensor:
        self.check_labels(labels, 1)
        x = self._flat(x)
        return (x * self.p.log() + (1 - x) * (1 - self.p).log()).sum(dim=1)

    def loss(self, batch) -> torch.Tensor:
        images, _ = self.split_batch(batch)
        return -self.log_prob(images).mean()

    @torch.no_grad()
    def sample(
        self, n: int, *, labels=None, generator: torch.Generator | None = None
    ) -> torch.Tensor:
        n = check_positive_int("n", n)
        self.check_labels(labels, n)
        return self._shaped(bernoulli(self.p.expand(n, -1), generator=generator))
