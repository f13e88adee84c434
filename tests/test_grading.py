"""The autograder: full marks for solutions, zero for blanks, and every way a submission breaks.

Crafted submissions use the smallest exercise (00) with short time limits; each kernel
run costs a few seconds, so the module grades one batch and checks it from many sides.
"""

import hashlib
import json
import os
from pathlib import Path

import nbformat
import pytest

from genai_course.cli import main
from genai_course.grading import grade as grade_module
from genai_course.grading.exercise import find_exercises, nbgrader_meta
from genai_course.grading.grade import grade_batch
from genai_course.grading.release import student_version
from genai_course.grading.sandbox import sandbox_problem

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = find_exercises(ROOT / "solutions")
NAME = "00_mechanism"
# sandboxed where bubblewrap works (CI installs it); the red-team tests need it, these do not
LIMITS = {"cell_timeout": 20, "timeout": 600, "isolate": sandbox_problem() is None}
SOLUTION_1 = """def sample_mixture(weights, means, scales, n, generator=None):
    k = torch.multinomial(weights, n, replacement=True, generator=generator)
    return means[k] + torch.randn(n, means.shape[1], generator=generator) * scales[k]
"""
SOLUTION_2 = """def near_copy_fraction(samples, training, threshold):
    return float((torch.cdist(samples, training).min(1).values <= threshold).float().mean())
"""
SOLUTION_3 = """def choose_bandwidth(train, validation, bandwidths):
    sq = torch.cdist(validation.double(), train.double()).pow(2)
    dim = train.shape[1]
    scores = [(torch.logsumexp(-sq / (2 * h * h), dim=1) - math.log(len(train))
               - 0.5 * dim * math.log(2 * math.pi * h * h)).mean().item() for h in bandwidths]
    return float(bandwidths[max(range(len(scores)), key=scores.__getitem__)])
"""
ALWAYS_EQUAL = """class AlwaysEqual(float):
    def __eq__(self, other):
        return True
    def __ne__(self, other):
        return False
    __hash__ = float.__hash__

def near_copy_fraction(samples, training, threshold):
    print("x" * 100_000)          # a huge output too: 30 MB in all
    for _ in range(300):
        print("y" * 100_000)
    return AlwaysEqual(0.123)
"""
# passes the visible tests of part 2 only by hard-coding their answers
HARD_CODED = """def near_copy_fraction(samples, training, threshold):
    return 0.5 if threshold == 1.0 else 0.0
"""
HIDDEN_LINE = "_tr = torch.randn(200, 5, generator=_g)"  # a line of part 2's hidden tests


def _released():
    return student_version(EXERCISES[NAME])


def _with(answers: dict, tests: dict | None = None, delete: tuple = ()):
    """The released notebook with some answer/test cells replaced or deleted."""
    notebook = _released()
    changes = {**answers, **(tests or {})}
    cells = []
    for cell in notebook.cells:
        grade_id = nbgrader_meta(cell).get("grade_id")
        if grade_id in delete:
            continue
        if grade_id in changes:
            cell.source = changes[grade_id]
        cells.append(cell)
    notebook.cells = cells
    return nbformat.writes(notebook)


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    sub = tmp_path_factory.mktemp("submissions")
    files = {
        "solution/00_mechanism.ipynb": (ROOT / "solutions" / f"{NAME}.ipynb").read_text(),
        "blank/00_mechanism.ipynb": nbformat.writes(_released()),
        "looper/00_mechanism.ipynb": _with(
            {"sample_mixture": "while True:\n    pass"}, delete=("near_copy_fraction",)
        ),
        "crasher/00_mechanism.ipynb": _with(
            {
                "sample_mixture": SOLUTION_1 + "import os\nos._exit(1)",
                "near_copy_fraction": ALWAYS_EQUAL,
            }
        ),
        "tamperer/00_mechanism.ipynb": _with(
            {
                "sample_mixture": SOLUTION_1.replace("return means[k] +", "return 0 * means[k] +"),
                "near_copy_fraction": HARD_CODED,
            },
            tests={"test_sample_mixture": "assert True"},
            delete=("test_near_copy_fraction",),
        ),
        "broken_00_mechanism.ipynb": (ROOT / "solutions" / f"{NAME}.ipynb").read_text()[:500],
        "notjson/00_mechanism.ipynb": '{"cells": "not a list", "nbformat": 4}',
        "empty/00_mechanism.ipynb": "",
        "mystery/homework.ipynb": "{}",
    }
    paths = []
    for rel, text in files.items():
        path = sub / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        paths.append(path)
    digests = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}
    out = tmp_path_factory.mktemp("graded")
    results = grade_batch([sub], out, source_dir=ROOT / "solutions", progress=False, **LIMITS)
    rows = json.loads((out / "gradebook.json").read_text())
    return {
        "sub": sub,
        "out": out,
        "results": results,
        "digests": digests,
        "rows": {(r["student"], r["part"]): r for r in rows},
    }


def _row(batch, student, part):
    return batch["rows"][(student, part)]


def test_solution_earns_full_marks_and_blank_earns_zero(batch):
    for part in EXERCISES[NAME].parts:
        full = _row(batch, "solution", part.grade_id)
        assert (full["points"], full["status"]) == (part.points, "passed"), full
        blank = _row(batch, "blank", part.grade_id)
        assert (blank["points"], blank["status"]) == (0, "failed"), blank
        assert "NotImplementedError" in blank["reason"]


def test_infinite_loop_and_missing_cell(batch):
    loop = _row(batch, "looper", "test_sample_mixture")
    assert loop["points"] == 0 and loop["status"] == "timeout"
    assert "stopped after 20 s" in loop["reason"] and "sample_mixture" in loop["reason"]
    missing = _row(batch, "looper", "test_near_copy_fraction")
    assert missing["points"] == 0 and missing["status"] == "missing"
    assert "'near_copy_fraction' is missing" in missing["reason"]


def test_kernel_crash_huge_output_and_always_equal(batch):
    crash = _row(batch, "crasher", "test_sample_mixture")
    assert crash["points"] == 0 and crash["status"] == "crashed"
    assert "kernel died" in crash["reason"]
    always = _row(batch, "crasher", "test_near_copy_fraction")  # graded after the crash
    assert always["points"] == 0 and always["status"] == "failed"
    assert "return a Python float" in always["reason"]
    feedback = (batch["out"] / "feedback" / "crasher" / f"{NAME}.md").read_text()
    assert len(feedback) < 20_000  # the 30 MB the answer printed stayed in the sandbox
    saved = grade_module.result_path(
        batch["out"], ("crasher", NAME), str(batch["sub"] / "crasher" / f"{NAME}.ipynb")
    )
    assert os.path.getsize(saved) < 50_000
    assert json.loads(saved.read_text())["result"]["student"] == "crasher"


def test_edited_and_deleted_test_cells_are_restored(batch):
    edited = _row(batch, "tamperer", "test_sample_mixture")
    assert edited["points"] == 0 and edited["status"] == "failed"
    assert "right-hand bump" in edited["reason"]  # the original visible test ran
    deleted = _row(batch, "tamperer", "test_near_copy_fraction")
    assert deleted["points"] == 0 and "failed a hidden test" in deleted["reason"]


def test_feedback_never_shows_hidden_tests(batch):
    for path in (batch["out"] / "feedback").rglob("*.md"):
        text = path.read_text()
        assert HIDDEN_LINE not in text and "HIDDEN" not in text, path
    assert HIDDEN_LINE in (ROOT / "solutions" / f"{NAME}.py").read_text()  # the probe is real


def test_unreadable_files_are_recorded_and_the_batch_goes_on(batch):
    broken = _row(batch, "broken", "test_sample_mixture")
    assert broken["status"] == "invalid" and "not valid JSON" in broken["reason"]
    assert "not a Jupyter notebook" in _row(batch, "notjson", "test_sample_mixture")["reason"]
    assert "empty" in _row(batch, "empty", "test_near_copy_fraction")["reason"]
    mystery = _row(batch, "mystery", "")
    assert mystery["status"] == "invalid" and "cannot tell which exercise" in mystery["reason"]
    assert len(batch["results"]) == 9


def test_gradebook_csv_matches_json_and_submissions_are_untouched(batch):
    csv_text = (batch["out"] / "gradebook.csv").read_text().splitlines()
    assert csv_text[0] == "student,exercise,part,points,max_points,status,reason"
    assert len(csv_text) - 1 == len(batch["rows"])
    for path, digest in batch["digests"].items():
        assert hashlib.sha256(path.read_bytes()).hexdigest() == digest, f"{path} was modified"
    assert not any(p.name.startswith(".") for p in batch["sub"].rglob("*"))


def test_parallel_grading_gives_the_same_gradebook(batch, tmp_path):
    picks = [
        "solution/00_mechanism.ipynb",
        "blank/00_mechanism.ipynb",
        "broken_00_mechanism.ipynb",
        "empty/00_mechanism.ipynb",
    ]
    paths = [batch["sub"] / p for p in picks]
    results = grade_batch(
        paths, tmp_path, source_dir=ROOT / "solutions", jobs=2, progress=False, **LIMITS
    )
    parallel = [row for r in results for row in r["rows"]]
    students = {"solution", "blank", "broken", "empty"}
    serial = [
        r
        for r in json.loads((batch["out"] / "gradebook.json").read_text())
        if r["student"] in students
    ]
    assert json.loads((tmp_path / "gradebook.json").read_text()) == serial
    assert sorted(map(str, parallel)) == sorted(map(str, serial))


def test_an_interrupted_run_keeps_finished_grades(tmp_path, monkeypatch):
    sub = tmp_path / "sub"
    for student in ("ann", "ben", "cat"):
        (sub / student).mkdir(parents=True)
        (sub / student / f"{NAME}.ipynb").write_text("not json")  # graded without a kernel
    real, calls = grade_module._grade_job, []

    def interrupted_on_second(path, source_dir, limits):
        calls.append(path)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(path, source_dir, limits)

    monkeypatch.setattr(grade_module, "_grade_job", interrupted_on_second)
    with pytest.raises(KeyboardInterrupt):
        grade_batch(
            [sub],
            tmp_path / "out",
            source_dir=ROOT / "solutions",
            progress=False,
            isolate=LIMITS["isolate"],
        )
    rows = json.loads((tmp_path / "out" / "gradebook.json").read_text())
    assert {r["student"] for r in rows} == {"ann"}
    assert (tmp_path / "out" / "feedback" / "ann" / f"{NAME}.md").exists()
    calls.clear()
    monkeypatch.setattr(grade_module, "_grade_job", real)
    grade_batch(
        [sub],
        tmp_path / "out",
        source_dir=ROOT / "solutions",
        progress=False,
        resume=True,
        **LIMITS,
    )
    rows = json.loads((tmp_path / "out" / "gradebook.json").read_text())
    assert sorted({r["student"] for r in rows}) == ["ann", "ben", "cat"]


def test_check_command_reports_visible_tests(tmp_path, capsys):
    path = tmp_path / f"{NAME}.ipynb"
    answers = {
        "sample_mixture": SOLUTION_1,
        "near_copy_fraction": HARD_CODED,
        "choose_bandwidth": SOLUTION_3,
    }
    path.write_text(_with(answers))
    code = main(["check", str(path)])
    out = capsys.readouterr().out
    assert code == 0, out  # the hard-coded answer passes the visible tests ...
    assert "3 of 3 parts pass their visible tests" in out and "hidden" in out
    assert path.read_text() == _with(answers)


def test_grade_command_line(tmp_path, capsys):
    (tmp_path / "zoe_00_mechanism.ipynb").write_text("")
    assert (
        main(
            [
                "grade",
                str(tmp_path / "zoe_00_mechanism.ipynb"),
                "--out",
                str(tmp_path / "out"),
                "--no-progress",
                *([] if LIMITS["isolate"] else ["--no-sandbox"]),
            ]
        )
        == 0
    )
    assert "Graded 1 submissions" in capsys.readouterr().out
    rows = json.loads((tmp_path / "out" / "gradebook.json").read_text())
    assert {r["student"] for r in rows} == {"zoe"} and all(r["points"] == 0 for r in rows)
    assert main(["grade", str(tmp_path / "nobody.ipynb"), "--out", str(tmp_path / "o")]) == 2


def test_a_grader_failure_is_recorded_and_the_batch_goes_on(tmp_path, monkeypatch):
    for student in ("ann", "ben"):
        (tmp_path / "sub" / student).mkdir(parents=True)
        (tmp_path / "sub" / student / f"{NAME}.ipynb").write_text("")
    real = grade_module._grade_job

    def fails_for_ann(path, source_dir, limits):
        if "ann" in str(path):
            raise RuntimeError("boom")
        return real(path, source_dir, limits)

    monkeypatch.setattr(grade_module, "_grade_job", fails_for_ann)
    grade_batch(
        [tmp_path / "sub"],
        tmp_path / "out",
        source_dir=ROOT / "solutions",
        progress=False,
        isolate=LIMITS["isolate"],
    )
    rows = json.loads((tmp_path / "out" / "gradebook.json").read_text())
    ann = [r for r in rows if r["student"] == "ann"]
    assert len(ann) == len(EXERCISES[NAME].parts) and all(
        r["status"] == "error" and "RuntimeError: boom" in r["reason"] for r in ann
    )
    assert {r["status"] for r in rows if r["student"] == "ben"} == {"invalid"}


def test_rebuild_takes_answers_from_the_student_and_everything_else_from_the_source():
    from genai_course.grading.restore import rebuild

    submission = nbformat.reads(
        _with(
            {"sample_mixture": "x = 1"},
            tests={"test_sample_mixture": "pass"},
            delete=("near_copy_fraction",),
        ),
        as_version=4,
    )
    rebuilt = rebuild(EXERCISES[NAME], submission)
    roles = [
        (c.metadata["grading"]["role"], c.metadata["grading"]["grade_id"])
        for c in rebuilt.notebook.cells
    ]
    assert roles == [
        ("setup", "setup"),
        ("answer", "sample_mixture"),
        ("test", "test_sample_mixture"),
        ("hidden", "test_sample_mixture"),
        ("test", "test_near_copy_fraction"),
        ("hidden", "test_near_copy_fraction"),
        ("answer", "choose_bandwidth"),
        ("test", "test_choose_bandwidth"),
        ("hidden", "test_choose_bandwidth"),
    ]
    assert rebuilt.notebook.cells[1].source == "x = 1"
    assert "right-hand bump" in rebuilt.notebook.cells[2].source  # the original visible test
    assert HIDDEN_LINE in rebuilt.notebook.cells[5].source
    assert rebuilt.missing == ["near_copy_fraction"]


def test_every_solution_earns_full_marks_and_every_exercise_zero(tmp_path):
    """All ten exercises, as shipped: solutions/ score everything, exercises/ nothing."""
    sub = tmp_path / "submissions"
    for name in EXERCISES:
        for student, folder in (("teacher", "solutions"), ("newcomer", "exercises")):
            (sub / student).mkdir(parents=True, exist_ok=True)
            (sub / student / f"{name}.ipynb").write_bytes(
                (ROOT / folder / f"{name}.ipynb").read_bytes()
            )
    out = tmp_path / "graded"
    grade_batch([sub], out, source_dir=ROOT / "solutions", progress=False, jobs=2, **LIMITS)
    rows = json.loads((out / "gradebook.json").read_text())
    assert {r["exercise"] for r in rows} == set(EXERCISES) and len(EXERCISES) == 10
    for row in rows:
        if row["student"] == "teacher":
            assert (row["points"], row["status"]) == (row["max_points"], "passed"), row
        else:
            assert (row["points"], row["status"]) == (0, "failed"), row
            assert "NotImplementedError" in row["reason"], row
