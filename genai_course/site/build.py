"""``genai-course build-site``: the lessons as a static web site, for reading before running.

An ``index.html`` lists the lessons; each lesson page shows the notebook with its outputs and
figures (embedded as data: URLs, so a page is one file) and links to the previous lesson, the
index and the next lesson. Every script and style sheet is local (see :mod:`.assets`).
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import nbformat

from genai_course.site.assets import copy_assets
from genai_course.site.execute import execute_notebook
from genai_course.site.lessons import lesson_title
from genai_course.site.render import export, page_exporter


@dataclass
class Page:
    lesson: Path
    href: str
    title: str
    executed: bool
    seconds: float


def build_site(
    lessons: list[Path],
    out: str | Path,
    execute: bool | Iterable[str] = True,
    timeout: int = 600,
    log=print,
) -> list[Page]:
    """Write ``out/index.html`` and one ``out/<lesson>.html`` per lesson; return the pages.

    ``execute``: run every lesson first (True), none (False), or only the lessons whose file
    stems are listed (e.g. ``{"00_mechanism"}``); the others are shown as they are.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    exporter = page_exporter(copy_assets(out, reveal=False))
    notebooks, pages = [], []
    for path in lessons:
        start = time.perf_counter()
        run = execute if isinstance(execute, bool) else path.stem in set(execute)
        nb = execute_notebook(path, timeout=timeout) if run else nbformat.read(path, as_version=4)
        seconds = time.perf_counter() - start
        notebooks.append(nb)
        pages.append(Page(path, f"{path.stem}.html", lesson_title(nb, path.stem), run, seconds))
        if run:
            log(f"executed {path.name} in {seconds:.0f} s")
    for i, (nb, page) in enumerate(zip(notebooks, pages, strict=True)):
        links = {
            "index": "index.html",
            "prev": _link(pages[i - 1]) if i > 0 else None,
            "next": _link(pages[i + 1]) if i + 1 < len(pages) else None,
        }
        body = export(exporter, nb, {"metadata": {"name": page.title}, "genai_nav": links})
        (out / page.href).write_text(_site_links(body, pages), encoding="utf-8")
    (out / "index.html").write_text(index_html(pages), encoding="utf-8")
    return pages


def _site_links(body: str, pages: list[Page]) -> str:
    """A lesson's link to another lesson's notebook (``07_x.ipynb``) points at its page here."""
    stems = {page.lesson.stem for page in pages}

    def relink(match: re.Match) -> str:
        stem = match.group(2)
        return f'href="{stem}.html"' if stem in stems else match.group(0)

    return re.sub(r'href="(\.\./lessons/|\./)?(\d\d_[A-Za-z0-9_]+)\.ipynb"', relink, body)


def _link(page: Page) -> dict[str, str]:
    return {"href": page.href, "title": page.title}


def index_html(pages: list[Page]) -> str:
    from genai_course.bench.figures import lesson_time_sentence, load  # the measured figures

    timing = html.escape(lesson_time_sentence(load()))
    items = "\n".join(
        f'  <li><a href="{html.escape(p.href)}">{html.escape(p.title)}</a>'
        f"{'' if p.executed else ' <small>(not executed: code only)</small>'}</li>"
        for p in pages
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Generative AI, hands-on: the course</title>
<style>
body {{ font-family: sans-serif; max-width: 800px; margin: 2em auto; padding: 0 1em; line-height: 1.5; }}
li {{ margin: 0.4em 0; }}
</style>
</head>
<body>
<h1>Generative AI, hands-on</h1>
<p>Read the lessons here; run them, with their widgets, in JupyterLab
(<code>make lab</code> in the course folder). {timing}</p>
<ol start="0">
{items}
</ol>
</body>
</html>
"""
