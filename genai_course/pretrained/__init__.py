"""Weights trained by ``genai-course train NAME`` and shipped with the package.

Each model is two files here: ``NAME.safetensors`` (tensors only, so loading runs no
code) and ``NAME.json`` (the config to rebuild the model, how it was trained, and the
validation figures measured when it was trained).
"""

from genai_course.pretrained.store import (
    PRETRAINED_DIR,
    CheckpointError,
    available,
    load_checkpoint,
    save_checkpoint,
)


def __getattr__(name: str):
    # load_pretrained needs the recipes, which import this package's store: imported on
    # first use, so that neither package imports the other at import time.
    if name == "load_pretrained":
        from genai_course.recipes import load_pretrained

        return load_pretrained
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "PRETRAINED_DIR",
    "CheckpointError",
    "available",
    "load_checkpoint",
    "load_pretrained",
    "save_checkpoint",
]
