"""A small digits classifier: the judge and the feature extractor of lesson 05.

Generated images need a referee. A classifier trained on real digits answers two
questions about them: *which digit is this?* (so we can count the class mix of the
samples) and *what does it look like, in the classifier's eyes?* Its last hidden layer
is a vector of 64 features; comparing the statistics of these features between real
and generated images is the idea behind the Fréchet Inception Distance (FID), with this
tiny network standing in for Inception.

The network is deliberately small (two 3x3 convolutions, one pooling, two linear
layers, about 38k parameters) so it trains in seconds and ships in about 150 kB.
It reads images in the "unit" scale [0, 1] of :func:`genai_course.data.load_digits`.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn
from torch.nn import functional as F

from genai_course.validation import check_number, check_positive_int, check_tensor


@dataclass
class ClassifierConfig:
    channels: int = 16  # filters of the first convolution (the second has twice as many)
    feature_dim: int = 64  # size of the feature vector (the last hidden layer)
    num_classes: int = 10
    dropout: float = 0.1  # on the features, during training only


class DigitClassifier(nn.Module):
    """Image (N, 8, 8) in [0, 1] -> class logits (N, 10); ``features`` gives the layer before."""

    def __init__(self, config: ClassifierConfig | None = None, **overrides):
        super().__init__()
        config = config or ClassifierConfig(**overrides)
        check_positive_int("channels", config.channels)
        check_positive_int("feature_dim", config.feature_dim)
        check_positive_int("num_classes", config.num_classes)
        check_number("dropout", config.dropout, low=0, high=1, high_inclusive=False)
        self.config = config
        c = config.channels
        self.conv1 = nn.Conv2d(1, c, kernel_size=3, padding=1)  # strokes and edges, 8x8
        self.conv2 = nn.Conv2d(c, 2 * c, kernel_size=3, padding=1)  # stroke combinations
        self.hidden = nn.Linear(2 * c * 4 * 4, config.feature_dim)  # after 2x2 pooling: 4x4
        self.head = nn.Linear(config.feature_dim, config.num_classes)

    def _check(self, images) -> torch.Tensor:
        images = check_tensor("images", images, ndim=(3, 4), last_dims=(8, 8), min_len=1)
        if images.ndim == 4 and images.shape[1] != 1:
            raise ValueError(
                f"images must have one channel, shape (N, 1, 8, 8) or (N, 8, 8); "
                f"got {tuple(images.shape)}."
            )
        return images.float().reshape(len(images), 1, 8, 8)

    def features(self, images) -> torch.Tensor:
        """The 64 numbers per image that the final layer turns into class scores."""
        x = self._check(images)
        x = F.relu(self.conv1(x))
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return F.relu(self.hidden(x.flatten(1)))

    def forward(self, images) -> torch.Tensor:
        features = F.dropout(self.features(images), self.config.dropout, self.training)
        return self.head(features)

    def loss(self, batch) -> torch.Tensor:
        """Cross-entropy of the true labels: ``batch`` is ``(images, labels)``."""
        images, labels = batch
        return F.cross_entropy(self(images), labels)

    @torch.no_grad()
    def predict(self, images) -> torch.Tensor:
        """The most likely class of each image, as a LongTensor of shape (N,)."""
        was_training = self.training
        self.eval()
        try:
            return self(images).argmax(dim=1)
        finally:
            self.train(was_training)
