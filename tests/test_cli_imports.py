"""`genai-course --help` and every sub-command's --help start fast: they import no torch,
nbformat, nbconvert or jsonschema (seconds of CPU between them). Checked by the modules a
fresh interpreter has loaded, not by timing, so a busy machine cannot fail it."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from genai_course.cli import COMMANDS

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("torch", "nbformat", "nbconvert", "jsonschema", "nbclient", "matplotlib", "numpy")
PROBE = """
import json, sys
from genai_course.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted(m for m in {heavy!r} if m in sys.modules)), file=sys.stderr)
"""


def _heavy_modules_loaded(*argv: str) -> list[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=HEAVY), *argv],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert "usage: genai-course" in result.stdout, result.stdout + result.stderr
    return json.loads(result.stderr.strip().splitlines()[-1])


def test_top_level_help_imports_no_command_module():
    assert _heavy_modules_loaded("--help") == [], "`genai-course --help` must not import these"


@pytest.mark.parametrize("name", [name for name, _, _ in COMMANDS])
def test_each_subcommand_help_is_light(name):
    loaded = _heavy_modules_loaded(name, "--help")
    assert loaded == [], f"`genai-course {name} --help` imported {loaded}: import them inside run()"


def test_grade_command_defaults_match_the_grader():
    from genai_course.commands import grade as command
    from genai_course.grading.grade import LIMITS

    assert command.DEFAULT_CELL_TIMEOUT == LIMITS["cell_timeout"]
    assert command.DEFAULT_TIMEOUT == LIMITS["timeout"]
