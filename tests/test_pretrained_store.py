import json

import pytest
import torch

from genai_course.data import fingerprint, load_corpus
from genai_course.models import GaussianMixture
from genai_course.pretrained import CheckpointError, available, load_pretrained, save_checkpoint
from genai_course.pretrained.store import load_checkpoint, load_state_into
from genai_course.recipes import get_recipe, recipe_names, train_and_save


def test_every_recipe_has_a_shipped_checkpoint():
    assert set(recipe_names()) <= set(available()), (
        "a recipe without shipped weights: run `genai-course train NAME`"
    )


@pytest.mark.parametrize("name", available())
def test_shipped_model_scores_what_its_metadata_says(name):
    model = load_pretrained(name)
    if (
        name == "char-gru"
        and fingerprint(load_corpus()) != model.pretrained_metadata["data_fingerprint"]
    ):
        pytest.skip(
            "this Python ships other documentation than the corpus char-gru was measured on"
        )
    recorded = model.pretrained_metadata["metrics"]
    measured = get_recipe(name).evaluate(model)
    for key, value in recorded.items():
        assert measured[key] == pytest.approx(value, rel=1e-3, abs=1e-4), key
    for key in ("config", "data_fingerprint", "steps", "seed"):
        assert key in model.pretrained_metadata


def test_train_and_load_round_trip(tmp_path):
    metadata = train_and_save("toy-mixture", tmp_path, seed=1, progress=False)
    model = load_pretrained("toy-mixture", tmp_path)
    assert model.pretrained_metadata == json.loads((tmp_path / "toy-mixture.json").read_text())
    again = get_recipe("toy-mixture").evaluate(model)
    assert again["test_nll"] == pytest.approx(metadata["metrics"]["test_nll"], abs=1e-4)
    # three blobs of standard deviation 0.25 have an entropy near 0.9 nats; the fit is close
    assert again["test_nll"] < 1.3


def test_missing_corrupt_and_mismatched_files(tmp_path):
    with pytest.raises(CheckpointError, match="Missing checkpoint file .*ghost.safetensors"):
        load_checkpoint(tmp_path / "ghost")
    with pytest.raises(KeyError, match="No recipe called 'ghost'"):
        load_pretrained("ghost", tmp_path)

    save_checkpoint(GaussianMixture(n_components=3), tmp_path / "toy-mixture", {"config": {}})
    (tmp_path / "toy-mixture.safetensors").write_bytes(b"not a tensor file")
    with pytest.raises(CheckpointError, match="toy-mixture.safetensors is not a readable"):
        load_checkpoint(tmp_path / "toy-mixture")

    save_checkpoint(
        GaussianMixture(n_components=5),
        tmp_path / "toy-mixture",
        {"config": {"n_components": 3, "dim": 2}},
    )
    with pytest.raises(CheckpointError, match=r"means has shape \(5, 2\) in the file but \(3, 2\)"):
        load_pretrained("toy-mixture", tmp_path)

    (tmp_path / "toy-mixture.json").write_text("{broken")
    with pytest.raises(CheckpointError, match="is not valid JSON"):
        load_checkpoint(tmp_path / "toy-mixture")


def test_load_state_names_missing_and_extra_tensors():
    model = GaussianMixture(n_components=2)
    state = dict(model.state_dict())
    state.pop("logits")
    state["bonus"] = torch.zeros(1)
    with pytest.raises(
        CheckpointError, match=r"missing tensors \['logits'\]; unexpected tensors \['bonus'\]"
    ):
        load_state_into(model, state, "test.safetensors")


def test_store_does_not_import_the_recipes():
    """The store knows files, the recipes know models: recipes -> store, never back."""
    import ast
    from pathlib import Path

    import genai_course.pretrained.store as store

    tree = ast.parse(Path(store.__file__).read_text())
    top_level = [node for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))]
    assert not any("recipes" in (getattr(node, "module", "") or "") for node in top_level), (
        "store.py must not import genai_course.recipes at import time"
    )


def test_each_recipe_carries_its_card_and_value_scale():
    from genai_course.models.contract import VALUE_SCALES
    from genai_course.recipes import get_recipe, recipe_names

    for name in recipe_names():
        recipe = get_recipe(name)
        assert {"dataset", "intended", "caveats"} <= set(recipe.CARD), f"{name}: the card's words"
        assert recipe.VALUE_SCALE is None or recipe.VALUE_SCALE in VALUE_SCALES, name
    model = load_pretrained("digits-vae")
    assert model.pretrained_metadata["value_scale"] == model.value_scale == "unit"
    assert model.steps_trained > 0, "an old checkpoint's step counter must load"
