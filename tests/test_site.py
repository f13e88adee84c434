"""``genai-course build-site``: an index and a page per lesson, linked, figures embedded, offline.

Lesson 00 is executed (the others are used as they are, to keep the test fast).
"""

import re
from urllib.parse import unquote, urlparse

import nbformat
import pytest

from genai_course.cli import main
from genai_course.site.build import build_site
from genai_course.site.lessons import find_lessons
from genai_course.site.render import WIDGET_MIME, WIDGET_NOTE, WidgetNotes

LESSONS = find_lessons()
EXECUTED = LESSONS[0].stem


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    pages = build_site(LESSONS, out, execute={EXECUTED}, log=lambda _: None)
    return out, pages


def _attributes(html: str, tag_attr: str) -> list[str]:
    return re.findall(tag_attr + r'="([^"]*)"', html)


def _links(html: str, css_class: str) -> list[str]:
    """The href of every <a> with ``css_class`` (attribute order does not matter)."""
    tags = re.findall(r"<a\b[^>]*>", html)
    return [re.search(r'href="([^"]+)"', t).group(1) for t in tags if f'class="{css_class}"' in t]


def test_index_lists_every_lesson_in_order(site):
    out, pages = site
    assert [p.lesson for p in pages] == LESSONS
    index = (out / "index.html").read_text()
    assert _attributes(index, "href") == [f"{p.stem}.html" for p in LESSONS]
    for page in pages:
        assert page.title and page.title in index
        assert (out / page.href).is_file()
    assert pages[0].executed and not any(p.executed for p in pages[1:])


def test_navigation_links_resolve(site):
    out, pages = site
    for i, page in enumerate(pages):
        html = (out / page.href).read_text()
        prev, nxt, index = (
            _links(html, name) for name in ("genai-prev", "genai-next", "genai-index")
        )
        assert index == ["index.html"] * 2  # top and bottom
        assert prev == ([pages[i - 1].href] * 2 if i > 0 else [])
        assert nxt == ([pages[i + 1].href] * 2 if i + 1 < len(pages) else [])
        # every local src/href points at a file that exists
        for url in _attributes(html, "src") + _attributes(html, "href"):
            parsed = urlparse(url)
            if parsed.scheme == "" and parsed.path:
                assert (out / unquote(parsed.path)).is_file(), f"{page.href}: broken link {url}"


def test_executed_lesson_shows_outputs_and_embedded_figures(site):
    out, _ = site
    html = (out / f"{EXECUTED}.html").read_text()
    images = re.findall(r'<img [^>]*src="([^"]{0,40})', html)
    assert len(images) >= 4 and all(src.startswith("data:image/png;base64,") for src in images)
    assert "jp-OutputArea-output" in html and "Traceback" not in html
    assert "$$" in html  # math is left for MathJax (loaded locally) to typeset


def test_no_page_loads_anything_from_another_host(site):
    out, _ = site
    for path in sorted(out.glob("*.html")):
        html = path.read_text()
        tags = re.findall(r"<(?:script|link|img|iframe|source|audio|video)\b[^>]*>", html)
        urls = [u for tag in tags for u in re.findall(r'(?:src|href)="([^"]*)"', tag)]
        external = [u for u in urls if re.match(r"(https?:)?//", u)]
        assert not external, f"{path.name} loads {external}"
        assert not re.search(r"@import\s+url\(\s*['\"]?(https?:)?//", html), path.name
        assert not re.search(r"require\.js|jquery|mermaid|unpkg|cdnjs|jsdelivr", " ".join(urls))
    assert (out / "_static/mathjax/MathJax.js").is_file()


def test_widget_views_become_a_note_and_progress_bars_go():
    def widget(text):
        return nbformat.v4.new_output(
            "display_data", data={WIDGET_MIME: {"model_id": "1"}, "text/plain": text}
        )

    bar = "training GaussianMixture:   0%|          | 0/600 [00:00<?, ?it/s]"
    stream = nbformat.v4.new_output("stream", name="stdout", text="done\n")
    nb = nbformat.v4.new_notebook(
        metadata={"widgets": {"state": {}}},
        cells=[
            nbformat.v4.new_code_cell("w", outputs=[widget("VBox()")]),
            nbformat.v4.new_code_cell("fit()", outputs=[widget(bar), stream]),
        ],
    )
    cleaned, _ = WidgetNotes().preprocess(nb, {})
    assert "widgets" not in cleaned.metadata
    assert cleaned.cells[0].outputs[0].data == {"text/html": WIDGET_NOTE}
    assert cleaned.cells[1].outputs == [stream]
    assert WIDGET_MIME in nb.cells[0].outputs[0].data  # the input notebook is left alone


def test_cli_build_site_without_executing(tmp_path, capsys):
    assert main(["build-site", LESSONS[0].stem, "--no-execute", "--out", str(tmp_path)]) == 0
    assert "1 lesson pages" in capsys.readouterr().out
    assert sorted(p.name for p in tmp_path.glob("*.html")) == sorted(
        ["index.html", f"{LESSONS[0].stem}.html"]
    )
    assert (
        "<img" not in (tmp_path / f"{LESSONS[0].stem}.html").read_text()
    )  # no outputs: no figures


def test_index_timing_comes_from_the_figures_file():
    import html

    from genai_course.bench.figures import lesson_time_sentence, load
    from genai_course.site.build import index_html

    assert html.escape(lesson_time_sentence(load())) in index_html([])
    assert "about a minute" not in index_html([])
