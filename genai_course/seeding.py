"""One call that makes a notebook reproducible, and the course's one place for where and
how fast torch runs: the default device and the thread policy.

Thread policy (measured on the course's 2-core machine, see :func:`default_threads`):
one torch thread unless ``GENAI_COURSE_THREADS`` says otherwise. Measured 2026-12-01 on
the course's 2-core machine with 4 ``while True: pass`` processes beside it (and other
work: load average 14-20): 40 GAN steps + 40 VAE steps on the digits (batch 128), twice
per setting, each run capped at 150 s including imports (``time.perf_counter`` and
``time.process_time`` around the two ``fit`` calls):

=============================  ===============  ===========
setting                        wall (s)         CPU (s)
=============================  ===============  ===========
1 thread                       43.9, 58.8       2.5, 2.3
2 threads                      > 150, > 150     (killed)
2 threads, OMP_WAIT_POLICY=    47.0, > 150      2.6, (killed)
PASSIVE
=============================  ===============  ===========

Two threads collapsed (at least 3x slower than one); passive waiting helped once and not
the second time. One thread is the only setting that never collapsed, so it is the
default. (The wall times are dominated by the load; the CPU column is the work itself.)

Device policy: ``GENAI_COURSE_DEVICE`` (default ``"cpu"``, for which every step budget
of the lessons was set); ``fit(device=...)`` overrides it for one call.
"""

from __future__ import annotations

import os
import random

import numpy as np
import torch

from genai_course.validation import check_positive_int


def default_threads() -> int:
    """Torch threads to use: ``GENAI_COURSE_THREADS`` if set, else 1.

    Two threads on two cores are at best a little faster for one quiet notebook, but when
    the cores are shared (other notebooks, the test suite, a workshop server) the threads
    spin waiting for each other and a training step becomes many times slower. One thread
    never collapses; set ``GENAI_COURSE_THREADS=2`` on a quiet machine to try more.
    """
    setting = os.environ.get("GENAI_COURSE_THREADS")
    if setting:
        try:
            value = int(setting)
        except ValueError:
            raise ValueError(
                f"GENAI_COURSE_THREADS must be a whole number such as 1 or 2, got {setting!r}."
            ) from None
        return check_positive_int("GENAI_COURSE_THREADS", value)
    return 1


def default_device() -> torch.device:
    """The course's device: ``GENAI_COURSE_DEVICE`` if set (``"cuda"``, ``"mps"``, ...),
    else the CPU, for which every step budget of the lessons was set."""
    setting = os.environ.get("GENAI_COURSE_DEVICE", "").strip() or "cpu"
    try:
        device = torch.device(setting)
    except RuntimeError:
        raise ValueError(
            f"GENAI_COURSE_DEVICE={setting!r} is not a device; use 'cpu' or 'cuda'."
        ) from None
    if device.type == "cuda" and not torch.cuda.is_available():
        raise RuntimeError(
            f"GENAI_COURSE_DEVICE={setting!r}, but torch sees no CUDA GPU here. "
            "Unset it to run on the CPU."
        )
    return device


def seed_everything(seed: int = 0, threads: int | None = None) -> None:
    """Seed Python's ``random``, NumPy and torch, and set the number of torch threads.

    Call it once at the top of a notebook: every random draw after it (data splits,
    weight initialisation, mini-batches, sampling) is then the same on every run.
    Returns nothing, so a notebook's first cell prints nothing.
    """
    seed = check_positive_int("seed", seed, allow_zero=True)
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)
    threads = default_threads() if threads is None else check_positive_int("threads", threads)
    torch.set_num_threads(threads)
