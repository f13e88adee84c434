import pytest
import torch

from genai_course.data import load_digits
from genai_course.metrics.precision_recall import (
    digit_precision_recall,
    kth_neighbour_radii,
    precision_recall,
)


def test_radii_are_kth_neighbour_distances_on_a_line():
    x = torch.tensor([[0.0], [1.0], [3.0], [7.0]])
    assert kth_neighbour_radii(x, k=1).tolist() == [1.0, 1.0, 2.0, 4.0]
    assert kth_neighbour_radii(x, k=2).tolist() == [3.0, 2.0, 3.0, 6.0]


def test_identical_sets_score_one_and_one():
    x = torch.randn(200, 5, generator=torch.Generator().manual_seed(0))
    pr = precision_recall(x, x.clone(), k=3)
    assert pr.precision == 1.0 and pr.recall == 1.0


def test_mode_collapse_keeps_precision_and_loses_recall():
    g = torch.Generator().manual_seed(0)
    centres = torch.tensor([[0.0, 0.0], [10.0, 0.0]])
    real = torch.cat([c + 0.5 * torch.randn(200, 2, generator=g) for c in centres])
    collapsed = centres[0] + 0.5 * torch.randn(400, 2, generator=g)  # one of two modes
    pr = precision_recall(real, collapsed, k=3)
    assert pr.precision > 0.9
    assert 0.4 < pr.recall < 0.6  # half of the real data is never produced


def test_off_manifold_samples_lose_precision_not_recall():
    g = torch.Generator().manual_seed(1)
    real = torch.randn(300, 2, generator=g)
    # every real point is covered by a broad, noisy generator, most of whose samples are far off
    noisy = 6 * torch.randn(300, 2, generator=g)
    pr = precision_recall(real, noisy, k=3)
    assert pr.precision < 0.3
    assert pr.recall > 0.8


def test_real_digits_against_held_out_digits_score_high():
    data = load_digits("unit")
    pr = digit_precision_recall(data.x_train[:300], data.x_test[:300], "unit")
    assert pr.precision > 0.7 and pr.recall > 0.7
    assert "precision" in str(pr) and pr.n_real == pr.n_generated == 300


def test_clear_errors():
    with pytest.raises(ValueError, match="k must be smaller"):
        kth_neighbour_radii(torch.zeros(3, 2), k=3)
    with pytest.raises(ValueError, match="same feature extractor"):
        precision_recall(torch.zeros(5, 2), torch.zeros(5, 3))
    with pytest.raises(ValueError, match="2 dimensions"):
        precision_recall(torch.zeros(5), torch.zeros(5, 3))
