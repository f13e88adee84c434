import ipywidgets as widgets
import pytest
import torch

from genai_course import fit
from genai_course.models import GAN, VAE, Autoencoder
from genai_course.widgets.latent import LatentExplorer, LatentInterpolator
from genai_course.widgets.monitor import TrainingMonitor

PNG = b"\x89PNG"


def trained(model):
    model.steps_trained += 1  # as if fit() had run: the widgets only check the counter
    return model.eval()


@pytest.fixture
def vae():
    torch.manual_seed(0)
    return trained(VAE(latent_dim=2, hidden=16))


def test_monitor_records_what_it_was_given_and_redraws_every_n_steps():
    monitor = TrainingMonitor(every=2, sample_fn=lambda model: model.sample(4))
    gan = GAN(data_shape=(8, 8), output="tanh", hidden=16)
    logs = [
        {"d_loss": 1.4, "g_loss": 0.7},
        {"d_loss": 1.3, "g_loss": 0.8},
        {"d_loss": 1.2, "g_loss": 0.9},
    ]
    for step, entry in enumerate(logs, start=1):
        monitor(step, entry, gan)
    assert monitor.history.steps == [1, 2, 3]
    assert monitor.history["d_loss"] == [1.4, 1.3, 1.2] and monitor.history["g_loss"] == [
        0.7,
        0.8,
        0.9,
    ]
    assert monitor.refreshes == 1  # at step 2 only
    assert bytes(monitor.curves.value).startswith(PNG) and bytes(monitor.samples.value).startswith(
        PNG
    )
    first = monitor.samples.value
    monitor(4, {"d_loss": 1.1, "g_loss": 1.0}, gan)
    assert monitor.refreshes == 2 and "step 4" in monitor.status.value
    assert "genai-training-monitor" in monitor.widget._dom_classes
    assert isinstance(monitor.curves, widgets.Image) and monitor.samples.value != first


def test_monitor_as_a_fit_callback_with_points():
    gan = GAN(latent_dim=2, hidden=16)
    monitor = TrainingMonitor(every=5, sample_fn=lambda model: model.sample(50))
    history = fit(
        gan, torch.randn(100, 2), steps=10, batch_size=16, progress=False, callbacks=[monitor]
    )
    assert monitor.history.values == history.values and monitor.refreshes == 2
    assert gan.training is False


def test_monitor_errors():
    with pytest.raises(ValueError, match="every must be a positive integer"):
        TrainingMonitor(every=0)
    with pytest.raises(TypeError, match="sample_fn must be a function"):
        TrainingMonitor(sample_fn=3)
    with pytest.raises(RuntimeError, match="has not been given any step"):
        TrainingMonitor().refresh()
    monitor = TrainingMonitor(every=1, sample_fn=lambda model: torch.zeros(3, 4, 5, 6))
    with pytest.raises(ValueError, match=r"images \(n, H, W\) or points \(n, 2\)"):
        monitor(1, {"loss": 1.0}, GAN())


def test_slider_change_decodes_the_expected_image(vae):
    explorer = LatentExplorer(vae)
    assert "genai-latent-explorer" in explorer.widget._dom_classes
    assert all(isinstance(s, widgets.FloatSlider) for s in explorer.sliders)
    first_png = explorer.image.value
    assert bytes(first_png).startswith(PNG)
    explorer.sliders[0].value = 1.5
    explorer.sliders[1].value = -0.5
    expected = vae.decode(torch.tensor([[1.5, -0.5]]))[0]
    assert torch.allclose(explorer.current_image(), expected)
    assert explorer.image.value != first_png
    image = explorer.set_latent([0.5, -1])
    assert torch.allclose(image, vae.decode(torch.tensor([[0.5, -1.0]]))[0])
    assert [s.value for s in explorer.sliders] == [0.5, -1.0]
    assert explorer.current_latent().tolist() == [0.5, -1.0]


def test_explorer_on_a_pair_of_dims_of_a_larger_latent():
    torch.manual_seed(0)
    vae = trained(VAE(latent_dim=5, hidden=16, num_classes=10))
    explorer = LatentExplorer(vae, dims=(1, 3), label=7)
    explorer.sliders[1].value = 2.0  # z[3]
    z = torch.tensor([[0.0, 0.0, 0.0, 2.0, 0.0]])
    assert torch.allclose(explorer.current_image(), vae.decode(z, torch.tensor([7]))[0])
    with pytest.raises(ValueError, match="class-conditional: pass label="):
        LatentExplorer(vae)


def test_explorer_works_for_a_gan_and_an_autoencoder():
    gan = trained(GAN(data_shape=(8, 8), latent_dim=2, output="tanh", hidden=16))
    z = torch.tensor([0.3, 0.2])
    assert torch.allclose(LatentExplorer(gan).set_latent(z), gan.decode(z[None])[0])
    ae = trained(Autoencoder(latent_dim=2, hidden=16))
    assert LatentExplorer(ae).current_image().shape == (8, 8)


def test_interpolator(vae):
    z0, z1 = torch.tensor([-2.0, 0.0]), torch.tensor([2.0, 1.0])
    widget = LatentInterpolator(vae, z0, z1, steps=5)
    assert torch.allclose(widget.set_t(0.0), vae.decode(z0[None])[0])
    assert torch.allclose(widget.set_t(0.25), vae.decode(torch.tensor([[-1.0, 0.25]]))[0])
    assert torch.allclose(widget.set_t(1.0), vae.decode(z1[None])[0])
    assert widget.path().shape == (5, 8, 8) and bytes(widget.strip.value).startswith(PNG)
    x = torch.rand(2, 8, 8)
    between = LatentInterpolator.between_images(vae, x[0], x[1])
    mu, _ = vae.encode(x)
    assert torch.allclose(between.z0, mu[0]) and torch.allclose(between.z1, mu[1])
    with pytest.raises(ValueError, match=r"t must lie in \[0, 1\]"):
        widget.set_t(1.5)


def test_widget_errors(vae):
    with pytest.raises(ValueError, match="z must hold 2 numbers"):
        LatentExplorer(vae).set_latent([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="z1 must hold 2 numbers"):
        LatentInterpolator(vae, torch.zeros(2), torch.zeros(4))
    with pytest.raises(RuntimeError, match="has not been trained"):
        LatentExplorer(VAE(latent_dim=2, hidden=16))
    assert LatentExplorer(
        VAE(latent_dim=2, hidden=16), allow_untrained=True
    ).current_image().shape == (8, 8)
    with pytest.raises(ValueError, match="dims must be distinct latent dimensions in 0..1"):
        LatentExplorer(vae, dims=(0, 2))
    with pytest.raises(ValueError, match="steps must be a positive integer"):
        LatentInterpolator(vae, torch.zeros(2), torch.ones(2), steps=0)
    with pytest.raises(TypeError, match=r"has no decode\(z\)"):
        LatentExplorer(torch.nn.Linear(2, 2), allow_untrained=True)
