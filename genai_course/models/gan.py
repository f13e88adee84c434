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
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from genai_course.validation import (
    check_choice,
    check_labels,
    check_number,
    check_positive_int,
    check_tensor,
)

GAN_LOSSES = ("non-saturating", "minimax")


@dataclass
class GANConfig:
    data_shape: tuple = (2,)        # (2,) for toy points, (8, 8) for digits
    latent_dim: int = 8             # size of the noise vector z
    hidden: int = 128               # width of both MLPs
    layers: int = 2                 # hidden layers in each MLP
    output: str = "linear"          # "tanh" for images in [-1, 1], "linear" for points
    loss: str = "non-saturating"    # generator loss: "non-saturating" or "minimax"
    num_classes: int = 0            # > 0 makes the GAN class-conditional
    dropout: float = 0.0            # dropout in D: a less sure D gives G steadier gradients

    def __post_init__(self):
        self.data_shape = tuple(int(s) for s in self.data_shape)  # JSON gives back a list


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


class GAN(nn.Module):
    """Generator and discriminator in one module, trained by ``fit`` through ``train_step``."""

    def __init__(self, config: GANConfig | None = None, **overrides):
        super().__init__()
        config = config or GANConfig(**overrides)
        check_positive_int("latent_dim", config.latent_dim)
        check_positive_int("hidden", config.hidden)
        check_positive_int("layers", config.layers)
        check_positive_int("num_classes", config.num_classes, allow_zero=True)
        check_choice("output", config.output, ("linear", "tanh"))
        check_choice("loss", config.loss, GAN_LOSSES)
        self.config = config
        self.data_dim = math.prod(config.data_shape)
        c = config.num_classes
        check_number("dropout", config.dropout, low=0, high=1, high_inclusive=False)
        self.generator = mlp(config.latent_dim + c, config.hidden, config.layers, self.data_dim)
        self.discriminator = mlp(self.data_dim + c, config.hidden, config.layers, 1, config.dropout)
        # Counts training steps; saved with the weights, so a loaded model knows it was trained.
        self.register_buffer("steps_trained", torch.zeros((), dtype=torch.long))

    # ----- the two players -------------------------------------------------------------
    def _labels(self, labels, n: int) -> torch.Tensor | None:
        """Check labels and return them one-hot (or None for an unconditional GAN)."""
        c = self.config.num_classes
        if c == 0:
            if labels is not None:
                raise ValueError("This GAN is unconditional (num_classes=0): do not pass labels.")
            return None
        if labels is None:
            raise ValueError(f"This GAN is class-conditional: pass labels in 0..{c - 1}.")
        return F.one_hot(check_labels("labels", labels, c, n=n), c).float()

    def generate(self, z: torch.Tensor, labels=None) -> torch.Tensor:
        """G(z): noise (n, latent_dim) -> data of shape (n, *data_shape)."""
        z = check_tensor("z", z, ndim=2, last_dims=(self.config.latent_dim,))
        onehot = self._labels(labels, len(z))
        h = z if onehot is None else torch.cat([z, onehot], dim=1)
        x = self.generator(h)
        if self.config.output == "tanh":
            x = torch.tanh(x)
        return x.reshape(len(z), *self.config.data_shape)

    def discriminate(self, x: torch.Tensor, labels=None) -> torch.Tensor:
        """The discriminator's logit l(x), one per row; D(x) = sigmoid(l(x))."""
        flat = x.reshape(len(x), -1)
        if flat.shape[1] != self.data_dim:
            raise ValueError(f"x must have shape (n, {', '.join(map(str, self.config.data_shape))}), "
                             f"got {tuple(x.shape)}.")
        onehot = self._labels(labels, len(x))
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
        return (torch.optim.Adam(self.discriminator.parameters(), lr=lr, betas=(0.5, 0.999)),
                torch.optim.Adam(self.generator.parameters(), lr=lr, betas=(0.5, 0.999)))

    def train_step(self, batch, optimizers) -> dict[str, float]:
        """One update of D on real + fake data, then one update of G against the new D."""
        opt_d, opt_g = optimizers
        real, labels = (batch if isinstance(batch, (tuple, list)) else (batch, None))
        if self.config.num_classes == 0:
            labels = None  # an unconditional GAN ignores labels that come with the data
        n = len(real)
        # 1. discriminator: real -> 1, fake -> 0. detach(): this step must not move G.
        fake = self.generate(torch.randn(n, self.config.latent_dim), labels)
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
        self.steps_trained += 1
        return {"d_loss": d_loss.item(), "g_loss": g_loss.item(),
                "d_real": torch.sigmoid(real_logits).mean().item(),
                "d_fake": torch.sigmoid(fake_logits).mean().item()}

    # ----- generating ------------------------------------------------------------------
    def latent(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        """n noise vectors z ~ N(0, I), shape (n, latent_dim)."""
        n = check_positive_int("n", n)
        if generator is not None and not isinstance(generator, torch.Generator):
            raise TypeError(f"generator must be a torch.Generator or None, got {generator!r}; "
                            "pass class labels by keyword: sample(n, labels=7).")
        return torch.randn(n, self.config.latent_dim, generator=generator)

    @torch.no_grad()
    def sample(self, n: int, generator: torch.Generator | None = None, labels=None) -> torch.Tensor:
        """n new examples, shape (n, *data_shape), on the scale of the training data.

        A conditional GAN given no labels cycles through the classes 0, 1, ..., 9, 0, ...
        """
        n = check_positive_int("n", n)
        if self.config.num_classes and labels is None:
            labels = torch.arange(n) % self.config.num_classes
        return self.generate(self.latent(n, generator), labels)

    @torch.no_grad()
    def interpolate(self, z0, z1, steps: int = 8, labels=None) -> torch.Tensor:
        """G along the straight line from z0 to z1: (steps, *data_shape).

        Smooth changes along the line show that G learned a continuous map from noise to
        data, not a lookup table of training examples.
        """
        steps = check_positive_int("steps", steps)
        d = self.config.latent_dim
        z0 = check_tensor("z0", z0).reshape(-1)
        z1 = check_tensor("z1", z1).reshape(-1)
        if z0.shape != (d,) or z1.shape != (d,):
            raise ValueError(f"z0 and z1 must each hold {d} numbers (latent_dim), "
                             f"got {tuple(z0.shape)} and {tuple(z1.shape)}.")
        t = torch.linspace(0, 1, steps)[:, None]
        return self.generate((1 - t) * z0 + t * z1, labels)
