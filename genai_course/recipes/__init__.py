"""Recipes: how each shipped model is built and trained, one module per model.

A recipe module defines

- ``NAME`` and ``DESCRIPTION``;
- ``CARD``: the model card's words that metadata cannot give (``dataset``, ``intended``,
  ``factors``, ``ethics``, ``caveats``) and ``VALUE_SCALE`` (what ``sample`` returns, or
  None for a language model): a new shipped model is this one file;
- ``build(config: dict) -> nn.Module``: an untrained model from a config;
- ``train(seed: int, progress: bool) -> (model, metadata)``: train from scratch with a fixed
  step budget; ``metadata`` holds at least ``config``, ``data_fingerprint``, ``steps``,
  ``seed`` and the measured ``metrics``;
- ``evaluate(model) -> dict``: the validation figures, recomputed on demand (the tests
  check that a shipped model still scores what its metadata says).

``genai-course train NAME`` runs the recipe and writes the checkpoint into
``genai_course/pretrained``. New recipes are found automatically.
"""

from __future__ import annotations

import importlib
import pkgutil
import time
from pathlib import Path
from types import ModuleType

from genai_course.pretrained.store import (
    PRETRAINED_DIR,
    load_checkpoint,
    load_state_into,
    save_checkpoint,
)


def _modules() -> dict[str, ModuleType]:
    found = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        found[module.NAME] = module
    return found


def recipe_names() -> list[str]:
    return sorted(_modules())


def get_recipe(name: str) -> ModuleType:
    recipes = _modules()
    if name not in recipes:
        raise KeyError(f"No recipe called {name!r}. Available: {', '.join(sorted(recipes))}.")
    return recipes[name]


def train_and_save(name: str, out_dir=None, *, seed: int = 0, progress: bool = True) -> dict:
    """Train the named model from scratch and write its checkpoint; return its metadata."""
    recipe = get_recipe(name)
    start = time.perf_counter()
    model, metadata = recipe.train(seed=seed, progress=progress)
    metadata = {
        "name": name,
        "description": recipe.DESCRIPTION,
        "seed": seed,
        **getattr(recipe, "CARD", {}),
        "value_scale": getattr(recipe, "VALUE_SCALE", None),
        "train_seconds": round(time.perf_counter() - start, 1),
        **metadata,
    }
    for key in ("config", "data_fingerprint", "steps", "metrics"):
        if key not in metadata:
            raise KeyError(f"Recipe {name!r} returned metadata without {key!r}.")
    save_checkpoint(model, Path(out_dir or PRETRAINED_DIR) / name, metadata)
    return metadata


def load_pretrained(name: str, directory=None):
    """Rebuild the model called ``name`` from its recipe and load its shipped weights.

    The model comes back in evaluation mode; ``model.pretrained_metadata`` holds how it
    was trained and what was measured, with the recipe's model-card words and value scale.
    """
    recipe = get_recipe(name)
    stem = Path(directory or PRETRAINED_DIR) / name
    state, metadata = load_checkpoint(stem)
    model = recipe.build(metadata.get("config", {}))
    load_state_into(model, state, stem.with_suffix(".safetensors"))
    if not any(k.endswith("steps_trained") for k in state) and hasattr(model, "_steps_trained"):
        model.steps_trained = int(metadata.get("steps", 0))  # saved before the counter existed
    model.eval()
    extra = {**getattr(recipe, "CARD", {}), "value_scale": getattr(recipe, "VALUE_SCALE", None)}
    model.pretrained_metadata = {**extra, **metadata}
    declared = getattr(model, "value_scale", None)
    if (
        extra["value_scale"] is not None
        and declared is not None
        and declared != extra["value_scale"]
    ):
        raise RuntimeError(
            f"Recipe {name!r} says VALUE_SCALE={extra['value_scale']!r} but the model "
            f"declares {declared!r}: fix the recipe."
        )
    return model
