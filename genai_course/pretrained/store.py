"""Saving and loading checkpoints safely, with errors that name the file and the problem.

Files only: this module knows nothing of models' recipes. Rebuilding a shipped model by
name is :func:`genai_course.recipes.load_pretrained` (also ``genai_course.pretrained``).
"""

from __future__ import annotations

import json
from pathlib import Path

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

PRETRAINED_DIR = Path(__file__).resolve().parent


class CheckpointError(RuntimeError):
    """A checkpoint is missing, unreadable, or does not fit the model it is loaded into."""


def _paths(stem: Path) -> tuple[Path, Path]:
    stem = Path(stem)
    return stem.with_suffix(".safetensors"), stem.with_suffix(".json")


def save_checkpoint(model: torch.nn.Module, stem, metadata: dict) -> tuple[Path, Path]:
    """Write ``stem.safetensors`` (the weights) and ``stem.json`` (``metadata``)."""
    weights_path, meta_path = _paths(stem)
    weights_path.parent.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    save_file(state, str(weights_path))
    meta_path.write_text(json.dumps(metadata, indent=2, sort_keys=True) + "\n")
    return weights_path, meta_path


def load_checkpoint(stem) -> tuple[dict[str, torch.Tensor], dict]:
    """Read the weights and metadata of a checkpoint, without unpickling anything."""
    weights_path, meta_path = _paths(stem)
    for path in (weights_path, meta_path):
        if not path.exists():
            raise CheckpointError(
                f"Missing checkpoint file {path}. Train it with "
                f"`genai-course train {weights_path.stem}`."
            )
    try:
        state = load_file(str(weights_path))
    except (SafetensorError, OSError, ValueError) as error:
        raise CheckpointError(
            f"{weights_path} is not a readable safetensors file ({error}). "
            f"Re-create it with `genai-course train {weights_path.stem}`."
        ) from error
    try:
        metadata = json.loads(meta_path.read_text())
    except json.JSONDecodeError as error:
        raise CheckpointError(f"{meta_path} is not valid JSON ({error}).") from error
    return state, metadata


def _upgrade(model: torch.nn.Module, state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Checkpoints written before the model contract: the step counter was a buffer called
    ``steps_trained`` (GAN, VAE) or absent (the others); today it is ``_steps_trained``."""
    state = dict(state)
    expected = model.state_dict()
    for key in [k for k in expected if k.endswith("_steps_trained")]:
        old = key[: -len("_steps_trained")] + "steps_trained"
        if key not in state:
            state[key] = state.pop(old) if old in state else expected[key].clone()
    return state


def load_state_into(model: torch.nn.Module, state: dict[str, torch.Tensor], source) -> None:
    """Load ``state`` into ``model``, naming every missing, extra or misshapen tensor."""
    state = _upgrade(model, state)
    expected = model.state_dict()
    problems = []
    missing = sorted(set(expected) - set(state))
    extra = sorted(set(state) - set(expected))
    if missing:
        problems.append(f"missing tensors {missing}")
    if extra:
        problems.append(f"unexpected tensors {extra}")
    for key in sorted(set(expected) & set(state)):
        if expected[key].shape != state[key].shape:
            problems.append(
                f"{key} has shape {tuple(state[key].shape)} in the file but "
                f"{tuple(expected[key].shape)} in the model"
            )
    if problems:
        raise CheckpointError(
            f"{source} does not match {type(model).__name__}: " + "; ".join(problems) + "."
        )
    model.load_state_dict(state)


def available() -> list[str]:
    """Names of the checkpoints shipped with the package."""
    return sorted(p.stem for p in PRETRAINED_DIR.glob("*.safetensors"))


def __getattr__(name: str):
    # ``load_pretrained`` rebuilds a model from its recipe, so it lives in
    # genai_course.recipes (recipes -> store, never store -> recipes). This forward keeps
    # ``from genai_course.pretrained.store import load_pretrained`` working.
    if name == "load_pretrained":
        from genai_course.recipes import load_pretrained

        return load_pretrained
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
