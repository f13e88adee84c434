"""A small U-Net for images: the network behind DDPM and Stable Diffusion, cut down to 8x8.

A U-Net (Ronneberger et al. 2015, used for diffusion by Ho et al. 2020) reads an image
with small convolutions at two resolutions: residual blocks at full size, a strided
convolution down to half size for more blocks, then back up, where the full-size
features from before the way down are joined again (the "skip" that gives the U its
second arm). Every residual block adds an embedding of the noise level t and of the
label to its channels, as in Ho et al. (2020), so one network serves every noise level.

Why a convolution and not an MLP: the same 3x3 filter slides over every position, so a
stroke learned in one place is known everywhere. With only 1,437 training digits that
prior matters: measured on the digits, it generalises before it memorises (see the
digits-flow recipe and its model card).

Shapes: ``net(x, t, labels)`` takes x of shape (n, H, W) with even H and W, t of shape
(n,), labels of shape (n,) or None, and returns a tensor shaped like x.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from genai_course.models.time_embedding import time_embedding

GROUPS = 8  # GroupNorm groups: normalises each image on its own, unlike BatchNorm


class ResidualBlock(nn.Module):
    """h + conv(conv(h) + embedding): two 3x3 convolutions, told (t, label) in between.

    Dropout before the second convolution, as in Ho et al. (2020), who needed it against
    over-fitting on CIFAR-10; on 1,437 digits over-fitting means copying them.
    """

    def __init__(self, channels: int, embedding: int, dropout: float = 0.0):
        super().__init__()
        self.norm1 = nn.GroupNorm(GROUPS, channels)
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1)
        self.condition = nn.Linear(embedding, channels)  # one added value per channel
        self.norm2 = nn.GroupNorm(GROUPS, channels)
        self.drop = nn.Dropout(dropout)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1)

    def forward(self, h: torch.Tensor, condition: torch.Tensor) -> torch.Tensor:
        z = self.conv1(F.silu(self.norm1(h))) + self.condition(condition)[:, :, None, None]
        return h + self.conv2(self.drop(F.silu(self.norm2(z))))


class TimeUNet(nn.Module):
    """net(x_t, t, label) -> a tensor shaped like x_t, for (n, H, W) images.

    ``config.hidden`` channels at full size and twice that at half size;
    ``config.layers`` residual blocks on each of the three stretches (down, middle, up);
    ``config.dropout`` inside each block.
    Label index ``num_classes`` is the "no label" token of classifier-free guidance.
    """

    def __init__(self, config):
        super().__init__()
        self.config = config
        c, e, d = config.hidden, 4 * config.hidden, config.dropout
        self.time = nn.Sequential(nn.Linear(config.time_features, e), nn.SiLU(), nn.Linear(e, e))
        self.label = nn.Embedding(config.num_classes + 1, e) if config.num_classes else None
        self.stem = nn.Conv2d(1, c, 3, padding=1)
        self.down_blocks = nn.ModuleList(ResidualBlock(c, e, d) for _ in range(config.layers))
        self.down = nn.Conv2d(c, 2 * c, 3, stride=2, padding=1)
        self.middle_blocks = nn.ModuleList(ResidualBlock(2 * c, e, d) for _ in range(config.layers))
        self.up = nn.Conv2d(2 * c, c, 3, padding=1)
        self.merge = nn.Conv2d(2 * c, c, 1)  # the way up joined with the skip from the way down
        self.up_blocks = nn.ModuleList(ResidualBlock(c, e, d) for _ in range(config.layers))
        self.out = nn.Sequential(nn.GroupNorm(GROUPS, c), nn.SiLU(), nn.Conv2d(c, 1, 3, padding=1))
        nn.init.zeros_(self.out[-1].weight)  # starts by predicting 0 everywhere
        nn.init.zeros_(self.out[-1].bias)

    def forward(
        self, x: torch.Tensor, t: torch.Tensor, labels: torch.Tensor | None = None
    ) -> torch.Tensor:
        condition = self.time(time_embedding(t, self.config.time_features))
        if self.label is not None:
            if labels is None:  # no label given: the unconditional "no label" token
                labels = torch.full(
                    (len(x),), self.config.num_classes, device=x.device, dtype=torch.long
                )
            condition = condition + self.label(labels)
        condition = F.silu(condition)
        h = self.stem(x.reshape(len(x), 1, *x.shape[1:]))
        for block in self.down_blocks:
            h = block(h, condition)
        skip = h
        h = self.down(h)
        for block in self.middle_blocks:
            h = block(h, condition)
        h = self.up(F.interpolate(h, scale_factor=2, mode="nearest"))
        h = self.merge(torch.cat([h, skip], dim=1))
        for block in self.up_blocks:
            h = block(h, condition)
        return self.out(h).reshape(x.shape)


__all__ = ["ResidualBlock", "TimeUNet"]
