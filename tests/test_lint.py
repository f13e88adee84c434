"""The package, the tests and the notebooks' .py sources pass ruff (configured in pyproject)."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_ruff_finds_nothing():
    ruff = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
    if not Path(ruff).exists():
        pytest.skip("ruff is not installed (pip install -e '.[test]')")
    result = subprocess.run(
        [ruff, "check", "genai_course", "tests", "lessons", "solutions"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, (
        f"ruff found problems (fix them or run `ruff check --fix`):\n{result.stdout}"
    )


def test_the_package_and_tests_follow_ruff_format():
    """One formatter for the package and the tests (lessons keep their teaching layout)."""
    ruff = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
    if not Path(ruff).exists():
        pytest.skip("ruff is not installed (pip install -e '.[test]')")
    result = subprocess.run(
        [ruff, "format", "--check", "genai_course", "tests"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, f"run `ruff format genai_course tests`:\n{result.stdout}"


def test_no_text_source_holds_a_control_character():
    """A backslash lost in a Python string turns \\beta into a backspace and \\alpha into a
    bell: the formula then renders as 'eta' and 'lpha'. Tabs and newlines are fine."""
    bad = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
    found = []
    for folder in ("genai_course", "lessons", "solutions", "exercises", "tests", "docs"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix not in {".py", ".md", ".ipynb", ".json", ".toml", ".txt", ".html"}:
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            if path.suffix == ".ipynb":  # JSON escapes them: look at the cells' text
                text = "".join("".join(c["source"]) for c in json.loads(text)["cells"])
            found += [f"{path.relative_to(ROOT)}: {m.group()!r}" for m in bad.finditer(text)]
    assert not found, "control characters (write \\\\b, \\\\a in Python strings):\n" + "\n".join(
        found[:20]
    )
