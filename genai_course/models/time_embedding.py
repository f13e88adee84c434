"""How a denoising network is told the noise level t: sines and cosines of t.

Shared by the two networks of :mod:`genai_course.models.flow` (the residual MLP) and
:mod:`genai_course.models.unet` (the small U-Net).
"""

from __future__ import annotations

import math

import torch


def time_embedding(t: torch.Tensor, size: int) -> torch.Tensor:
    """Sines and cosines of t in [0, 1] at ``size // 2`` frequencies, shape (n, size).

    The "positional encoding" of Vaswani et al. (2017), used for noise levels by Ho et al.
    (2020): it lets an MLP tell t = 0.50 from t = 0.51 without learning that itself.
    """
    half = size // 2
    freqs = torch.exp(
        torch.arange(half, device=t.device, dtype=torch.float32)
        * (-math.log(1000.0) / max(half - 1, 1))
    )
    angles = 1000.0 * t.float().reshape(-1, 1) * freqs
    return torch.cat([angles.sin(), angles.cos()], dim=1)
