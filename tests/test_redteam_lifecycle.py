"""Red team, around the grading: a killed grader, forged results, shards, no sandbox.

- SIGKILL the grader while sandboxes run: nothing it started may survive.
- Results edited or forged in the output folder: ``--resume`` must not believe them.
- Three shards graded in separate processes and merged equal one run.
- No sandbox: the grader refuses, unless told ``--no-sandbox``; and there the red-team
  pattern (answers right only if the attack worked) does earn points, so the suite's
  attacks are real.
"""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from genai_course.cli import main
from genai_course.grading import grade as grade_module
from genai_course.grading import sandbox as sandbox_module
from genai_course.grading.exercise import find_exercises, nbgrader_meta
from genai_course.grading.grade import grade_batch, result_path, signing_key
from genai_course.grading.release import student_version
from genai_course.grading.sandbox import SandboxUnavailable, sandbox_problem

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = find_exercises(ROOT / "solutions")
NAME = "00_mechanism"
PARTS = len(EXERCISES[NAME].parts)
FULL = float(sum(part.points for part in EXERCISES[NAME].parts))
LIMITS = {"cell_timeout": 20, "timeout": 120}
needs_sandbox = pytest.mark.skipif(
    sandbox_problem() is not None, reason=f"no sandbox here: {sandbox_problem()}"
)
CLI = [
    sys.executable,
    "-c",
    "import sys; from genai_course.cli import main; sys.exit(main(sys.argv[1:]))",
]


def _with(answers: dict) -> str:
    notebook = student_version(EXERCISES[NAME])
    for cell in notebook.cells:
        if nbgrader_meta(cell).get("grade_id") in answers:
            cell.source = answers[nbgrader_meta(cell)["grade_id"]]
    return nbformat.writes(notebook)


def _env():
    return {**os.environ, "PYTHONPATH": str(ROOT), "GENAI_COURSE_THREADS": "1"}


def _process_table() -> dict[int, tuple[int, str]]:
    table = {}
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            rest = stat.rsplit(")", 1)[1].split()
            table[int(entry)] = (int(rest[1]), rest[0])
        except (OSError, ValueError, IndexError):
            pass
    return table


def _tree(pid: int) -> set[int]:
    table, found, frontier = _process_table(), set(), {pid}
    while frontier:
        frontier = {c for c, (parent, _) in table.items() if parent in frontier} - found
        found |= frontier
    return found


def _alive(pids) -> set[int]:
    table = _process_table()
    return {p for p in pids if p in table and table[p][1] != "Z"}


def _count(pids, command: str) -> int:
    names = []
    for pid in _alive(pids):
        try:
            names.append(Path(f"/proc/{pid}/comm").read_text().strip())
        except OSError:
            pass
    return names.count(command)


@needs_sandbox
def test_no_process_outlives_a_grader_killed_with_sigkill(tmp_path):
    sub = tmp_path / "sub"
    for student in ("ann", "ben"):
        (sub / student).mkdir(parents=True)
        (sub / student / f"{NAME}.ipynb").write_text(
            _with({"sample_mixture": "while True:\n    pass"})
        )
    grader = subprocess.Popen(
        [
            *CLI,
            "grade",
            str(sub),
            "--out",
            str(tmp_path / "out"),
            "--jobs",
            "2",
            "--cell-timeout",
            "60",
            "--no-progress",
        ],
        env=_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    seen: set[int] = set()
    try:
        deadline = time.monotonic() + 300  # generous: a busy machine starts sandboxes slowly
        up = 0
        while time.monotonic() < deadline and up < 2:  # both sandboxes up
            seen |= _tree(grader.pid)
            up = _count(seen, "bwrap")
            time.sleep(0.2)
        # kill while a sandbox is certainly running (on a busy machine one may be restarting)
        assert up >= 1, "the sandboxes never started"
    finally:
        grader.send_signal(signal.SIGKILL)
        grader.wait()
    time.sleep(3)
    assert _alive(seen) == set(), "processes of the grader are still running after SIGKILL"


def test_resume_trusts_only_results_the_grader_signed(tmp_path):
    sub = tmp_path / "sub"
    for student in ("ann", "ben", "cat"):
        (sub / student).mkdir(parents=True)
        (sub / student / f"{NAME}.ipynb").write_text("")  # invalid: graded without a kernel
    out = tmp_path / "out"
    grade_batch([sub], out, source_dir=ROOT / "solutions", progress=False)
    key = signing_key(out)
    assert oct((out / ".grader-key").stat().st_mode & 0o777) == "0o600"

    def path(student):
        return result_path(out, (student, NAME), str(sub / student / f"{NAME}.ipynb"))

    def full_marks(result):
        for row in result["rows"]:
            row.update(points=row["max_points"], status="passed", reason="")
        return result

    # ann: edited in place, old signature kept
    saved = json.loads(path("ann").read_text())
    saved["result"] = full_marks(saved["result"])
    path("ann").write_text(json.dumps(saved))
    # ben: correctly signed (a stolen key) but inconsistent: more points than the part has
    saved = json.loads(path("ben").read_text())
    for row in saved["result"]["rows"]:
        row.update(points=row["max_points"] + 1, status="passed")
    saved["hmac"] = grade_module._mac(saved["result"], key)
    path("ben").write_text(json.dumps(saved))
    # cat: a forged file with a made-up signature
    saved = json.loads(path("cat").read_text())
    path("cat").write_text(json.dumps({"result": full_marks(saved["result"]), "hmac": "0" * 64}))

    grade_batch([sub], out, source_dir=ROOT / "solutions", progress=False, resume=True)
    rows = json.loads((out / "gradebook.json").read_text())
    assert len(rows) == 3 * PARTS and all(
        r["points"] == 0 and r["status"] == "invalid" for r in rows
    )
    assert grade_module.check_result(saved["result"], EXERCISES) is None  # consistent, yet
    assert grade_module.load_result(path("cat"), key, EXERCISES) is not None  # re-signed now


@needs_sandbox
def test_three_shards_merged_equal_one_run(tmp_path):
    sub = tmp_path / "sub"
    texts = {
        "alice": (ROOT / "solutions" / f"{NAME}.ipynb").read_text(),
        "bob": nbformat.writes(student_version(EXERCISES[NAME])),
    }
    texts.update({name: "" for name in ("cy", "dee", "eve", "fay", "gus")})
    for student, text in texts.items():
        (sub / student).mkdir(parents=True)
        (sub / student / f"{NAME}.ipynb").write_text(text)
    grade_batch([sub], tmp_path / "single", source_dir=ROOT / "solutions", progress=False, **LIMITS)
    shards = [
        subprocess.Popen(
            [
                *CLI,
                "grade",
                str(sub),
                "--out",
                str(tmp_path / f"s{k}"),
                "--shard",
                f"{k}/3",
                "--no-progress",
                "--cell-timeout",
                "20",
            ],
            env=_env(),
            stdout=subprocess.DEVNULL,
        )
        for k in (1, 2, 3)
    ]
    assert [p.wait(timeout=600) for p in shards] == [0, 0, 0]
    sizes = [
        len(json.loads((tmp_path / f"s{k}" / "gradebook.json").read_text())) for k in (1, 2, 3)
    ]
    assert sum(sizes) == 7 * PARTS and max(sizes) < 7 * PARTS, sizes  # a real split
    assert (
        main(
            [
                "grade",
                "merge",
                *(str(tmp_path / f"s{k}") for k in (1, 2, 3)),
                "--out",
                str(tmp_path / "merged"),
            ]
        )
        == 0
    )
    merged = json.loads((tmp_path / "merged" / "gradebook.json").read_text())
    assert merged == json.loads((tmp_path / "single" / "gradebook.json").read_text())
    assert sum(r["points"] for r in merged if r["student"] == "alice") == FULL
    assert (tmp_path / "merged" / "feedback" / "alice" / f"{NAME}.md").exists()
    with pytest.raises(ValueError, match="--shard"):
        grade_module.parse_shard("4/3")


def test_without_a_sandbox_the_grader_refuses_unless_told(tmp_path, monkeypatch, capsys):
    (tmp_path / f"zoe_{NAME}.ipynb").write_text("")
    monkeypatch.setattr(sandbox_module, "sandbox_problem", lambda: "bubblewrap is not installed")
    with pytest.raises(SandboxUnavailable, match="--no-sandbox"):
        grade_batch([tmp_path / f"zoe_{NAME}.ipynb"], tmp_path / "out", progress=False)
    assert main(["grade", str(tmp_path / f"zoe_{NAME}.ipynb"), "--out", str(tmp_path / "o")]) == 2
    assert "apt-get install bubblewrap" in capsys.readouterr().out
    assert (
        main(
            [
                "grade",
                str(tmp_path / f"zoe_{NAME}.ipynb"),
                "--out",
                str(tmp_path / "o"),
                "--no-sandbox",
                "--no-progress",
            ]
        )
        == 0
    )


def test_the_attack_pattern_earns_points_without_the_sandbox(tmp_path):
    """The control: reading the solutions works without isolation, so the red-team checks bite."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "redteam", Path(__file__).with_name("test_redteam_grader.py")
    )
    redteam = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(redteam)
    READ_SOLUTIONS, if_attack_works = redteam.READ_SOLUTIONS, redteam.if_attack_works  # noqa: N806

    (tmp_path / "reader").mkdir()
    (tmp_path / "reader" / f"{NAME}.ipynb").write_text(
        _with(if_attack_works(READ_SOLUTIONS.format(root=str(ROOT))))
    )
    grade_batch(
        [tmp_path / "reader"],
        tmp_path / "out",
        source_dir=ROOT / "solutions",
        progress=False,
        isolate=False,
        **LIMITS,
    )
    rows = json.loads((tmp_path / "out" / "gradebook.json").read_text())
    assert sum(r["points"] for r in rows) == 6, rows
