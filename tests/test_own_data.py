"""docs/your-own-data.md runs as written: every ```python block, in order, one namespace."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[1] / "docs" / "your-own-data.md"


def blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.S)


def test_the_page_has_examples_for_every_kind_of_data():
    text = DOC.read_text()
    for heading in (
        "Images of any size, grey or colour",
        "Your own text",
        "Your own music",
        "Your own model, trained by `fit`",
    ):
        assert f"## {heading}" in text, f"the page must have a section '{heading}'"
    assert len(blocks()) >= 6


def test_every_example_runs(capsys):
    namespace: dict = {}
    for i, code in enumerate(blocks()):
        with warnings.catch_warnings():
            warnings.simplefilter("error", DeprecationWarning)  # examples use today's names
            try:
                exec(compile(code, f"{DOC.name} block {i + 1}", "exec"), namespace)
            except Exception as error:  # noqa: BLE001 - name the failing block
                pytest.fail(f"block {i + 1} of {DOC.name} failed: {type(error).__name__}: {error}")
    out = capsys.readouterr().out
    assert "divide 0-255 pixels by 255" in out, "the 0-255 example must show the guard's advice"
    assert "History(" in out and "steps trained:" in out
