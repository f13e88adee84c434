"""Mutation tests for the exercises: wrong answers score 0, right answers full marks.

For every exercise source in ``solutions/`` with a mutations module
``tests/mutations/NN_topic.py``, each graded part lists plausible *wrong* answers (a
forgotten term, a wrong sign or axis, an ignored argument, ...) that its tests (visible
and hidden together) must reject, *right* answers written differently from the solution
that they must accept, and the *common* mistakes that the visible tests alone must
catch (so ``genai-course check`` and the grade agree for honest work).

Why in-process: a kernel per mutant would cost seconds each. The exercise's cells run
once with the model answers; each mutant then starts from a copy of the namespace as it
was just before its answer cell, replaces that cell and runs the rest of the part. The
grader's rule is mirrored: a part passes when its test cell raises nothing and warns
nothing. Two end-to-end grades through ``grade_submission`` show the grader agrees.

A mutations module defines ``MUTATIONS = {test_grade_id: {"answer": answer_grade_id,
"wrong": {name: source}, "right": {name: source}, "common": [wrong names]}}``
(``answer`` may be left out when the part has one answer cell).
"""

from __future__ import annotations

import contextlib
import copy
import functools
import importlib.util
import io
import warnings
from pathlib import Path

import nbformat
import pytest

from genai_course.grading.exercise import (
    find_exercises,
    is_answer,
    is_test,
    nbgrader_meta,
    split_hidden,
)

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = find_exercises(ROOT / "solutions")
MUTATIONS_DIR = ROOT / "tests" / "mutations"


def _load_mutations(name: str) -> dict | None:
    path = MUTATIONS_DIR / f"{name}.py"
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location(f"mutations_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.MUTATIONS


MUTATIONS = {name: m for name in EXERCISES if (m := _load_mutations(name)) is not None}
OWN = [
    "00_mechanism",
    "01_gans",
    "02_vaes",
    "03_autoregressive",
    "04_diffusion",
    "05_images",
    "06_text",
    "07_language_models",
    "08_music",
    "09_ethics",
]


def _code_cells(exercise):
    """(grade_id, role, source) of every code cell up to the last test cell (demos skipped)."""
    cells = [c for c in exercise.notebook.cells if c.cell_type == "code"]
    last = max(i for i, c in enumerate(cells) if is_test(c))
    out = []
    for cell in cells[: last + 1]:
        role = "answer" if is_answer(cell) else "test" if is_test(cell) else "setup"
        out.append((nbgrader_meta(cell).get("grade_id"), role, cell.source))
    return out


def _copy_namespace(ns: dict) -> dict:
    """A copy in which data (tensors, lists) are fresh, modules and functions shared."""
    out = {}
    for key, value in ns.items():
        try:
            out[key] = copy.deepcopy(value)
        except Exception:  # modules, generators and the like: share them
            out[key] = value
    return out


class CellFailed(Exception):
    """A test cell raised or warned; the message says which and why."""


def _run(source: str, ns: dict, what: str) -> None:
    with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("always")
        try:
            exec(compile(source, what, "exec"), ns)  # noqa: S102 - course code and its mutants
        except Exception as error:  # the part scores 0
            raise CellFailed(f"{what}: {type(error).__name__}: {error}") from error
    if caught:
        raise CellFailed(
            f"{what} warned (the grader counts stderr as a failure): {caught[0].message}"
        )


@functools.cache
def _snapshots(name: str):
    """Run the exercise with its model answers; the namespace before each code cell."""
    cells = _code_cells(EXERCISES[name])
    ns: dict = {"__name__": "__main__"}
    before = []
    for grade_id, role, source in cells:
        before.append(_copy_namespace(ns))
        if role == "test":
            visible, hidden = split_hidden(source)
            _run(visible, ns, f"{grade_id} (visible)")
            _run(hidden, ns, f"{grade_id} (hidden)")
        else:
            _run(source, ns, grade_id)
    return cells, before


def run_part(name: str, part_id: str, answer_id: str, source: str) -> tuple[str | None, str | None]:
    """Replace one answer cell and run its part: (visible failure, hidden failure), None = passed."""
    cells, before = _snapshots(name)
    start = next(
        i for i, (gid, role, _) in enumerate(cells) if gid == answer_id and role == "answer"
    )
    ns = _copy_namespace(before[start])
    _run(source, ns, answer_id)
    for grade_id, role, cell_source in cells[start + 1 :]:
        if role != "test":
            _run(cell_source, ns, grade_id)
            continue
        assert grade_id == part_id, f"{answer_id} is not an answer of part {part_id}"
        visible, hidden = split_hidden(cell_source)
        try:
            _run(visible, ns, "visible tests")
        except CellFailed as failure:
            return str(failure), None
        try:
            _run(hidden, ns, "hidden tests")
        except CellFailed as failure:
            return None, str(failure)
        return None, None
    raise AssertionError(f"no test cell {part_id} after {answer_id}")


def _answer_of(name: str, part_id: str, spec: dict) -> str:
    if "answer" in spec:
        return spec["answer"]
    part = next(p for p in EXERCISES[name].parts if p.grade_id == part_id)
    assert len(part.answers) == 1, (
        f"{name}/{part_id} has several answer cells: name one in 'answer'"
    )
    return part.answers[0]


def _cases(kind: str):
    for name, mutations in sorted(MUTATIONS.items()):
        for part_id, spec in mutations.items():
            names = spec.get("common", []) if kind == "common" else spec.get(kind, {})
            for mutant in names:
                yield pytest.param(name, part_id, mutant, id=f"{name}-{part_id}-{mutant}")


def test_every_own_exercise_has_mutations_for_every_part():
    for name in OWN:
        assert name in MUTATIONS, f"tests/mutations/{name}.py is missing"
        parts = {p.grade_id for p in EXERCISES[name].parts}
        assert set(MUTATIONS[name]) == parts, (
            f"{name}: mutations cover {sorted(MUTATIONS[name])}, the graded parts are {sorted(parts)}"
        )


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_mutations_are_complete(name):
    for part_id, spec in MUTATIONS[name].items():
        assert len(spec["wrong"]) >= 3, f"{name}/{part_id}: fewer than 3 wrong answers"
        assert spec["right"], f"{name}/{part_id}: no alternative right answer"
        assert spec["common"], f"{name}/{part_id}: no common mistake for the visible tests"
        assert set(spec["common"]) <= set(spec["wrong"]), (
            f"{name}/{part_id}: unknown common mistake"
        )


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_model_answers_pass(name):
    _snapshots(name)  # raises CellFailed naming the cell when a model answer fails its tests


@pytest.mark.parametrize(("name", "part_id", "mutant"), list(_cases("wrong")))
def test_wrong_answer_scores_zero(name, part_id, mutant):
    spec = MUTATIONS[name][part_id]
    visible, hidden = run_part(
        name, part_id, _answer_of(name, part_id, spec), spec["wrong"][mutant]
    )
    assert visible or hidden, f"{name}/{part_id}: the wrong answer '{mutant}' passes every test"


@pytest.mark.parametrize(("name", "part_id", "mutant"), list(_cases("common")))
def test_common_mistake_fails_a_visible_test(name, part_id, mutant):
    spec = MUTATIONS[name][part_id]
    visible, _ = run_part(name, part_id, _answer_of(name, part_id, spec), spec["wrong"][mutant])
    assert visible, f"{name}/{part_id}: the common mistake '{mutant}' passes the visible tests"


@pytest.mark.parametrize(("name", "part_id", "mutant"), list(_cases("right")))
def test_right_answer_scores_full_marks(name, part_id, mutant):
    spec = MUTATIONS[name][part_id]
    visible, hidden = run_part(
        name, part_id, _answer_of(name, part_id, spec), spec["right"][mutant]
    )
    assert not visible and not hidden, (
        f"{name}/{part_id}: the right answer '{mutant}' fails: {visible or hidden}"
    )


def _submission(name: str, replace: dict[str, str]) -> str:
    """The solution notebook with some answer cells replaced, as a student would hand it in."""
    notebook = EXERCISES[name].copy_notebook()
    for cell in notebook.cells:
        grade_id = nbgrader_meta(cell).get("grade_id")
        if grade_id in replace:
            cell.source = replace[grade_id]
    return nbformat.writes(notebook)


@pytest.mark.parametrize(
    ("name", "part_id", "right", "wrong_part", "wrong"),
    [
        (
            "05_images",
            "test_nearest_training_distance",
            "cdist_default",
            "test_class_coverage",
            "count_present",
        ),
        ("06_text", "test_top_k_filter", "package_rule", "test_perplexity", "no_exp"),
    ],
)
def test_grader_agrees_end_to_end(tmp_path, name, part_id, right, wrong_part, wrong):
    from genai_course.grading.grade import grade_submission

    right_spec, wrong_spec = MUTATIONS[name][part_id], MUTATIONS[name][wrong_part]
    path = tmp_path / "student" / f"{name}.ipynb"
    path.parent.mkdir()
    path.write_text(
        _submission(
            name,
            {
                _answer_of(name, part_id, right_spec): right_spec["right"][right],
                _answer_of(name, wrong_part, wrong_spec): wrong_spec["wrong"][wrong],
            },
        )
    )
    result = grade_submission(path, {name: EXERCISES[name]}, cell_timeout=60, timeout=240)
    points = {
        row["part"]: (row["points"], row["max_points"], row["reason"]) for row in result["rows"]
    }
    for part, (got, out_of, reason) in points.items():
        expected = 0.0 if part == wrong_part else out_of
        assert got == expected, f"{name}/{part}: {got} of {out_of} points ({reason})"
