"""``genai-course slides``: lessons as reveal.js decks that work offline."""

from __future__ import annotations

from pathlib import Path

import nbformat

from genai_course.site.assets import copy_assets
from genai_course.site.execute import execute_notebook
from genai_course.site.render import export, slides_exporter


def export_slides(
    lessons: list[Path], out: str | Path, execute: bool = False, timeout: int = 600
) -> list[Path]:
    """Write ``out/<lesson>.slides.html`` for each lesson (plus ``out/_static``); return the files.

    With ``execute`` the lessons run first, so the slides show outputs and figures; without it
    they show the notebook as it is (the committed lessons carry no outputs).
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    exporter = slides_exporter(copy_assets(out, reveal=True))
    written = []
    for path in lessons:
        nb = (
            execute_notebook(path, timeout=timeout)
            if execute
            else nbformat.read(path, as_version=4)
        )
        target = out / f"{Path(path).stem}.slides.html"
        target.write_text(
            export(exporter, nb, {"metadata": {"name": Path(path).stem}}), encoding="utf-8"
        )
        written.append(target)
    return written
