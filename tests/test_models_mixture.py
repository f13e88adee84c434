import math

import pytest
import torch

from genai_course import fit
from genai_course.models import GaussianMixture


def test_log_prob_matches_a_single_gaussian():
    model = GaussianMixture(n_components=1, dim=2)
    with torch.no_grad():
        model.means.zero_()
        model.log_scales.zero_()
    x = torch.tensor([[0.0, 0.0], [1.0, 2.0]])
    expected = -0.5 * (x**2).sum(1) - math.log(2 * math.pi)
    assert torch.allclose(model.log_prob(x), expected)


def test_fit_recovers_two_blobs_and_samples_them():
    torch.manual_seed(0)
    data = torch.cat(
        [
            torch.randn(500, 2) * 0.1 + torch.tensor([2.0, 0.0]),
            torch.randn(1500, 2) * 0.1 - torch.tensor([2.0, 0.0]),
        ]
    )
    model = GaussianMixture(n_components=2)
    fit(model, data, steps=400, lr=0.05, batch_size=256, progress=False)
    samples = model.sample(4000, generator=torch.Generator().manual_seed(0))
    right = (samples[:, 0] > 0).float().mean()
    assert abs(float(right) - 0.25) < 0.03
    with torch.no_grad():
        assert float(model.loss(data)) < -1.0  # tight blobs: high density
    a = model.sample(5, generator=torch.Generator().manual_seed(3))
    b = model.sample(5, generator=torch.Generator().manual_seed(3))
    assert torch.equal(a, b)


def test_mixture_errors():
    model = GaussianMixture(n_components=2)
    with pytest.raises(ValueError, match=r"x must have shape \(\.\.\., 2\)"):
        model.log_prob(torch.zeros(4, 3))
    with pytest.raises(ValueError, match="n must be a positive integer"):
        model.sample(0)
    with pytest.raises(ValueError, match="n_components must be a positive integer"):
        GaussianMixture(n_components=0)
