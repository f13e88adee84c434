import pytest
import torch

from genai_course import fit
from genai_course.cli import main
from genai_course.models import GaussianMixture
from genai_course.plotting import image_grid, plot_history, scatter_compare


def test_image_grid_lays_out_and_labels():
    ax = image_grid(torch.rand(10, 8, 8), nrow=5, title="ten", labels=range(10))
    assert ax.get_title() == "ten"
    image = ax.get_images()[0].get_array()
    assert image.shape == (2 * 11 + 3, 5 * 9 + 1)  # labelled rows get a 3-pixel gap above
    assert image_grid(torch.rand(10, 8, 8), nrow=5).get_images()[0].get_array().shape == (19, 46)
    assert len(ax.texts) == 10
    image_grid(torch.rand(4, 64))  # flat square images are accepted
    with pytest.raises(ValueError, match="not square"):
        image_grid(torch.rand(4, 60))


def test_plot_history_and_scatter_are_labelled():
    model = GaussianMixture(n_components=2)
    history = fit(model, torch.randn(100, 2), steps=5, progress=False)
    ax = plot_history(history, title="NLL")
    assert ax.get_xlabel() == "training step" and ax.get_legend() is not None
    ax = scatter_compare(torch.randn(50, 2), model.sample(50))
    assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title()
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["training data", "model samples"]
    with pytest.raises(ValueError, match=r"shape \(N, 2\)"):
        scatter_compare(torch.randn(5, 3))
    with pytest.raises(TypeError, match="History returned by fit"):
        plot_history([1, 2, 3])


def test_cli_models_and_train(tmp_path, capsys):
    assert main(["models"]) == 0
    assert "toy-mixture" in capsys.readouterr().out
    assert main(["train", "toy-mixture", "--out", str(tmp_path), "--quiet"]) == 0
    assert (tmp_path / "toy-mixture.safetensors").exists()
    assert main(["train", "nonexistent", "--quiet"]) == 2
    assert "No recipe called 'nonexistent'" in capsys.readouterr().err


def test_get_lessons_from_a_checkout_copies_notebooks_and_refuses_a_file(tmp_path, capsys):
    assert main(["get-lessons", str(tmp_path / "mine")]) == 0
    copied = sorted(p.name for p in (tmp_path / "mine" / "lessons").glob("*.ipynb"))
    assert copied and all(name[:2].isdigit() for name in copied)
    assert list((tmp_path / "mine" / "exercises").glob("*.py")), (
        "`check` needs the exercise sources"
    )
    (tmp_path / "file").write_text("x")
    assert main(["get-lessons", str(tmp_path / "file")]) == 2
    assert "not a folder" in capsys.readouterr().err


def test_image_grid_shows_colour_images_channels_first_or_last():
    import matplotlib

    matplotlib.use("Agg")
    import torch

    from genai_course.plotting import image_grid

    red = torch.zeros(2, 3, 4, 4)
    red[:, 0] = 1.0  # pure red, channels first as torch stores images
    ax = image_grid(red, nrow=2, vmin=0, vmax=1)
    shown = ax.images[0].get_array()
    assert shown.shape == (1 + 4 + 1, 1 + 2 * (4 + 1), 3)
    assert (shown[1, 1] == [1.0, 0.0, 0.0]).all() and (shown[0, 0] == [1.0, 1.0, 1.0]).all()
    last = image_grid(red.permute(0, 2, 3, 1), nrow=2, vmin=0, vmax=1).images[0].get_array()
    assert (last == shown).all()
    with pytest.raises(ValueError, match=r"\(N, 3, H, W\)"):
        image_grid(torch.rand(2, 2, 4, 4))
