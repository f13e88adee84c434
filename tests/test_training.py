import pytest
import torch
from torch import nn

from genai_course import History, fit, seed_everything
from genai_course.models import GaussianMixture


class Line(nn.Module):
    """y = a x + b, fitted by mean squared error."""

    def __init__(self):
        super().__init__()
        self.a = nn.Parameter(torch.zeros(1))
        self.b = nn.Parameter(torch.zeros(1))

    def loss(self, batch):
        x, y = batch
        return ((self.a * x + self.b - y) ** 2).mean()


def line_data():
    x = torch.linspace(-1, 1, 200)
    return x, 3 * x - 0.5


def test_loss_falls_and_history_is_recorded():
    model = Line()
    history = fit(model, line_data(), steps=300, lr=0.05, progress=False)
    assert isinstance(history, History) and len(history) == 300
    assert history.steps[0] == 1 and history.steps[-1] == 300
    assert history["loss"][0] > 1.0
    assert history.last("loss", window=20) < 1e-3
    assert abs(model.a.item() - 3) < 0.05 and abs(model.b.item() + 0.5) < 0.05
    assert not model.training  # left in evaluation mode


def test_fit_is_reproducible_under_a_seed():
    data = torch.randn(500, 2) * 0.5 + 1
    runs = []
    for _ in range(2):
        torch.manual_seed(0)
        model = GaussianMixture(n_components=2)
        runs.append(fit(model, data, steps=50, seed=7, progress=False)["loss"])
    assert runs[0] == runs[1]
    torch.manual_seed(0)
    other = fit(GaussianMixture(n_components=2), data, steps=50, seed=8, progress=False)["loss"]
    assert other != runs[0]


def test_dict_losses_are_all_logged():
    class TwoTerms(Line):
        def loss(self, batch):
            mse = super().loss(batch)
            penalty = 0.01 * self.a.pow(2).sum()
            return {"loss": mse + penalty, "mse": mse, "penalty": penalty}

    history = fit(TwoTerms(), line_data(), steps=20, progress=False)
    assert set(history.values) == {"loss", "mse", "penalty"}
    assert len(history["penalty"]) == 20


def test_callbacks_see_every_step():
    seen = []
    fit(Line(), line_data(), steps=15, progress=False,
        callbacks=[lambda step, logs, model: seen.append((step, round(logs["loss"], 8)))])
    assert [s for s, _ in seen] == list(range(1, 16))


def test_progress_bar_can_be_silenced(capsys):
    fit(Line(), line_data(), steps=5, progress=False)
    assert "training" not in capsys.readouterr().err
    fit(Line(), line_data(), steps=5, progress=True, description="line fit")
    assert "line fit" in capsys.readouterr().err


def test_callable_data_and_custom_train_step():
    calls = []

    class TwoPlayer(Line):
        def make_optimizers(self, lr):
            return {"a": torch.optim.SGD([self.a], lr=lr), "b": torch.optim.SGD([self.b], lr=lr)}

        def train_step(self, batch, optimizers):
            calls.append(len(batch[0]))
            for name in ("a", "b"):
                optimizers[name].zero_grad()
                self.loss(batch).backward()
                optimizers[name].step()
            return {"loss": float(self.loss(batch))}

    x, y = line_data()
    get_batch = lambda n, g: (x[:n], y[:n])  # noqa: E731
    history = fit(TwoPlayer(), get_batch, steps=10, batch_size=16, lr=0.1, progress=False)
    assert calls == [16] * 10 and len(history) == 10


def test_fit_errors():
    with pytest.raises(TypeError, match="must be a torch.nn.Module"):
        fit("model", torch.zeros(3), steps=1)
    with pytest.raises(TypeError, match="has no loss"):
        fit(nn.Linear(2, 2), torch.zeros(3, 2), steps=1)
    with pytest.raises(ValueError, match="steps must be a positive integer, got 0"):
        fit(Line(), line_data(), steps=0)
    with pytest.raises(ValueError, match="lr must lie in"):
        fit(Line(), line_data(), steps=1, lr=-1)
    with pytest.raises(ValueError, match="same number of rows"):
        fit(Line(), (torch.zeros(3), torch.zeros(4)), steps=1, progress=False)
    with pytest.raises(ValueError, match="empty"):
        fit(Line(), (torch.zeros(0), torch.zeros(0)), steps=1, progress=False)

    class Exploding(Line):
        def loss(self, batch):
            return super().loss(batch) * float("inf")

    with pytest.raises(FloatingPointError, match="smaller learning rate"):
        fit(Exploding(), line_data(), steps=3, progress=False)


def test_seed_everything_makes_draws_repeat_and_sets_threads():
    import random

    import numpy as np

    seed_everything(5, threads=1)
    first = (random.random(), np.random.rand(), torch.rand(1).item())
    assert torch.get_num_threads() == 1
    seed_everything(5, threads=1)
    assert (random.random(), np.random.rand(), torch.rand(1).item()) == first
    seed_everything(6, threads=1)
    assert torch.rand(1).item() != first[2]
    with pytest.raises(ValueError, match="seed must be a non-negative integer"):
        seed_everything(-1)
    with pytest.raises(ValueError, match="threads must be a positive integer"):
        seed_everything(0, threads=0)


def test_thread_default_follows_the_environment(monkeypatch):
    from genai_course.seeding import default_threads

    monkeypatch.setenv("GENAI_COURSE_THREADS", "1")
    assert default_threads() == 1
    monkeypatch.delenv("GENAI_COURSE_THREADS")
    assert 1 <= default_threads() <= 2
