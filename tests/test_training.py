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
    fit(
        Line(),
        line_data(),
        steps=15,
        progress=False,
        callbacks=[lambda step, logs, model: seen.append((step, round(logs["loss"], 8)))],
    )
    assert [s for s, _ in seen] == list(range(1, 16))


def test_progress_bar_can_be_silenced(capsys):
    fit(Line(), line_data(), steps=5, progress=False)
    assert "training" not in capsys.readouterr().out
    fit(Line(), line_data(), steps=5, progress=True, description="line fit")
    assert "line fit" in capsys.readouterr().out  # stdout: no red stderr box in JupyterLab


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
    monkeypatch.setenv("GENAI_COURSE_THREADS", "two")
    with pytest.raises(ValueError, match="GENAI_COURSE_THREADS must be a whole number"):
        default_threads()
    monkeypatch.delenv("GENAI_COURSE_THREADS")
    assert default_threads() == 1  # the default that never collapses on a busy machine


def test_seed_everything_prints_nothing():
    assert seed_everything(3, threads=1) is None  # a notebook's first cell shows no stray "3"


def test_device_default_follows_the_environment(monkeypatch):
    from genai_course.seeding import default_device

    monkeypatch.delenv("GENAI_COURSE_DEVICE", raising=False)
    assert default_device() == torch.device("cpu")
    monkeypatch.setenv("GENAI_COURSE_DEVICE", "nonsense")
    with pytest.raises(ValueError, match="GENAI_COURSE_DEVICE='nonsense' is not a device"):
        default_device()


# ----- fit takes what PyTorch users have -----------------------------------------------------
def _line_numpy():
    import numpy as np

    x = np.linspace(-1, 1, 200)  # float64, NumPy's default
    return x, 3 * x - 0.5


@pytest.mark.parametrize("kind", ["tensors", "numpy", "dataset", "dataloader", "function"])
def test_fit_accepts_every_kind_of_data(kind):
    from torch.utils.data import DataLoader, TensorDataset

    x, y = line_data()
    data = {
        "tensors": (x, y),
        "numpy": _line_numpy(),
        "dataset": TensorDataset(x, y),
        "dataloader": DataLoader(TensorDataset(x, y), batch_size=50, shuffle=True),
        "function": lambda n, g: (lambda rows: (x[rows], y[rows]))(
            torch.randint(200, (n,), generator=g)
        ),
    }[kind]
    model = Line()
    history = fit(model, data, steps=300, lr=0.05, progress=False)
    assert len(history) == 300, f"{kind}: every step must run, cycling through the data"
    assert history.last("loss", window=20) < 1e-2, f"{kind}: the line must be learned"


def test_fit_explains_data_it_cannot_use():
    with pytest.raises(TypeError, match="got tuple of"):
        fit(Line(), ("a", "b"), steps=1, progress=False)
    with pytest.raises(TypeError, match="list of numbers"):
        fit(Line(), [1.0, 2.0, 3.0], steps=1, progress=False)


def test_fit_takes_an_optimizer():
    model = Line()
    sgd = torch.optim.SGD(model.parameters(), lr=0.1)
    history = fit(model, line_data(), steps=200, optimizer=sgd, progress=False)
    assert history.last("loss", window=10) < 1e-2, "an SGD optimizer passed in must be used"
    history = fit(Line(), line_data(), steps=200, lr=0.1, optimizer=torch.optim.SGD, progress=False)
    assert history.last("loss", window=10) < 1e-2, "an optimizer class must be built with lr"
    with pytest.raises(TypeError, match="optimizer must be"):
        fit(Line(), line_data(), steps=1, optimizer="adam", progress=False)


def test_one_callback_or_several_and_early_stopping():
    from genai_course.training import StopTraining

    seen = []
    fit(
        Line(),
        line_data(),
        steps=5,
        progress=False,
        callbacks=lambda step, logs, m: seen.append(step),
    )
    assert seen == [1, 2, 3, 4, 5], "a single callback must be called after every step"
    history = fit(
        Line(),
        line_data(),
        steps=100,
        progress=False,
        callbacks=[lambda s, logs, m: None, lambda s, logs, m: s < 7],
    )
    assert len(history) == 7 and history.stopped == "callback", (
        "returning False must stop after that step"
    )

    def stop(step, logs, model):
        if step == 3:
            raise StopTraining

    history = fit(Line(), line_data(), steps=100, progress=False, callbacks=stop)
    assert len(history) == 3 and history.stopped == "callback"


def test_history_survives_ctrl_c():
    def interrupt(step, logs, model):
        if step == 4:
            raise KeyboardInterrupt

    model = Line()
    with pytest.warns(UserWarning, match="interrupted after 4 of 50 steps"):
        history = fit(model, line_data(), steps=50, progress=False, callbacks=interrupt)
    assert len(history) == 4 and history.stopped == "interrupted"
    assert not model.training


def test_history_repr_is_short():
    history = fit(Line(), line_data(), steps=2000, progress=False)
    assert len(repr(history)) < 200, "a History shown at the end of a cell must fit on a line"
    assert repr(history).startswith("History(2000 steps")


def test_fit_counts_steps_trained():
    model = GaussianMixture(n_components=2)
    assert model.steps_trained == 0
    fit(model, torch.randn(100, 2), steps=7, progress=False)
    fit(model, torch.randn(100, 2), steps=3, progress=False)
    assert model.steps_trained == 10, "fit must add one per optimiser step"


def test_progress_bar_shows_its_final_state(capsys):
    fit(Line(), line_data(), steps=30, progress=True)
    out = capsys.readouterr().out
    assert "30/30" in out, "the bar's stored output must end on the last step, not 0/30"


def test_language_models_count_steps_too():
    from genai_course.models import MLPLM

    ids = torch.arange(100) % 5
    model = MLPLM(vocab_size=5, block_size=3, hidden=8)
    fit(model, (ids[:-1].view(-1, 9)[:, :-1], ids[:-1].view(-1, 9)[:, 1:]), steps=4, progress=False)
    assert model.steps_trained == 4, "fit counts steps on language models as on every model"


def test_early_stopping_keeps_the_weights_of_the_best_validation_check():
    from genai_course.early_stopping import fit_with_early_stopping

    model, checks, seen = Line(), iter([3.0, 1.0, 2.0, 5.0]), []

    def scripted_validation(m):  # the second check (step 20) is the best one
        seen.append(m.a.item())
        return next(checks)

    best = fit_with_early_stopping(
        model,
        line_data(),
        phases=((20, 0.05), (20, 0.01)),  # checks at steps 10, 20 (phase 1), 30, 40 (phase 2)
        validation_loss=scripted_validation,
        eval_every=10,
        batch_size=64,
        progress=False,
    )
    assert best == {"step": 20, "loss": 1.0}
    assert len(seen) == 4 and model.a.item() == pytest.approx(seen[1])
    assert model.a.item() != pytest.approx(seen[3])  # not simply the last weights
    assert not model.training


def test_early_stopping_says_when_no_check_could_run():
    from genai_course.early_stopping import fit_with_early_stopping

    with pytest.raises(ValueError, match="eval_every"):
        fit_with_early_stopping(
            Line(),
            line_data(),
            phases=((5, 0.05),),
            validation_loss=lambda m: 0.0,
            eval_every=10,
            batch_size=8,
            progress=False,
        )
