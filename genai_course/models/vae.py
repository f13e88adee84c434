"""An autoencoder and a variational autoencoder (Kingma & Welling, 2014), both MLPs.

The **autoencoder** squeezes each input through a small code z (the *bottleneck*) and
rebuilds it. It learns to compress, but nothing says where codes lie, so decoding a
random z ~ N(0, I) usually lands in a region no training example was mapped to.

The **VAE** makes the code random: the encoder outputs a mean mu and a log-variance
log sigma^2, z = mu + sigma * eps with eps ~ N(0, I) (the *reparameterisation*, which lets
gradients flow through the sampling), and training maximises the evidence lower bound

    ELBO = E_q[log p(x | z)] - KL(q(z | x) || N(0, I)) <= log p(x).

The first term rebuilds the input; the second pulls every code distribution towards the
unit Gaussian, which is what makes *sampling the prior* give sensible images. We
minimise -ELBO = reconstruction + KL, in nats per example.

Decoders: ``"bernoulli"`` for images in [0, 1] (the decoder outputs pixel probabilities
and the reconstruction term is a binary cross-entropy summed over the 64 pixels), and
``"gaussian"`` for 2D points (a learned noise level per coordinate). With
``num_classes > 0`` a one-hot label is given to encoder and decoder, so one can decode
"a 7" from any z.
"""

from __future__ import annotations

import math
from dataclasses import InitVar, dataclass

import torch
import torch.nn.functional as F
from torch import nn

from genai_course.models.contract import GenerativeModel, check_generator, legacy
from genai_course.validation import (
    check_choice,
    check_number,
    check_positive_int,
    check_tensor,
)


@dataclass
class VAEConfig:
    data_shape: tuple = (8, 8)  # (8, 8) for digits, (2,) for toy points
    latent_dim: int = 2  # 2 to draw the latent space; 8-16 for better images
    hidden: int = 256  # width of the encoder and decoder MLPs
    likelihood: str = "bernoulli"  # "bernoulli" for [0, 1] pixels, "gaussian" for points
    beta: float = 1.0  # weight of the KL term (1 = the true ELBO)
    num_classes: int = 0  # > 0 makes the model class-conditional
    layers: int = 2  # hidden layers in the encoder and in the decoder
    hidden_size: InitVar[int | None] = None  # old name of ``hidden``

    def __post_init__(self, hidden_size=None):
        legacy(self, "hidden_size", "hidden", hidden_size)
        self.data_shape = tuple(int(s) for s in self.data_shape)  # JSON gives back a list
        for s in self.data_shape:
            check_positive_int("data_shape entries", s)
        check_positive_int("latent_dim", self.latent_dim)
        check_positive_int("hidden", self.hidden)
        check_positive_int("layers", self.layers)
        check_positive_int("num_classes", self.num_classes, allow_zero=True)
        check_choice("likelihood", self.likelihood, ("bernoulli", "gaussian"))
        check_number("beta", self.beta, low=0)


def _mlp(n_in: int, hidden: int, layers: int, n_out: int) -> nn.Sequential:
    blocks, width = [], n_in
    for _ in range(layers):
        blocks += [nn.Linear(width, hidden), nn.ReLU()]
        width = hidden
    return nn.Sequential(*blocks, nn.Linear(width, n_out))


def gaussian_kl(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """KL(N(mu, diag(sigma^2)) || N(0, I)) per row, in nats.

    Kingma & Welling (2014), appendix B: -KL = 1/2 sum_j (1 + log sigma_j^2 - mu_j^2 - sigma_j^2).
    """
    return 0.5 * (mu.pow(2) + logvar.exp() - 1 - logvar).sum(dim=1)


class Autoencoder(GenerativeModel):
    """x -> encoder -> z (latent_dim numbers) -> decoder -> x'. Deterministic."""

    def __init__(self, config: VAEConfig | None = None, **overrides):
        super().__init__()
        config = config or VAEConfig(**overrides)
        self.config = config
        self.num_classes = config.num_classes
        self.data_shape = config.data_shape
        # A Bernoulli decoder reads and writes pixel intensities in [0, 1].
        self.value_scale = "unit" if config.likelihood == "bernoulli" else "real"
        self.data_dim = math.prod(config.data_shape)
        c, h, d = config.num_classes, config.hidden, config.latent_dim
        self.encoder = _mlp(self.data_dim + c, h, config.layers, self._code_size())
        self.decoder = _mlp(d + c, h, config.layers, self.data_dim)
        if config.likelihood == "gaussian":
            self.log_noise = nn.Parameter(torch.full((self.data_dim,), -1.0))

    def _code_size(self) -> int:
        return self.config.latent_dim

    # ----- inputs ----------------------------------------------------------------------
    def _split(self, batch):
        """A batch is x, or (x, labels); an unconditional model ignores labels."""
        return self.split_batch(batch)

    def _with_labels(self, h: torch.Tensor, labels) -> torch.Tensor:
        onehot = self.one_hot(labels, len(h))
        return h if onehot is None else torch.cat([h, onehot], dim=1)

    def _flat(self, x) -> torch.Tensor:
        """Checked data (shape, dtype, value scale), one flat row per example."""
        x = check_tensor("x", x, ndim=(2, len(self.config.data_shape) + 1))
        return self.check_data(x).reshape(len(x), -1)

    # ----- encoder and decoder ---------------------------------------------------------
    def encode(self, x, labels=None) -> torch.Tensor:
        """The code z of each input, shape (n, latent_dim)."""
        return self.encoder(self._with_labels(self._flat(x), labels))

    def decode_logits(self, z, labels=None) -> torch.Tensor:
        """The decoder's raw output, flat (n, data_dim): logits (Bernoulli) or means (Gaussian)."""
        z = check_tensor("z", z, ndim=2, last_dims=(self.config.latent_dim,))
        z = z.float() if z.dtype == torch.float64 else z  # NumPy's float64 into a float32 model
        return self.decoder(self._with_labels(z, labels))

    def decode(self, z, labels=None) -> torch.Tensor:
        """The decoder's mean for each z, shaped like the data (pixel probabilities in [0, 1])."""
        out = self.decode_logits(z, labels)
        if self.config.likelihood == "bernoulli":
            out = torch.sigmoid(out)
        return out.reshape(len(out), *self.config.data_shape)

    def reconstruction_nll(self, x_flat: torch.Tensor, out: torch.Tensor) -> torch.Tensor:
        """-log p(x | z) per example, in nats (summed over pixels or coordinates)."""
        if self.config.likelihood == "bernoulli":
            return F.binary_cross_entropy_with_logits(out, x_flat, reduction="none").sum(dim=1)
        var = (2 * self.log_noise).exp()
        return 0.5 * (((x_flat - out) ** 2) / var + 2 * self.log_noise + math.log(2 * math.pi)).sum(
            dim=1
        )

    def _count_step(self) -> None:
        if self.training and torch.is_grad_enabled():
            self._steps_trained += 1

    # ----- the objective ---------------------------------------------------------------
    def loss(self, batch) -> dict[str, torch.Tensor]:
        """Reconstruction error only: an autoencoder is trained to copy through the bottleneck."""
        x, labels = self._split(batch)
        flat = self._flat(x)
        rec = self.reconstruction_nll(
            flat, self.decode_logits(self.encode(x, labels), labels)
        ).mean()
        self._count_step()
        return {"loss": rec, "reconstruction": rec}

    @torch.no_grad()
    def reconstruct(self, x, labels=None) -> torch.Tensor:
        """Encode and decode (the code's mean for a VAE): what survives the bottleneck."""
        z = self.encode(x, labels)
        z = z[0] if isinstance(z, tuple) else z
        return self.decode(z, labels)

    @torch.no_grad()
    def sample(
        self, n: int, *, labels=None, generator: torch.Generator | None = None
    ) -> torch.Tensor:
        """Decode n draws z ~ N(0, I). Good for a VAE; an autoencoder was never asked to
        put its codes there, so its samples show what the prior misses.
        A conditional model given no labels cycles through the classes 0, 1, 2, ...
        """
        n = check_positive_int("n", n)
        z = self.randn(n, self.config.latent_dim, generator=check_generator(generator))
        return self.decode(z, self.default_labels(n, labels))


class VAE(Autoencoder):
    """The encoder outputs (mu, log sigma^2); z is sampled; the loss is -ELBO."""

    def _code_size(self) -> int:
        return 2 * self.config.latent_dim  # a mean and a log-variance per latent dimension

    def encode(self, x, labels=None) -> tuple[torch.Tensor, torch.Tensor]:
        """The mean and log-variance of q(z | x), each (n, latent_dim)."""
        mu, logvar = super().encode(x, labels).chunk(2, dim=1)
        return mu, logvar

    @staticmethod
    def reparameterise(mu, logvar, generator: torch.Generator | None = None) -> torch.Tensor:
        """z = mu + sigma * eps, eps ~ N(0, I): the randomness sits in eps, so gradients
        reach mu and sigma through ordinary arithmetic."""
        if generator is None or generator.device == mu.device:
            eps = torch.randn(mu.shape, generator=generator, dtype=mu.dtype, device=mu.device)
        else:  # a CPU generator for a model elsewhere: draw on the CPU, then move
            eps = torch.randn(
                mu.shape, generator=generator, dtype=mu.dtype, device=generator.device
            ).to(mu.device)
        return mu + (0.5 * logvar).exp() * eps

    def loss(self, batch, generator: torch.Generator | None = None) -> dict[str, torch.Tensor]:
        """-ELBO per example = reconstruction + KL (one z per example), in nats.

        ``loss`` (what training minimises) is reconstruction + beta * KL; ``neg_elbo`` is
        always reconstruction + KL, the bound on -log p(x) itself.
        """
        x, labels = self._split(batch)
        flat = self._flat(x)
        mu, logvar = self.encode(x, labels)
        z = self.reparameterise(mu, logvar, generator)
        rec = self.reconstruction_nll(flat, self.decode_logits(z, labels)).mean()
        kl = gaussian_kl(mu, logvar).mean()
        self._count_step()
        return {
            "loss": rec + self.config.beta * kl,
            "reconstruction": rec,
            "kl": kl,
            "neg_elbo": rec + kl,
        }
