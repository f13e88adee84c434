"""``genai-course get-lessons DEST``: copy the lessons and exercises into a folder of your own.

For a learner who installed the package with pip (Colab, a GPU machine, a wheel) and has
no checkout: the wheel carries the notebooks in ``genai_course/course/`` (see setup.py).
From a checkout (an editable install) they are copied from its lessons/ and exercises/.
Files already in DEST are kept unless ``--force``: your work is never overwritten silently.
"""

from __future__ import annotations

import shutil
from pathlib import Path

FOLDERS = {"lessons": ("*.ipynb",), "exercises": ("*.ipynb", "*.py")}


def add_arguments(parser) -> None:
    parser.add_argument(
        "dest",
        metavar="DEST",
        help="folder to copy lessons/ and exercises/ into (created if missing)",
    )
    parser.add_argument(
        "--force", action="store_true", help="overwrite files that already exist in DEST"
    )


def course_source() -> Path:
    """The folder holding lessons/ and exercises/: inside the installed package, or the checkout."""
    package = Path(__file__).resolve().parents[1]
    for candidate in (package / "course", package.parent):
        if all((candidate / folder).is_dir() for folder in FOLDERS):
            return candidate
    raise FileNotFoundError(
        f"No lessons/ and exercises/ in {package / 'course'} nor in {package.parent}: this "
        "installation has no course files. Install the course from a wheel built from the "
        "repository (`pip wheel --no-deps .`) or from a checkout (`pip install -e .`)."
    )


def copy_course(dest, *, force: bool = False) -> tuple[list[Path], list[Path]]:
    """Copy the notebooks into ``dest``; return (files written, files kept because they existed)."""
    source, dest = course_source(), Path(dest)
    if dest.exists() and not dest.is_dir():
        raise ValueError(f"{dest} is a file, not a folder: give a folder for the lessons.")
    written, kept = [], []
    for folder, patterns in FOLDERS.items():
        (dest / folder).mkdir(parents=True, exist_ok=True)
        for file in sorted(f for p in patterns for f in (source / folder).glob(p)):
            target = dest / folder / file.name
            if target.exists() and not force:
                kept.append(target)
                continue
            shutil.copy2(file, target)
            written.append(target)
    return written, kept


def run(args) -> int:
    written, kept = copy_course(args.dest, force=args.force)
    print(f"Copied {len(written)} files into {args.dest}/lessons and {args.dest}/exercises.")
    if kept:
        print(f"Kept {len(kept)} files that were already there (your work); --force replaces them.")
    print(f"Open {Path(args.dest) / 'lessons'} in JupyterLab and start with 00_mechanism.ipynb.")
    return 0
