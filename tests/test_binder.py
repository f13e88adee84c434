"""Binder/JupyterHub set-up: environment.yml pins Python and installs the package; postBuild
hides nbgrader's instructor pieces from learners (run here against a throw-away config dir)."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_environment_yml_pins_python_and_installs_the_course():
    text = (ROOT / "environment.yml").read_text()
    assert re.search(r"^\s*- python=3\.11\s*$", text, re.M)
    assert re.search(r"^\s*- pip:\s*$", text, re.M)
    assert re.search(r"^\s*- -e \.\[[a-z,]*lab[a-z,]*\]\s*$", text, re.M)
    pinned = re.search(r"torch==([\d.]+)", (ROOT / "constraints.txt").read_text())
    assert pinned and f"torch=={pinned.group(1)}" in text, (
        "environment.yml and constraints.txt disagree on torch"
    )
    assert not (ROOT / "binder").exists(), (
        "a binder/ folder would hide the root-level environment.yml"
    )


@pytest.mark.skipif(
    not (Path(sys.prefix) / "share/jupyter/labextensions/@jupyter/nbgrader").is_dir(),
    reason="nbgrader's JupyterLab extension is not installed (instructor extra)",
)
def test_postbuild_disables_instructor_pieces_for_learners(tmp_path):
    env = dict(
        os.environ,
        JUPYTER_CONFIG_DIR=str(tmp_path),
        GENAI_COURSE_LAB_SETTINGS=str(tmp_path / "lab"),
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    )
    subprocess.run(
        ["bash", str(ROOT / "postBuild")], env=env, check=True, capture_output=True, cwd=tmp_path
    )
    # JupyterLab reads the disabled (and locked) plugins from labconfig/page_config.json. Where
    # `make install` already ran postBuild for this venv, the plugins are locked at the venv's
    # level and cannot be toggled again in a user folder: check the venv's own config then.
    page = tmp_path / "labconfig" / "page_config.json"
    if not page.exists():
        page = Path(sys.prefix) / "etc" / "jupyter" / "labconfig" / "page_config.json"
    page_config = json.loads(page.read_text())
    instructor = {
        f"@jupyter/nbgrader:{p}": True for p in ("create-assignment", "formgrader", "course-list")
    }
    assert page_config["disabledExtensions"] == instructor == page_config["lockedExtensions"]
    rise = json.loads((tmp_path / "lab/overrides.d/genai-course.json").read_text())
    assert rise == {"jupyterlab-rise:plugin": {"theme": "white"}}  # a theme with no web fonts
    server = subprocess.run(
        ["jupyter", "server", "extension", "list"], env=env, capture_output=True, text=True
    )
    user_section = (server.stdout + server.stderr).split(str(tmp_path))[1].split("Config dir:")[0]
    assert re.search(r"formgrader\S*\s+\S*disabled", user_section)
    assert re.search(r"course_list\S*\s+\S*disabled", user_section)


def _make_dry_run(target: str, venv: Path) -> str:
    result = subprocess.run(
        ["make", "-n", "-C", str(ROOT), target, f"VENV={venv}"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.skipif(
    subprocess.run(["which", "make"], capture_output=True).returncode != 0,
    reason="make is not installed",
)
def test_each_make_target_installs_only_what_its_person_needs_and_says_so(tmp_path):
    lab = _make_dry_run("lab", tmp_path / "venv")
    assert '-e ".[lab]"' in lab, "a learner's `make lab` installs only the lab extra"
    assert "test" not in lab.split("pip install")[1].split("\n")[0]
    assert "nbgrader" not in lab and "instructor" not in lab.split("pip install")[1]
    install = _make_dry_run("install", tmp_path / "venv")
    assert '-e ".[lab,test]"' in install, (
        "`make install` (CI, before the network is cut) installs the test extra"
    )
    assert "bash postBuild" in install and "JUPYTER_CONFIG_DIR=" in install, (
        "nbgrader's instructor tools must be hidden in the venv the tests install"
    )
    instructor = _make_dry_run("instructor", tmp_path / "venv")
    assert '-e ".[lab,instructor]"' in instructor and "labextension enable" in instructor
    for text in (lab, install, instructor):
        assert "--quiet" not in text and " -q " not in text, "installs must show what pip does"
        assert "echo" in text, "each install says what it is doing"


def test_extras_split_learner_from_test_and_instructor_tools():
    import tomllib

    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]
    names = {
        key: {re.split(r"[<>=\[ ]", req)[0].lower() for req in reqs} for key, reqs in extras.items()
    }
    assert names["lab"] == {"jupyterlab", "ipykernel"}, (
        "learners get JupyterLab and a kernel, nothing else"
    )
    assert {"nbgrader", "jupyterlab-rise"} <= names["instructor"]
    assert {"pytest", "nbval", "nbgrader", "playwright"} <= names["test"]
