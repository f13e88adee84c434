"""One call that makes a notebook reproducible: same seed, same numbers, everywhere."""

from __future__ import annotations

import os
import random

import numpy as np
import torch

from genai_course.validation import check_positive_int


def default_threads() -> int:
    """Torch threads to use: ``GENAI_COURSE_THREADS`` if set, else up to 2.

    On a 2-core laptop two threads are best for one notebook; when several notebooks
    run at once (the test suite), one thread each avoids them fighting over cores.
    """
    setting = os.environ.get("GENAI_COURSE_THREADS")
    if setting:
        return check_positive_int("GENAI_COURSE_THREADS", int(setting))
    return max(1, min(2, os.cpu_count() or 1))


def seed_everything(seed: int = 0, threads: int | None = None) -> int:
    """Seed Python's ``random``, NumPy and torch, and set the number of torch threads.

    Call it once at the top of a notebook: every random draw after it (data splits,
    weight initialisation, mini-batches, sampling) is then the same on every run.
    Returns the seed so it can be printed or stored.
    """
    seed = check_positive_int("seed", seed, allow_zero=True)
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)
    threads = default_threads() if threads is None else check_positive_int("threads", threads)
    torch.set_num_threads(threads)
    return seed
