"""A short, stable fingerprint of a dataset, stored with trained weights.

If the data a checkpoint was trained on change (a different Python ships different
docs, say), the fingerprint tells us instead of a silently different result.
"""

from __future__ import annotations

import hashlib

import numpy as np
import torch


def fingerprint(data) -> str:
    """SHA-256 (first 16 hex digits) of a string, bytes, array or tensor."""
    if isinstance(data, str):
        raw = data.encode("utf-8")
    elif isinstance(data, bytes):
        raw = data
    elif isinstance(data, torch.Tensor):
        raw = data.detach().cpu().contiguous().numpy().tobytes() + str(tuple(data.shape)).encode()
    elif isinstance(data, np.ndarray):
        raw = np.ascontiguousarray(data).tobytes() + str(data.shape).encode()
    else:
        raise TypeError(
            f"Cannot fingerprint {type(data).__name__}: pass text, bytes, "
            "a NumPy array or a tensor."
        )
    return hashlib.sha256(raw).hexdigest()[:16]
