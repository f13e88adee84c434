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
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from genai_course.validation import check_positive_int, check_tensor

IMAGE_SHAPE = (8, 8)
NUM_PIXELS = 64


@dataclass
class PixelConfig:
    hidden: int = 256
    num_layers: int = 2
    num_classes: int | None = None  # e.g. 10 to condition on the digit's label
    num_pixels: int = NUM_PIXELS


class MaskedLinear(nn.Linear):
    """A linear layer whose weight is multiplied by a fixed 0/1 mask (rows: outputs)."""

    def __init__(self, in_features: int, out_features: int, mask: torch.Tensor):
        super().__init__(in_features, out_features)
        self.register_buffer("mask", mask.float(), persistent=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.linear(x, self.weight * self.mask, self.bias)


def _check_images(x, num_pixels: int) -> torch.Tensor:
    x = check_tensor("images", x, ndim=(2, 3))
    x = x.reshape(len(x), -1).float()
    if x.shape[1] != num_pixels:
        raise ValueError(f"images must have {num_pixels} pixels each ((N, 8, 8) or (N, 64)), "
                         f"got {x.shape[1]}.")
    if not ((x == 0) | (x == 1)).all():
        raise ValueError("pixels must be 0 or 1: load the digits with load_digits('binary').")
    return x


def _bits_per_pixel(nll_nats: torch.Tensor | float, num_pixels: int = NUM_PIXELS) -> float:
    """Convert a mean NLL per image in nats into bits per pixel."""
    return float(nll_nats) / (num_pixels * math.log(2))


class PixelMADE(nn.Module):
    """p(x) = prod_i p(x_i | x_<i [, label]), each factor a Bernoulli from a masked MLP."""

    def __init__(self, config: PixelConfig | None = None, **overrides):
        super().__init__()
        config = config or PixelConfig(**overrides)
        D = check_positive_int("num_pixels", config.num_pixels)
        H = check_positive_int("hidden", config.hidden)
        check_positive_int("num_layers", config.num_layers)
        if config.num_classes is not None:
            check_positive_int("num_classes", config.num_classes)
        self.config = config
        # degrees: pixel i (0-based) has degree i + 1; hidden units cycle through 1 .. D - 1
        pixel_degree = torch.arange(1, D + 1)
        hidden_degree = torch.arange(H) % (D - 1) + 1
        layers, previous = [], pixel_degree
        for _ in range(config.num_layers):
            # a hidden unit of degree d sees inputs of degree <= d
            layers.append(MaskedLinear(len(previous), H, hidden_degree[:, None] >= previous[None, :]))
            previous = hidden_degree
        self.hidden_layers = nn.ModuleList(layers)
        # output i (degree i + 1) sees hidden units of degree < i + 1, i.e. pixels before it
        self.output = MaskedLinear(H, D, pixel_degree[:, None] > hidden_degree[None, :])
        # a direct pixel -> output path, strictly lower triangular (pixel j < i feeds output i)
        self.direct = MaskedLinear(D, D, pixel_degree[:, None] > pixel_degree[None, :])
        if config.num_classes is not None:
            self.label_hidden = nn.Embedding(config.num_classes, H * config.num_layers)
            self.label_output = nn.Embedding(config.num_classes, D)

    def _check_labels(self, labels, n: int) -> torch.Tensor | None:
        if self.config.num_classes is None:
            if labels is not None:
                raise ValueError("This model was built without num_classes, so it takes no labels.")
            return None
        if labels is None:
            raise ValueError(f"This model is class-conditional: pass labels (0 .. "
                             f"{self.config.num_classes - 1}), one per image.")
        labels = torch.as_tensor(labels, dtype=torch.long)
        labels = labels.expand(n) if labels.ndim == 0 else labels
        if labels.shape != (n,) or labels.min() < 0 or labels.max() >= self.config.num_classes:
            raise ValueError(f"labels must be {n} integers in [0, {self.config.num_classes}), "
                             f"got shape {tuple(labels.shape)}.")
        return labels

    def logits(self, x: torch.Tensor, labels=None) -> torch.Tensor:
        """Logit of p(x_i = 1 | x_<i) for every pixel i, in one pass: (N, 64)."""
        x = _check_images(x, self.config.num_pixels)
        labels = self._check_labels(labels, len(x))
        h = x
        extra = self.label_hidden(labels).chunk(self.config.num_layers, dim=-1) if labels is not None else None
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
        """log p(x) in nats for each image: the sum of 64 Bernoulli log-likelihoods."""
        flat = _check_images(x, self.config.num_pixels)
        logits = self.logits(flat, labels)
        return -F.binary_cross_entropy_with_logits(logits, flat, reduction="none").sum(dim=1)

    def loss(self, batch) -> torch.Tensor:
        """Mean negative log-likelihood per image in nats (``batch``: images or (images, labels))."""
        if isinstance(batch, (tuple, list)):
            images, labels = batch if self.config.num_classes is not None else (batch[0], None)
        else:
            images, labels = batch, None
        return -self.log_prob(images, labels).mean()

    def bits_per_pixel(self, x: torch.Tensor, labels=None) -> float:
        with torch.no_grad():
            return _bits_per_pixel(-self.log_prob(x, labels).mean(), self.config.num_pixels)

    @torch.no_grad()
    def sample(self, n: int, generator: torch.Generator | None = None, labels=None) -> torch.Tensor:
        """Draw ``n`` images pixel by pixel (64 passes); returns (n, 8, 8) in {0, 1}."""
        n = check_positive_int("n", n)
        labels = self._check_labels(labels, n)
        was_training = self.training
        self.eval()
        x = torch.zeros(n, self.config.num_pixels)
        for i in range(self.config.num_pixels):  # top to bottom, left to right
            p = torch.sigmoid(self.logits(x, labels)[:, i])
            x[:, i] = torch.bernoulli(p, generator=generator)
        self.train(was_training)
        return x.view(n, *IMAGE_SHAPE) if self.config.num_pixels == NUM_PIXELS else x


class IndependentPixels(nn.Module):
    """The baseline: every pixel is its own coin, p(x) = prod_i p(x_i), no dependencies."""

    def __init__(self, num_pixels: int = NUM_PIXELS):
        super().__init__()
        self.num_pixels = check_positive_int("num_pixels", num_pixels)
        self.register_buffer("p", torch.full((num_pixels,), 0.5))

    def fit_counts(self, x: torch.Tensor, pseudo_count: float = 1.0) -> IndependentPixels:
        """p_i = (ones at pixel i + a) / (N + 2a): the smoothed fraction of images with it on."""
        x = _check_images(x, self.num_pixels)
        self.p = (x.sum(0) + pseudo_count) / (len(x) + 2 * pseudo_count)
        return self

    def log_prob(self, x: torch.Tensor) -> torch.Tensor:
        x = _check_images(x, self.num_pixels)
        return (x * self.p.log() + (1 - x) * (1 - self.p).log()).sum(dim=1)

    def loss(self, batch) -> torch.Tensor:
        images = batch[0] if isinstance(batch, (tuple, list)) else batch
        return -self.log_prob(images).mean()

    def bits_per_pixel(self, x: torch.Tensor) -> float:
        return _bits_per_pixel(-self.log_prob(x).mean(), self.num_pixels)

    @torch.no_grad()
    def sample(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        n = check_positive_int("n", n)
        x = torch.bernoulli(self.p.expand(n, -1), generator=generator)
        return x.view(n, *IMAGE_SHAPE) if self.num_pixels == NUM_PIXELS else x
