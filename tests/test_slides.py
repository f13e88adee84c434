"""Every lesson is also a slide deck: sensible slides from its ``slideshow`` metadata."""

import re
from pathlib import Path

import nbformat
import pytest

from genai_course.cli import main
from genai_course.site.assets import copy_assets
from genai_course.site.render import export, slides_exporter
from genai_course.site.structure import SlideLimits, display_lines, slide_problems, split_slides

LESSONS = sorted((Path(__file__).resolve().parents[1] / "lessons").glob("[0-9][0-9]_*.ipynb"))


def _nb(*cells):
    """A notebook from (kind, slide_type, source) triples; slide_type None means unmarked."""
    made = []
    for kind, slide_type, source in cells:
        cell = (
            nbformat.v4.new_markdown_cell(source)
            if kind == "md"
            else nbformat.v4.new_code_cell(source)
        )
        if slide_type:
            cell.metadata["slideshow"] = {"slide_type": slide_type}
        made.append(cell)
    return nbformat.v4.new_notebook(cells=made)


def test_split_follows_reveal_rules():
    nb = _nb(
        ("code", "skip", "import torch"),
        ("md", None, "# Title"),  # first shown cell opens slide 1
        ("md", "fragment", "more"),
        ("md", "subslide", "detail"),
        ("md", "notes", "speaker only"),
        ("code", "-", "x = 1"),
        ("md", "slide", "## Two"),
    )
    slides = split_slides(nb)
    assert [(s.h, s.v, s.cells) for s in slides] == [(1, 1, [1, 2]), (1, 2, [3, 5]), (2, 1, [6])]
    assert [s.lines for s in slides] == [2, 2, 1]


def test_limits_report_empty_and_overlong_slides_with_their_cells():
    assert display_lines("a\n\n" + "b" * 181) == 1 + 3  # blank lines free, long lines wrap
    long_text = "\n".join(f"line {i}" for i in range(40))
    nb = _nb(
        ("md", "slide", "# One"),
        ("md", "slide", "   \n"),
        ("md", "slide", long_text),
        ("md", "slide", "# Four"),
        ("md", "slide", "# Five"),
    )
    problems = slide_problems(nb, SlideLimits(max_lines=30, min_slides=2), name="99_test")
    assert problems == [
        "99_test, slide 2.1 (cells 1-1): empty (its cells have no text); merge it or remove the mark",
        "99_test, slide 3.1 (cells 2-2): 40 lines, more than 30; split the cell in two and mark the second 'subslide'",
    ]
    assert "1 slides" in slide_problems(_nb(("md", "slide", "# only")), name="x")[0]


@pytest.mark.parametrize("lesson", LESSONS, ids=[p.stem for p in LESSONS])
def test_lesson_deck_has_sensible_slides(lesson):
    nb = nbformat.read(lesson, as_version=4)
    problems = slide_problems(nb, name=lesson.stem)
    assert not problems, "slides to fix:\n" + "\n".join(problems)
    # sections are marked: at least a third of the screens start a new section
    slides = split_slides(nb)
    assert sum(s.v == 1 for s in slides) >= max(2, len(slides) // 4)


def test_export_matches_the_split_and_uses_local_files(tmp_path):
    lesson = LESSONS[0]
    nb = nbformat.read(lesson, as_version=4)
    html = export(slides_exporter(copy_assets(tmp_path)), nb)
    slides = split_slides(nb)
    # a horizontal slide is an outer <section> holding one <section> per screen
    assert html.count("<section") == len(slides) + len({s.h for s in slides})
    assert "_static/reveal.js/dist/reveal.js" in html and "_static/mathjax/MathJax.js" in html
    sources = re.findall(r'(?:src|href)="([^"#]+)"', html)
    assert sources and not [s for s in sources if re.match(r"(https?:)?//", s)], sources
    assert not re.search(r"@import\s+url\(\s*['\"]?https?:", html)
    for unused in ("require.js", "jquery", "mermaid"):
        assert not [s for s in sources if unused in s.lower()], unused
    assert (tmp_path / "_static/reveal.js/dist/theme/white.css").read_text().find("@import") == -1


def test_cli_slides_writes_a_deck_per_lesson(tmp_path, capsys):
    assert main(["slides", LESSONS[0].stem[:2], "--out", str(tmp_path)]) == 0
    assert (tmp_path / f"{LESSONS[0].stem}.slides.html").is_file()
    assert main(["slides", "no-such-lesson", "--out", str(tmp_path)]) == 2
    assert "no single lesson matches" in capsys.readouterr().err
    assert main(["slides", "--check", str(LESSONS[0])]) == 0
    assert f"{LESSONS[0].stem}: " in capsys.readouterr().out
