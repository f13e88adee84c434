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
    load_pretrained,
    save_checkpoint,
)

__all__ = ["PRETRAINED_DIR", "CheckpointError", "available", "load_checkpoint",
           "load_pretrained", "save_checkpoint"]
