"""Red team: crafted submissions that attack the grader, one per attack class of issue 14.

Most attacks follow one pattern: the answer is *right only if the attack worked* (it read
the solutions, reached the network, got more memory than allowed ...), so any point it
earns is an unearned point. The others submit wrong answers and try to make the grader
believe them (hooks, patched libraries, spoofed types). All are graded in one batch of
exercise 00 with the sandbox on, next to honest submissions that must keep full marks;
then every other file must be unchanged and no process of theirs left running.
"""

import hashlib
import json
import os
import socket
import time
from pathlib import Path

import nbformat
import pytest

from genai_course.grading.exercise import find_exercises, nbgrader_meta
from genai_course.grading.grade import encode_name, grade_batch
from genai_course.grading.release import student_version
from genai_course.grading.sandbox import sandbox_problem

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = find_exercises(ROOT / "solutions")
NAME = "00_mechanism"
PARTS = len(EXERCISES[NAME].parts)
FULL = float(sum(part.points for part in EXERCISES[NAME].parts))
LIMITS = {"cell_timeout": 20, "timeout": 120, "memory_mb": 2048}
MARKER = "genai-redteam-daemon-5d41402a"
HIDDEN_ONLY = [
    "_tr = torch.randn(200, 5, generator=_g)",
    "_mu3",
    "torch.full((3, 3), 1e-4)",
    "manual_seed(7)",
    "BEGIN HIDDEN",
    "_single",
]

pytestmark = pytest.mark.skipif(
    sandbox_problem() is not None, reason=f"no sandbox here: {sandbox_problem()}"
)

RIGHT_1 = """def sample_mixture(weights, means, scales, n, generator=None):
    k = torch.multinomial(weights, n, replacement=True, generator=generator)
    return means[k] + torch.randn(n, means.shape[1], generator=generator) * scales[k]
"""
RIGHT_2 = """def near_copy_fraction(samples, training, threshold):
    d = torch.cdist(samples.double(), training.double()).min(1).values
    return float((d <= threshold).double().mean())
"""
WRONG_1 = """def sample_mixture(weights, means, scales, n, generator=None):
    return torch.zeros(n, means.shape[1])
"""
WRONG_2 = """def near_copy_fraction(samples, training, threshold):
    return 0.0
"""


def _indent(code: str) -> str:
    return "\n".join("    " + line for line in code.strip().splitlines())


def if_attack_works(attack: str) -> dict:
    """Answers that are right only when ``attack`` (which sets ``_won``) succeeded."""
    first = (
        f"import torch\n_won = False\ntry:\n{_indent(attack)}\nexcept BaseException:\n"
        f"    pass\nif _won:\n{_indent(RIGHT_1)}\nelse:\n{_indent(WRONG_1)}\n"
    )
    second = f"if _won:\n{_indent(RIGHT_2)}\nelse:\n{_indent(WRONG_2)}\n"
    return {"sample_mixture": first, "near_copy_fraction": second}


def wrong_with(trick: str) -> dict:
    """Wrong answers, plus a trick meant to make the grader pass them anyway."""
    return {
        "sample_mixture": "import torch\n" + trick + "\n" + WRONG_1,
        "near_copy_fraction": WRONG_2,
    }


HOOKS = """
import sys, builtins
try:
    _ip = get_ipython()
    _ip.input_transformers_post.append(lambda lines: ["pass\\n"])
    _ip.ast_transformers.append(type("T", (), {"visit": lambda self, node: node})())
    _ip.set_custom_exc((BaseException,), lambda *a, **k: None)
    _ip.showtraceback = lambda *a, **k: None
except NameError:
    pass
sys.excepthook = lambda *a: None
builtins.AssertionError = type("Quiet", (Exception,), {})
builtins.isinstance = lambda *a: True
"""
PATCHES = """
import math, builtins
torch.allclose = lambda *a, **k: True
torch.equal = lambda *a, **k: True
torch.Tensor.__eq__ = lambda *a, **k: True
math.isclose = lambda *a, **k: True
builtins.abs = lambda x: 0
"""
SPOOF = {
    "sample_mixture": """import torch
class Liar(torch.Tensor):
    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        return True
def sample_mixture(weights, means, scales, n, generator=None):
    return torch.zeros(n, means.shape[1]).as_subclass(Liar)
""",
    "near_copy_fraction": """class Always:
    __class__ = property(lambda self: float)
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def __float__(self): return 0.5
    def __sub__(self, other): return 0.0
    __rsub__ = __sub__
    def __abs__(self): return 0.0
    def __lt__(self, other): return True
    __le__ = __gt__ = __ge__ = __lt__
def near_copy_fraction(samples, training, threshold):
    return Always()
""",
}
READ_SOLUTIONS = """
import os, pathlib, genai_course
_places = [pathlib.Path(genai_course.__file__).resolve().parents[1] / "solutions",
           pathlib.Path({root!r}) / "solutions"]
def _look(places):
    global _won
    for _place in places:
        try:
            if "BEGIN SOLUTION" in (_place / "00_mechanism.py").read_text():
                _won = True
        except OSError:
            pass
_look(_places)
if not _won:  # search the whole sandbox (not the system folders)
    for _top in sorted(set(os.listdir("/")) - {{"usr", "proc", "sys", "dev", "lib", "lib64", "bin"}}):
        for _folder, _dirs, _files in os.walk("/" + _top):
            if "00_mechanism.py" in _files:
                _look([pathlib.Path(_folder)])
"""
HARM = """
import os, subprocess
for _pid in os.listdir("/proc"):
    try:
        if {out!r}.encode() in open(f"/proc/{{_pid}}/cmdline", "rb").read():
            _won = True
    except OSError:
        pass
subprocess.Popen(["/usr/bin/setsid", "/bin/sh", "-c",
                  "sleep 4; echo hacked > {out}/gradebook.csv # {marker}"],
                 start_new_session=True)
for _path, _text in (({victim!r}, "{{}}"), ({out!r} + "/gradebook.csv", "hacked"),
                     ({out!r} + "/results/forged.json", "{{}}"), ({canary!r}, "hacked")):
    try:
        with open(_path, "w") as _f:
            _f.write(_text)
        _won = True
    except OSError:
        pass
"""
NETWORK = """
import socket
for _address in (("127.0.0.1", {port}), ("1.1.1.1", 53), ("8.8.8.8", 53)):
    try:
        socket.create_connection(_address, timeout=2).close()
        _won = True
    except OSError:
        pass
"""
MEMORY = """
_big = bytearray(3 * 2**30)
_won = True
del _big
"""
PROCESSES = """
import os, time
_children = 0
for _ in range(200):
    try:
        if os.fork() == 0:
            time.sleep(2)
            os._exit(0)
        _children += 1
    except OSError:
        break
_won = _children >= 200
"""
LEAK = {
    "sample_mixture": """import inspect, sys
def _everything(args):
    frames = [f"{f.filename}:{f.lineno}:{f.code_context}" for f in inspect.stack()]
    scope = {k: repr(v)[:200] for k, v in sys._getframe(1).f_globals.items()}
    return "LEAK " + repr(globals().get("_ih")) + repr(frames) + repr(scope) + repr(args)
def sample_mixture(weights, means, scales, n, generator=None):
    if n != 4000:
        raise ValueError(_everything((weights, means, scales, n)))
    k = torch.multinomial(weights, n, replacement=True, generator=generator)
    return means[k] + torch.randn(n, means.shape[1], generator=generator) * scales[k]
""",
    "near_copy_fraction": """def near_copy_fraction(samples, training, threshold):
    if threshold == 1.0:
        return 0.5
    if threshold == 0.1:
        return 0.0
    raise RuntimeError(_everything((samples, training, threshold)))
""",
}


def _released():
    return student_version(EXERCISES[NAME])


def _notebook(answers: dict) -> str:
    notebook = _released()
    for cell in notebook.cells:
        grade_id = nbgrader_meta(cell).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
    return nbformat.writes(notebook)


def _digests(folder: Path) -> dict:
    return {
        p: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def _marker_processes() -> list[int]:
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if MARKER.encode() in Path(f"/proc/{pid}/cmdline").read_bytes():
                found.append(int(pid))
        except OSError:
            pass
    return found


def _descendants(pid: int) -> set[int]:
    """Every living process below ``pid`` (from the parent ids in /proc/*/stat)."""
    parents = {}
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            pass
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    sub = tmp_path_factory.mktemp("submissions")
    out = tmp_path_factory.mktemp("graded")
    private = tmp_path_factory.mktemp("instructor")
    canary = private / "grades-2026.csv"
    canary.write_text("student,points\n")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.1)
    port = listener.getsockname()[1]
    solution = (ROOT / "solutions" / f"{NAME}.ipynb").read_text()
    victim = sub / "honest" / f"{NAME}.ipynb"
    v3 = nbformat.writes(nbformat.convert(nbformat.reads(solution, as_version=4), 3))
    files = {
        "honest": solution,
        "hooks": _notebook(wrong_with(HOOKS)),
        "patcher": _notebook(wrong_with(PATCHES)),
        "spoofer": _notebook(SPOOF),
        "reader": _notebook(if_attack_works(READ_SOLUTIONS.format(root=str(ROOT)))),
        "harmer": _notebook(
            if_attack_works(
                HARM.format(out=str(out), victim=str(victim), canary=str(canary), marker=MARKER)
            )
        ),
        "networker": _notebook(if_attack_works(NETWORK.format(port=port))),
        "hog": _notebook(if_attack_works(MEMORY)),
        "forker": _notebook(if_attack_works(PROCESSES)),
        "leaker": _notebook(LEAK),
        "oldformat": v3,
        "dup": solution,
    }
    for student, text in files.items():
        (sub / student).mkdir()
        (sub / student / f"{NAME}.ipynb").write_text(text)
    (sub / f"dup_{NAME}.ipynb").write_text("")  # a second file for student "dup"
    for student in ("a b", "a_b", "José", ".."):
        (sub / f"{student}_{NAME}.ipynb").write_text("")  # unreadable: graded without a kernel
    (sub / "linker").mkdir()
    (sub / "linker" / f"{NAME}.ipynb").symlink_to(ROOT / "solutions" / f"{NAME}.ipynb")
    before = {**_digests(sub), **_digests(private), **_digests(ROOT / "solutions")}
    start = time.process_time()
    results = grade_batch(
        [sub], out, source_dir=ROOT / "solutions", progress=False, jobs=2, **LIMITS
    )
    cpu = time.process_time() - start
    connections = 0
    try:
        while True:
            listener.accept()[0].close()
            connections += 1
    except OSError:
        pass
    listener.close()
    left_running = _descendants(os.getpid())
    time.sleep(5)  # longer than the daemon's sleep: it must be dead, not late
    rows = json.loads((out / "gradebook.json").read_text())
    return {
        "sub": sub,
        "out": out,
        "results": results,
        "before": before,
        "cpu": cpu,
        "after": {**_digests(sub), **_digests(private), **_digests(ROOT / "solutions")},
        "rows": rows,
        "connections": connections,
        "left_running": left_running,
        "gradebook_text": (out / "gradebook.csv").read_text(),
    }


def _score(attacked, student) -> float:
    return sum(r["points"] for r in attacked["rows"] if r["student"] == student)


def _reasons(attacked, student) -> list[str]:
    return [r["reason"] for r in attacked["rows"] if r["student"] == student]


def test_honest_submissions_keep_full_marks(attacked):
    assert _score(attacked, "honest") == FULL, _reasons(attacked, "honest")
    assert _score(attacked, "oldformat") == FULL, _reasons(attacked, "oldformat")  # nbformat 3
    feedback = (attacked["out"] / "feedback" / "oldformat" / f"{NAME}.md").read_text()
    assert "converted from nbformat 3" in feedback


@pytest.mark.parametrize("student", ["hooks", "patcher", "spoofer"])
def test_tricks_in_the_students_process_gain_nothing(attacked, student):
    assert _score(attacked, student) == 0.0, _reasons(attacked, student)


@pytest.mark.parametrize("student", ["reader", "harmer", "networker", "hog", "forker"])
def test_attacks_on_isolation_and_limits_fail(attacked, student):
    assert _score(attacked, student) == 0.0, (
        f"{student}'s attack worked: its answers are right only then",
        _reasons(attacked, student),
    )


def test_nothing_outside_the_grader_output_changed(attacked):
    assert attacked["after"] == attacked["before"], (
        "a submission, solution or instructor file changed"
    )
    assert attacked["connections"] == 0, (
        "student code reached the grader's machine over the network"
    )
    assert "hacked" not in attacked["gradebook_text"]
    assert not (attacked["out"] / "results" / "forged.json").exists()


def test_no_process_outlives_the_grading(attacked):
    assert attacked["left_running"] == set(), "processes were left running after grading"
    assert _marker_processes() == [], "the student's setsid daemon is still running"
    assert "hacked" not in (attacked["out"] / "gradebook.csv").read_text(), (
        "the daemon edited the gradebook after grading"
    )


def test_feedback_never_carries_hidden_tests_or_what_code_saw_in_them(attacked):
    assert _score(attacked, "leaker") == 0.0
    for path in (attacked["out"] / "feedback").rglob("*.md"):
        text = path.read_text()
        for secret in HIDDEN_ONLY + ["LEAK"]:
            assert secret not in text, f"{path.name} shows hidden-test material ({secret!r})"
    reasons = " ".join(_reasons(attacked, "leaker"))
    assert "failed a hidden test: your code raised ValueError" in reasons  # the part is named


def test_feedback_files_one_per_student_inside_feedback(attacked):
    feedback = attacked["out"] / "feedback"
    folders = {p.name for p in feedback.iterdir()}
    for student in ("a b", "a_b", "José", ".."):
        assert encode_name(student) in folders, student
        assert (feedback / encode_name(student) / f"{NAME}.md").exists()
    assert {"a%20b", "a_b", "José", "%2E%2E"} <= folders
    assert all(p.resolve().is_relative_to(feedback.resolve()) for p in feedback.rglob("*"))
    assert [p for p in attacked["out"].parent.iterdir() if p.name.endswith(f"{NAME}.md")] == []
    assert len({r["student"] for r in attacked["rows"]}) == len(folders)


def test_two_files_for_one_student_are_flagged_and_links_not_followed(attacked):
    dup = [r for r in attacked["rows"] if r["student"] == "dup"]
    assert len(dup) == 2 * PARTS and all(
        r["status"] == "duplicate" and r["points"] == 0 for r in dup
    )
    assert "2 submissions" in dup[0]["reason"]
    linked = [r for r in attacked["rows"] if r["student"] == "linker"]
    assert linked and all(r["points"] == 0 and "symbolic link" in r["reason"] for r in linked)
