"""The exported slides work offline in a real browser: every slide renders, math is typeset.

All lessons are exported as they are (no outputs, so it stays fast) and opened from disk in
headless Chromium with every non-local request aborted and recorded.
"""

import re
from pathlib import Path

import nbformat
import pytest
from _chromium import block_external, launch, require_browser

from genai_course.site.lessons import find_lessons
from genai_course.site.slides import export_slides
from genai_course.site.structure import split_slides

LESSONS = find_lessons()


@pytest.fixture(scope="module")
def decks(tmp_path_factory):
    out = tmp_path_factory.mktemp("slides")
    return dict(zip([p.stem for p in LESSONS], export_slides(LESSONS, out), strict=True))


@pytest.fixture(scope="module")
def browser():
    binary = require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright, binary)
        yield browser
        browser.close()


def _has_math(nb) -> bool:
    return any(cell.cell_type == "markdown" and re.search(r"\$[^$]+\$", cell.source) for cell in nb.cells)


@pytest.mark.parametrize("lesson", LESSONS, ids=[p.stem for p in LESSONS])
def test_every_slide_renders_offline(lesson, decks, browser):
    nb = nbformat.read(lesson, as_version=4)
    expected = split_slides(nb)
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    blocked, failed = [], []
    block_external(page, blocked, failed)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(Path(decks[lesson.stem]).as_uri())
    page.wait_for_function("window.Reveal && Reveal.isReady()", timeout=30_000)
    if _has_math(nb):
        page.wait_for_function("window.MathJax && MathJax.Hub && MathJax.Hub.queue.pending === 0"
                               " && document.querySelectorAll('.MathJax').length > 0", timeout=60_000)
        assert page.evaluate("document.querySelectorAll('.MathJax_Error, merror').length") == 0
    page.evaluate("Reveal.configure({transition: 'none', backgroundTransition: 'none'})")
    assert page.evaluate("Reveal.getTotalSlides()") == len(expected)
    assert page.evaluate("Reveal.getHorizontalSlides().length") == len({s.h for s in expected})

    for slide in expected:
        page.evaluate(f"Reveal.slide({slide.h - 1}, {slide.v - 1}, Infinity)")  # all fragments shown
        shown = page.evaluate("""() => {
            const s = Reveal.getCurrentSlide(); const r = s.getBoundingClientRect();
            return {text: s.innerText.trim().length, w: r.width, h: r.height,
                    visible: getComputedStyle(s).display !== 'none',
                    rawMath: /\\$\\$|\\\\frac|\\\\sum/.test(s.innerText)}; }""")
        where = f"{lesson.stem} {slide.label}"
        assert shown["visible"] and shown["w"] > 100 and shown["h"] > 20, where
        assert shown["text"] > 0, f"{where} shows no text"
        assert not shown["rawMath"], f"{where} shows untypeset TeX"
    assert page.evaluate("Reveal.isLastSlide()")
    page.close()
    assert not blocked, f"requests to the network: {blocked}"
    assert not failed, f"failed requests: {failed}"
    assert not errors, f"JavaScript errors: {errors}"
