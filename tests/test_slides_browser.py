"""The exported slides work offline in a real browser: every slide renders, math is typeset.

All lessons are exported as they are (no outputs, so it stays fast) and opened from disk in
headless Chromium with every non-local request aborted and recorded.
"""

import re
from pathlib import Path

import nbformat
import pytest
from _chromium import block_external, launch, patient_ms, require_browser

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
    return any(
        cell.cell_type == "markdown" and re.search(r"\$[^$]+\$", cell.source) for cell in nb.cells
    )


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
    page.wait_for_function("window.Reveal && Reveal.isReady()", timeout=patient_ms(30))
    if _has_math(nb):
        page.wait_for_function(
            "window.MathJax && MathJax.Hub && MathJax.Hub.queue.pending === 0"
            " && document.querySelectorAll('.MathJax').length > 0",
            timeout=patient_ms(60),
        )
        assert page.evaluate("document.querySelectorAll('.MathJax_Error, merror').length") == 0
    page.evaluate("Reveal.configure({transition: 'none', backgroundTransition: 'none'})")
    assert page.evaluate("Reveal.getTotalSlides()") == len(expected)
    assert page.evaluate("Reveal.getHorizontalSlides().length") == len({s.h for s in expected})

    for slide in expected:
        page.evaluate(
            f"Reveal.slide({slide.h - 1}, {slide.v - 1}, Infinity)"
        )  # all fragments shown
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


# Measured in the browser, not counted from source lines: an executed lesson's outputs
# (figures, printed tables, long code lines) decide whether a slide fits.
MEASURE = """() => {
    const slide = Reveal.getCurrentSlide();
    const box = document.querySelector('.reveal .slides').getBoundingClientRect();
    let right = 0, bottom = 0, widest = 0;
    for (const el of slide.querySelectorAll('pre, img, table, .jp-OutputArea-output, .jp-InputArea, p, li, h1, h2, h3')) {
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.height === 0) continue;
        right = Math.max(right, r.right); bottom = Math.max(bottom, r.bottom);
        if (el.tagName === 'PRE') widest = Math.max(widest, el.scrollWidth - el.clientWidth);
    }
    return {fit: slide.dataset.fit || 'none', scrolls: getComputedStyle(slide).overflowY === 'auto',
            over_right: right - box.right, over_bottom: bottom - box.bottom, pre_hidden: widest,
            scroll_height: slide.scrollHeight, client_height: slide.clientHeight};
}"""
EXECUTED_LESSON = "01_gans"  # the deck where 9 of 23 screens overflowed at 960 x 700


@pytest.fixture(scope="module")
def executed_deck(tmp_path_factory):
    lesson = next(p for p in LESSONS if p.stem == EXECUTED_LESSON)
    (deck,) = export_slides(
        [lesson], tmp_path_factory.mktemp("executed"), execute=True, timeout=900
    )
    return lesson, deck


@pytest.mark.parametrize("viewport", [(1280, 720), (1024, 640)])
def test_an_executed_deck_fits_its_screens(executed_deck, browser, viewport):
    lesson, deck = executed_deck
    expected = split_slides(nbformat.read(lesson, as_version=4))
    page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
    blocked, failed = [], []
    block_external(page, blocked, failed)
    page.goto(Path(deck).as_uri())
    page.wait_for_function("window.Reveal && Reveal.isReady()", timeout=patient_ms(30))
    page.evaluate("Reveal.configure({transition: 'none', backgroundTransition: 'none'})")
    problems, fits = [], {}
    for slide in expected:
        page.evaluate(f"Reveal.slide({slide.h - 1}, {slide.v - 1}, Infinity)")
        page.evaluate("genaiFitSlide(Reveal.getCurrentSlide())")  # after images have loaded
        shown = page.evaluate(MEASURE)
        fits[shown["fit"]] = fits.get(shown["fit"], 0) + 1
        where = f"{lesson.stem} {slide.label} ({shown['fit']})"
        if shown["over_right"] > 2 or shown["pre_hidden"] > 2:
            problems.append(
                f"{where}: content {shown['over_right']:.0f} px wider than the slide, "
                f"code hidden {shown['pre_hidden']} px"
            )
        if shown["over_bottom"] > 2 and not (
            shown["scrolls"] and shown["scroll_height"] > shown["client_height"]
        ):
            problems.append(
                f"{where}: content {shown['over_bottom']:.0f} px below the slide, not scrollable"
            )
    page.close()
    assert not problems, (
        f"{len(problems)} of {len(expected)} screens cut content off ({fits}):\n"
        + "\n".join(problems)
    )
    assert fits.get("scroll", 0) <= len(expected) // 4, (
        f"too many screens need scrolling even zoomed out to 55%: {fits}; split those slides"
    )
    assert not blocked and not failed
