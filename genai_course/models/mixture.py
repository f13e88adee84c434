"""A Gaussian mixture: the smallest generative model that shows the whole mechanism.

Training adjusts a few numbers (where the bumps are, how wide, how heavy) so that the
training points become likely; generating picks a bump at random and draws a point
from it. Fitted here by gradient descent on the negative log-likelihood, like every
other model of the course (EM would also work, and is faster for this one model).
"""

from __future__ import annotations

import math
from dataclasses import InitVar, dataclass

import torch
from torch import nn

from genai_course.models.contract import GenerativeModel, multinomial
from genai_course.validation import check_positive_int, check_tensor


@dataclass
class MixtureConfig:
    n_components: int = 8  # how many Gaussian bumps
    data_shape: tuple = (2,)  # one data point: (2,) for the toy points, (64,) for flat digits
    dim: InitVar[int | None] = None  # the older name: the length of a point

    def __post_init__(self, dim=None):
        if dim is not None:  # kept without a warning: "dim" reads naturally for points
            self.data_shape = (check_positive_int("dim", dim),)
        self.data_shape = tuple(int(s) for s in self.data_shape)
        if len(self.data_shape) != 1:
            raise ValueError(
                f"A GaussianMixture models flat points: data_shape must be (d,), got "
                f"{self.data_shape}. Flatten images first with x.reshape(len(x), -1)."
            )
        check_positive_int("data_shape[0]", self.data_shape[0])
        check_positive_int("n_components", self.n_components)


class GaussianMixture(GenerativeModel):
    """p(x) = sum_k pi_k N(x; mu_k, diag(sigma_k^2)), with learnable pi, mu, sigma."""

    value_scale = "real"

    def __init__(self, config: MixtureConfig | None = None, **overrides):
        super().__init__()
        config = config or MixtureConfig(**overrides)
        self.config = config
        self.data_shape = config.data_shape
        self.dim = config.data_shape[0]
        k, d = config.n_components, self.dim
        self.logits = nn.Parameter(torch.zeros(k))  # mixing weights, before softmax
        self.means = nn.Parameter(torch.randn(k, d))  # where the bumps sit
        self.log_scales = nn.Parameter(torch.full((k, d), -0.5))  # log of each bump's width

    def _check(self, x) -> torch.Tensor:
        x = check_tensor("x", x, ndim=2, last_dims=(self.dim,))
        return x.float() if x.dtype == torch.float64 else x

    def log_prob(self, x) -> torch.Tensor:
        """log p(x) for each row of x (shape (N, dim))."""
        x = self._check(x)
        scales = self.log_scales.exp()
        z = (x[:, None, :] - self.means) / scales  # (N, K, D)
        log_normal = (-0.5 * z.pow(2) - self.log_scales - 0.5 * math.log(2 * math.pi)).sum(-1)
        return torch.logsumexp(log_normal + self.logits.log_softmax(0), dim=1)

    def loss(self, batch) -> torch.Tensor:
        """Negative log-likelihood per point: what maximum-likelihood training minimises."""
        x, _ = self.split_batch(batch)
        return -self.log_prob(x).mean()

    @torch.no_grad()
    def sample(
        self, n: int, *, labels=None, generator: torch.Generator | None = None
    ) -> torch.Tensor:
        """Draw n new points: choose a component by its weight, then add Gaussian noise."""
        n = check_positive_int("n", n)
        self.check_labels(labels, n)
        component = multinomial(self.logits.softmax(0), n, replacement=True, generator=generator)
        noise = self.randn(n, self.dim, generator=generator)
        return self.means[component] + noise * self.log_scales.exp()[component]
