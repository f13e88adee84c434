"""A generative adversarial network (Goodfellow et al., 2014) made of two small MLPs.

The **generator** G turns a noise vector z ~ N(0, I) into a data point; the
**discriminator** D reads a data point and outputs the probability that it is real.
They play the minimax game

    min_G max_D  V(D, G) = E_x[log D(x)] + E_z[log(1 - D(G(z)))].

D is trained to tell real from fake; G is trained to fool D. Nobody ever writes down
the density of the data: G learns to *sample* it, and D is the only teacher it has.

Two generator losses are offered (``GANConfig.loss``):

- ``"minimax"``: G minimises log(1 - D(G(z))), the game exactly as written. Early in
  training D rejects G's samples easily, D(G(z)) ~ 0, and this loss is flat there: its
  gradient *saturates* and G learns slowly.
- ``"non-saturating"``: G maximises log D(G(z)) instead. Same fixed point, strong
  gradients when G is bad. This is what the paper recommends in practice.

With ``num_classes > 0`` the GAN is class-conditional: a one-hot label is appended to
the noise of G and to the input of D, so one can ask for "a 7".

The GAN follows the course's contract (:mod:`genai_course.models.contract`): ``decode(z)``
is G(z), ``sample(n)`` decodes fresh noise, ``value_scale`` is "symmetric" for a tanh
output (images in [-1, 1]) and "real" for a linear one (points).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import InitVar, dataclass

import torch
import torch.nn.functional as F
from torch import nn

from genai_course.models.contract import GenerativeModel, legacy
from genai_course.validation import (
    check_choice,
    check_number,
    check_positive_int,
    check_tensor,
)

GAN_LOSSES = ("non-saturating", "minimax")


@dataclass
class GANConfig:
    data_shape: tuple = (2,)  # (2,) for toy points, (8, 8) for digits
    latent_dim: int = 8  # size of the noise vector z
    hidden: int = 128  # width of both MLPs
    layers: int = 2  # hidden layers in each MLP
    output: str = "linear"  # "tanh" for images in [-1, 1], "linear" for points
    loss: str = "non-saturating"  # generator loss: "non-saturating" or "minimax"
    num_classes: int = 0  # > 0 makes the GAN class-conditional
    dropout: float = 0.0  # dropout in D: a less sure D gives G steadier gradients
    num_layers: InitVar[int | None] = None  # old name of ``layers``

    def __post_init__(self, num_layers=None):
        legacy(self, "num_layers", "layers", num_layers)
        self.data_shape = tuple(int(s) for s in self.data_shape)  # JSON gives back a list
        for s in self.data_shape:
            check_positive_int("data_shape entries", s)
        check_positive_int("latent_dim", self.latent_dim)
        check_positive_int("hidden", self.hidden)
        check_positive_int("layers", self.layers)
        check_positive_int("num_classes", self.num_classes, allow_zero=True)
        check_choice("output", self.output, ("linear", "tanh"))
        check_choice("loss", self.loss, GAN_LOSSES)
        check_number("dropout", self.dropout, low=0, high=1, high_inclusive=False)


def mlp(n_in: int, hidden: int, layers: int, n_out: int, dropout: float = 0.0) -> nn.Sequential:
    """Linear -> LeakyReLU(0.2) [-> Dropout] blocks, then a linear read-out.

    LeakyReLU keeps a gradient for negative inputs too, so neither player gets stuck.
    """
    blocks, width = [], n_in
    for _ in range(layers):
        blocks += [nn.Linear(width, hidden), nn.LeakyReLU(0.2)]
        if dropout:
            blocks.append(nn.Dropout(dropout))
        width = hidden
    return nn.Sequential(*blocks, nn.Linear(width, n_out))


class GAN(GenerativeModel):
    """Generator and discriminator in one module, trained by ``fit`` through ``train_step``."""

    def __init__(self, config: GANConfig | None = None, **overrides):
        super().__init__()
        config = config or GANConfig(**overrides)
        self.config = config
        self.num_classes = config.num_classes
        self.data_shape = config.data_shape
        self.value_scale = "symmetric" if config.output == "tanh" else "real"
        self.data_dim = math.prod(config.data_shape)
        c = config.num_classes
        self.generator = mlp(config.latent_dim + c, config.hidden, config.layers, self.data_dim)
        self.discriminator = mlp(self.data_dim + c, config.hidden, config.layers, 1, config.dropout)

    # ----- the two players -------------------------------------------------------------
    def decode(self, z: torch.Tensor, labels=None) -> torch.Tensor:
        """G(z): noise (n, latent_dim) -> data of shape (n, *data_shape)."""
        z = check_tensor("z", z, ndim=2, last_dims=(self.config.latent_dim,))
        z = z.float() if z.dtype == torch.float64 else z  # NumPy's float64 into a float32 model
        onehot = self.one_hot(labels, len(z))
        h = z if onehot is None else torch.cat([z, onehot], dim=1)
        x = self.generator(h)
        if self.config.output == "tanh":
            x = torch.tanh(x)
        return x.reshape(len(z), *self.config.data_shape)

    def generate(self, z: torch.Tensor, labels=None) -> torch.Tensor:
        """The old name of :meth:`decode` (G(z)); kept so older notebooks still run."""
        warnings.warn(
            "GAN.generate(z) is now GAN.decode(z), as for every model with a latent.",
            DeprecationWarning,
            stacklevel=2,
        )
        return self.decode(z, labels)

    def discriminate(self, x: torch.Tensor, labels=None) -> torch.Tensor:
        """The discriminator's logit l(x), one per row; D(x) = sigmoid(l(x))."""
        flat = x.reshape(len(x), -1)
        if flat.shape[1] != self.data_dim:
            raise ValueError(
                f"x must have shape (n, {', '.join(map(str, self.config.data_shape))}), "
                f"got {tuple(x.shape)}."
            )
        onehot = self.one_hot(labels, len(x))
        h = flat if onehot is None else torch.cat([flat, onehot], dim=1)
        return self.discriminator(h).squeeze(1)

    # ----- the losses ------------------------------------------------------------------
    # With logits l, log D = -softplus(-l) and log(1 - D) = -softplus(l): stable for any l.
    @staticmethod
    def discriminator_loss(real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
        """-(E[log D(x)] + E[log(1 - D(G(z)))]) = -V(D, G): D ascends V by descending this."""
        return F.softplus(-real_logits).mean() + F.softplus(fake_logits).mean()

    def generator_loss(self, fake_logits: torch.Tensor) -> torch.Tensor:
        """Minimax: E[log(1 - D(G(z)))]. Non-saturating: -E[log D(G(z))]."""
        if self.config.loss == "minimax":
            return -F.softplus(fake_logits).mean()
        return F.softplus(-fake_logits).mean()

    # ----- training, as fit() calls it -------------------------------------------------
    def make_optimizers(self, lr: float):
        """One Adam per player; beta1 = 0.5 (Radford et al., 2016) damps the oscillations."""
        return (
            torch.optim.Adam(self.discriminator.parameters(), lr=lr, betas=(0.5, 0.999)),
            torch.optim.Adam(self.generator.parameters(), lr=lr, betas=(0.5, 0.999)),
        )

    def train_step(self, batch, optimizers) -> dict[str, float]:
        """One update of D on real + fake data, then one update of G against the new D."""
        opt_d, opt_g = optimizers
        real, labels = self.split_batch(batch)  # an unconditional GAN ignores labels
        real = self.check_data(real, "real data")
        n = len(real)
        # 1. discriminator: real -> 1, fake -> 0. detach(): this step must not move G.
        fake = self.decode(self.randn(n, self.config.latent_dim), labels)
        real_logits = self.discriminate(real, labels)
        fake_logits = self.discriminate(fake.detach(), labels)
        d_loss = self.discriminator_loss(real_logits, fake_logits)
        opt_d.zero_grad(set_to_none=True)
        d_loss.backward()
        opt_d.step()
        # 2. generator: make the (updated) discriminator call the fakes real.
        g_loss = self.generator_loss(self.discriminate(fake, labels))
        opt_g.zero_grad(set_to_none=True)
        g_loss.backward()
        opt_g.step()  # only G's optimizer steps; D's stale gradients are zeroed next time
        self._steps_trained += 1
        return {
            "d_loss": d_loss.item(),
            "g_loss": g_loss.item(),
            "d_real": torch.sigmoid(real_logits).mean().item(),
            "d_fake": torch.sigmoid(fake_logits).mean().item(),
        }

    # ----- generating ------------------------------------------------------------------
    def latent(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        """n noise vectors z ~ N(0, I), shape (n, latent_dim)."""
        n = check_positive_int("n", n)
        return self.randn(n, self.config.latent_dim, generator=generator)

    @torch.no_grad()
    def sample(
        self, n: int, *, labels=None, generator: torch.Generator | None = None
    ) -> torch.Tensor:
        """n new examples, shape (n, *data_shape), on the scale of the training data.

        A conditional GAN given no labels cycles through the classes 0, 1, ..., 9, 0, ...
        """
        n = check_positive_int("n", n)
        return self.decode(self.latent(n, generator), self.default_labels(n, labels))

    @torch.no_grad()
    def interpolate(self, z0, z1, steps: int = 8, labels=None) -> torch.Tensor:
        """G along the straight line from z0 to z1: (steps, *data_shape).

        Smooth changes along the line show that G learned a continuous map from noise to
        data, not a lookup table of training examples.
        """
        steps = check_positive_int("steps", steps)
        d = self.config.latent_dim
        z0 = check_tensor("z0", z0).reshape(-1).to(self.device)
        z1 = check_tensor("z1", z1).reshape(-1).to(self.device)
        if z0.shape != (d,) or z1.shape != (d,):
            raise ValueError(
                f"z0 and z1 must each hold {d} numbers (latent_dim), "
                f"got {tuple(z0.shape)} and {tuple(z1.shape)}."
            )
        t = torch.linspace(0, 1, steps, device=self.device)[:, None]
        return self.decode((1 - t) * z0 + t * z1, labels)
