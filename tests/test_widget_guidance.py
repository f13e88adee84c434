import pytest
import torch

from genai_course.data import load_digits
from genai_course.models.flow import FlowConfig, FlowMatching
from genai_course.widgets.guidance import GuidanceExplorer, diversity


class FakeGuided:
    """Real test digits; the guidance weight w decides the share asked for (w / (1 + w))
    and shrinks the pool of distinct images the answers come from (less diversity)."""

    num_classes = 10
    value_scale = "unit"
    device = torch.device("cpu")

    def __init__(self):
        data = load_digits("unit")
        self.x, self.y = data.x_test, data.y_test
        self.calls = []

    def sample(self, n, *, labels=None, generator=None, guidance=0.0, steps=None):
        self.calls.append((labels.tolist(), guidance, steps))
        digit = int(labels[0])
        right = self.x[self.y == digit]
        wrong = self.x[self.y != digit]
        pool = max(1, int(len(right) / (1 + 4 * guidance)))
        n_right = round(n * guidance / (1 + guidance)) if guidance < 5 else n
        r = right[torch.randint(pool, (n_right,), generator=generator)]
        w = wrong[torch.randint(len(wrong), (n - n_right,), generator=generator)]
        return torch.cat([r, w])


def test_diversity_known_values():
    assert diversity(torch.zeros(5, 3)) == 0.0
    assert diversity(torch.tensor([[0.0, 0.0], [3.0, 4.0]])) == pytest.approx(5.0)
    with pytest.raises(ValueError, match="n >= 2"):
        diversity(torch.zeros(1, 3))


def test_builds_and_reports_accuracy_and_diversity():
    model = FakeGuided()
    ex = GuidanceExplorer(model, n=16, digit=3)
    assert "genai-guidance" in ex.widget._dom_classes
    assert ex.image.value[:8] == b"\x89PNG\r\n\x1a\n"
    assert model.calls[-1] == ([3] * 16, 0.0, None)
    assert "digit <b>3</b>" in ex.status.value and "diversity" in ex.status.value
    assert ex.last["accuracy"] < 0.2  # w = 0: the fake model never draws the asked digit


def test_slider_and_picker_drive_the_samples():
    model = FakeGuided()
    ex = GuidanceExplorer(model, n=16, digit=3, steps=7)
    low = ex.last
    ex.slider.value = 5.0
    high = ex.last
    assert model.calls[-1] == ([3] * 16, 5.0, 7)
    assert high["accuracy"] > 0.9 and high["accuracy"] > low["accuracy"]
    assert high["diversity"] < low["diversity"]
    ex.digit_buttons.value = 8
    assert model.calls[-1][0] == [8] * 16 and ex.last["digit"] == 8


def test_same_noise_for_every_weight_and_sweep():
    ex = GuidanceExplorer(FakeGuided(), n=8)
    a, b = ex.measure(7, 1.0), ex.measure(7, 1.0)
    assert torch.equal(a["images"], b["images"])
    rows = ex.sweep(7, [0.0, 2.0])
    assert [r["guidance"] for r in rows] == [0.0, 2.0] and "images" not in rows[0]


def test_works_with_a_real_flow_model():
    model = FlowMatching(FlowConfig(num_classes=10, hidden=16, layers=2, time_features=8))
    ex = GuidanceExplorer(model, n=4, steps=2)
    assert ex.last["images"].shape == (4, 8, 8)
    assert 0 <= ex.last["accuracy"] <= 1


def test_clear_errors():
    with pytest.raises(ValueError, match="class-conditional"):
        GuidanceExplorer(FlowMatching(FlowConfig(hidden=8, layers=1, time_features=4)))
    with pytest.raises(ValueError, match="digit"):
        GuidanceExplorer(FakeGuided(), digit=10)
    with pytest.raises(ValueError, match="at least 2"):
        GuidanceExplorer(FakeGuided(), n=1)
    with pytest.raises(TypeError, match="sample"):
        GuidanceExplorer(object())
