import pytest
import torch

from genai_course.data import load_digits
from genai_course.models.classifier import ClassifierConfig, DigitClassifier
from genai_course.pretrained import load_pretrained
from genai_course.recipes import get_recipe


def test_shipped_classifier_scores_as_recorded():
    model = load_pretrained("digits-classifier")
    recorded = model.pretrained_metadata["metrics"]
    assert recorded["test_accuracy"] >= 0.97
    assert recorded["test_accuracy_binarised"] >= 0.93
    measured = get_recipe("digits-classifier").evaluate(model)
    assert measured == pytest.approx(recorded, abs=1e-4)
    digits = load_digits("unit")
    assert float((model.predict(digits.x_test) == digits.y_test).float().mean()) == pytest.approx(
        recorded["test_accuracy"], abs=1e-4
    )


def test_shapes_and_features():
    model = DigitClassifier()
    x = torch.rand(5, 8, 8)
    assert model(x).shape == (5, 10)
    assert model(x[:, None]).shape == (5, 10)
    assert model.features(x).shape == (5, ClassifierConfig().feature_dim)
    assert (model.features(x) >= 0).all()  # after a ReLU
    assert model.predict(x).dtype == torch.long
    assert model.training  # predict() restores the mode it found
    n_params = sum(p.numel() for p in model.parameters())
    assert 30_000 < n_params < 50_000


def test_classifier_learns_a_few_steps():
    from genai_course import fit

    digits = load_digits("unit")
    torch.manual_seed(0)
    model = DigitClassifier()
    history = fit(model, (digits.x_train, digits.y_train), steps=30, lr=3e-3, progress=False)
    assert history.last("loss", 5) < 0.8 * history["loss"][0]


def test_classifier_input_errors():
    model = DigitClassifier()
    with pytest.raises(ValueError, match=r"shape \(\.\.\., 8, 8\)"):
        model(torch.zeros(2, 7, 7))
    with pytest.raises(ValueError, match="one channel"):
        model(torch.zeros(2, 3, 8, 8))
    with pytest.raises(ValueError, match="at least 1 rows"):
        model(torch.zeros(0, 8, 8))
    with pytest.raises(ValueError, match="feature_dim must be a positive integer"):
        DigitClassifier(feature_dim=0)
