"""Every notebook is a .py (the source of truth) plus its .ipynb pair, kept in sync."""

from pathlib import Path

import jupytext
import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ("lessons", "solutions", "exercises")
PY_FILES = sorted(p for folder in FOLDERS for p in (ROOT / folder).glob("*.py"))
NOTEBOOKS = sorted(p for folder in FOLDERS for p in (ROOT / folder).glob("*.ipynb"))
FIX = "run `make sync` (jupytext --to ipynb --update {py}) and commit both files"


def _cells(notebook):
    return [(c.cell_type, c.source.strip(), dict(c.metadata)) for c in notebook.cells]


def test_there_are_lessons():
    assert (ROOT / "lessons" / "00_mechanism.py").exists()


@pytest.mark.parametrize("py", PY_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_pair_exists_and_is_in_sync(py):
    ipynb = py.with_suffix(".ipynb")
    rel = py.relative_to(ROOT)
    assert ipynb.exists(), f"{ipynb.relative_to(ROOT)} is missing: " + FIX.format(py=rel)
    source = jupytext.read(py)
    paired = nbformat.read(ipynb, as_version=4)
    ours, theirs = _cells(source), _cells(paired)
    for i, (a, b) in enumerate(zip(ours, theirs, strict=False)):
        assert a == b, f"{ipynb.relative_to(ROOT)} cell {i} differs from {rel}: " + FIX.format(
            py=rel
        )
    assert len(ours) == len(theirs), (
        f"{ipynb.relative_to(ROOT)} has {len(theirs)} cells, {rel} has {len(ours)}: "
        + FIX.format(py=rel)
    )


@pytest.mark.parametrize("ipynb", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_notebook_is_committed_clean_with_a_kernelspec(ipynb):
    rel = ipynb.relative_to(ROOT)
    assert ipynb.with_suffix(".py").exists(), (
        f"{rel} has no .py pair: jupytext --to py:percent {rel}"
    )
    notebook = nbformat.read(ipynb, as_version=4)
    with_outputs = [
        i
        for i, c in enumerate(notebook.cells)
        if c.cell_type == "code" and (c.outputs or c.execution_count)
    ]
    assert not with_outputs, (
        f"{rel} holds outputs in cells {with_outputs}: clear them with "
        f"`jupyter nbconvert --clear-output --inplace {rel}` or `make sync`"
    )
    kernel = notebook.metadata.get("kernelspec", {})
    assert kernel.get("name") == "python3", (
        f"{rel} has no python3 kernelspec: jupytext --set-kernel python3 {rel.with_suffix('.py')}"
    )
