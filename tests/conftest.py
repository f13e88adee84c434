import os

import matplotlib
import pytest
import torch

matplotlib.use("Agg")
# The suite runs two processes at once on two cores: one torch thread each.
os.environ.setdefault("GENAI_COURSE_THREADS", "1")
torch.set_num_threads(int(os.environ["GENAI_COURSE_THREADS"]))


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")
