"""A wheel built from the repository installs in a fresh venv and hands out the lessons.

This is the Colab / plain-pip path: no checkout, only the installed package. Everything
runs offline: the wheel is built with the installed setuptools (``--no-build-isolation``),
installed with ``--no-index --no-deps``, and the fresh venv borrows this interpreter's
site-packages (torch and friends) through a ``.pth`` line, so nothing is downloaded.
"""

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BUILD_INPUTS = ["pyproject.toml", "setup.py", "README.md", "genai_course", "lessons", "exercises"]


def _run(cmd, **kwargs):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    result = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=900, **kwargs)
    assert result.returncode == 0, (
        f"{' '.join(map(str, cmd))} failed:\n{result.stdout}\n{result.stderr}"
    )
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"  # build from a copy: the build writes build/ and *.egg-info next to its input
    src.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
    for name in BUILD_INPUTS:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, src / name, ignore=ignore)
        else:
            shutil.copy2(path, src / name)
    wheels = tmp / "wheels"
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "-w",
            str(wheels),
            str(src),
        ],
        cwd=tmp,
    )
    (wheel,) = wheels.glob("genai_course-*.whl")

    venv = tmp / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    python = venv / "bin" / "python"
    purelib = Path(
        _run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]
        ).stdout.strip()
    )
    # torch, numpy, ... from this interpreter; genai_course itself only from the wheel (an
    # editable install here is a finder hooked by a .pth file, which a path line does not run)
    (purelib / "borrowed.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--no-deps",
            "--no-index",
            str(wheel),
        ]
    )
    return venv, tmp


def test_the_wheel_carries_the_package_and_the_notebooks(installed):
    venv, tmp = installed
    out = _run(
        [
            str(venv / "bin" / "python"),
            "-c",
            "import genai_course, pathlib; print(pathlib.Path(genai_course.__file__).parent)",
        ],
        cwd=tmp,
    ).stdout.strip()
    package = Path(out)
    assert venv in package.parents, f"genai_course was imported from {package}, not the fresh venv"
    assert sorted(p.name for p in (package / "course" / "lessons").glob("*.ipynb")) == sorted(
        p.name for p in (ROOT / "lessons").glob("*.ipynb")
    ), "the wheel must ship every lesson"
    assert list((package / "pretrained").glob("*.safetensors")), "the wheel must ship the weights"


def test_get_lessons_copies_lessons_and_exercises_and_keeps_existing_work(installed):
    venv, tmp = installed
    dest = tmp / "my course"
    command = str(venv / "bin" / "genai-course")
    result = _run([command, "get-lessons", str(dest)], cwd=tmp)
    assert "Copied" in result.stdout
    lessons = sorted(p.name for p in (dest / "lessons").glob("*.ipynb"))
    assert lessons == sorted(p.name for p in (ROOT / "lessons").glob("*.ipynb"))
    exercises = sorted(p.name for p in (dest / "exercises").iterdir())
    assert exercises == sorted(
        p.name for p in (ROOT / "exercises").glob("*") if p.suffix in (".ipynb", ".py")
    ), "exercises need their .ipynb and the .py that `genai-course check` reads"
    first = dest / "lessons" / lessons[0]
    assert first.read_bytes() == (ROOT / "lessons" / lessons[0]).read_bytes()

    first.write_text("my edits")  # a learner's work survives a second copy
    result = _run([command, "get-lessons", str(dest)], cwd=tmp)
    assert "Kept" in result.stdout and first.read_text() == "my edits"
    _run([command, "get-lessons", str(dest), "--force"], cwd=tmp)
    assert first.read_text() != "my edits"


def test_the_installed_command_help_runs(installed):
    venv, tmp = installed
    result = _run([str(venv / "bin" / "genai-course"), "--help"], cwd=tmp)
    assert "get-lessons" in result.stdout
