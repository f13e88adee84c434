"""Recipes: how each shipped model is built and trained, one module per model.

A recipe module defines

- ``NAME`` and ``DESCRIPTION``;
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

from genai_course.pretrained.store import PRETRAINED_DIR, save_checkpoint


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
    metadata = {"name": name, "description": recipe.DESCRIPTION, "seed": seed,
                "train_seconds": round(time.perf_counter() - start, 1), **metadata}
    for key in ("config", "data_fingerprint", "steps", "metrics"):
        if key not in metadata:
            raise KeyError(f"Recipe {name!r} returned metadata without {key!r}.")
    save_checkpoint(model, Path(out_dir or PRETRAINED_DIR) / name, metadata)
    return metadata
