import pytest
import torch

from genai_course.metrics import near_copy_fraction, nearest_neighbour_distances, novelty_report


def test_nearest_neighbour_distances_known_answer():
    reference = torch.tensor([[0.0, 0.0], [10.0, 0.0]])
    samples = torch.tensor([[3.0, 4.0], [10.0, 1.0]])
    assert torch.allclose(nearest_neighbour_distances(samples, reference), torch.tensor([5.0, 1.0]))
    images = torch.zeros(3, 8, 8)
    assert torch.equal(nearest_neighbour_distances(images, images), torch.zeros(3))


def test_copies_are_flagged_and_fresh_draws_are_not():
    g = torch.Generator().manual_seed(0)
    train, heldout, fresh = (torch.randn(500, 2, generator=g) for _ in range(3))
    copies = train[:200] + 1e-4 * torch.randn(200, 2, generator=g)
    copied = novelty_report(copies, train, heldout)
    assert copied.near_copy_fraction == 1.0
    new = novelty_report(fresh, train, heldout)
    assert new.near_copy_fraction < 0.15
    assert new.heldout_near_copy_fraction == pytest.approx(0.05, abs=0.01)
    assert "near-copies" in str(new)
    assert near_copy_fraction(copies, train, threshold=1e-3) == 1.0


def test_novelty_errors():
    with pytest.raises(ValueError, match="samples have 3 values per example but reference has 2"):
        nearest_neighbour_distances(torch.zeros(4, 3), torch.zeros(4, 2))
    with pytest.raises(ValueError, match="at least 1 rows"):
        nearest_neighbour_distances(torch.zeros(0, 2), torch.zeros(4, 2))
    with pytest.raises(ValueError, match="NaN"):
        nearest_neighbour_distances(torch.full((2, 2), float("nan")), torch.zeros(4, 2))
    with pytest.raises(ValueError, match="threshold"):
        near_copy_fraction(torch.zeros(2, 2), torch.zeros(2, 2), threshold=-1)
