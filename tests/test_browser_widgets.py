"""The lesson widgets in a real JupyterLab and a real browser (headless Chromium).

One JupyterLab serves a copy of lessons/ on 127.0.0.1 for the whole module. Every widget lesson
that exists is opened in its own tab and run top to bottom at once (the kernels work in
parallel), then each test checks its widget renders and responds, and saves a screenshot in
``$GENAI_COURSE_ARTIFACTS/genai-course-screenshots`` (default: the system's temp folder).
A lesson that is not written yet is skipped with a message; once its file exists it is tested.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from pathlib import Path

import nbformat
import pytest
from _chromium import block_external, launch, patient, patient_ms, require_browser
from _jupyterlab import JupyterLab

LESSONS_DIR = Path(__file__).resolve().parents[1] / "lessons"
SCREENSHOTS = (
    Path(os.environ.get("GENAI_COURSE_ARTIFACTS", tempfile.gettempdir()))
    / "genai-course-screenshots"
)
RUN_TIMEOUT = patient(300)  # seconds for one lesson to run top to bottom in the browser
HARNESS = "harness.ipynb"  # a tiny widget notebook that proves the set-up itself works
WIDGET_LESSONS = {  # notebook -> CSS class of the widget's root
    "02_vaes.ipynb": "genai-latent-explorer",
    "06_text.ipynb": "genai-prompt-widget",
    "08_music.ipynb": "genai-melody-player",
}

HARNESS_CODE = """\
import io
import ipywidgets as widgets
import numpy as np
from PIL import Image

def png(level):
    buffer = io.BytesIO()
    Image.fromarray(np.full((24, 24), int(255 * level), dtype=np.uint8)).save(buffer, "png")
    return buffer.getvalue()

slider = widgets.FloatSlider(value=0.5, min=0.0, max=1.0, step=0.1, description="level")
image = widgets.Image(value=png(0.5), format="png", width=48)
slider.observe(lambda change: setattr(image, "value", png(change["new"])), "value")
box = widgets.VBox([slider, image])
box.add_class("genai-harness")
box"""


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    require_browser()
    root = tmp_path_factory.mktemp("lab-root")
    shutil.copytree(
        LESSONS_DIR, root / "lessons", ignore=shutil.ignore_patterns("*.py", ".ipynb_checkpoints")
    )
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(HARNESS_CODE)])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, root / "lessons" / HARNESS)
    server = JupyterLab(root, tmp_path_factory.mktemp("lab-scratch"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser(lab):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright, require_browser())
        yield browser
        browser.close()


class Tab:
    """One notebook open in JupyterLab, running all its cells."""

    def __init__(self, lab: JupyterLab, browser, notebook: str):
        self.lab, self.notebook = lab, notebook
        self.blocked, self.failed, self.errors = [], [], []
        self.page = browser.new_page(viewport={"width": 1400, "height": 1000})
        block_external(self.page, self.blocked, self.failed)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.goto(lab.url(f"lessons/{notebook}"))
        self.page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell").first.wait_for(
            timeout=patient_ms(60)
        )
        self._wait(
            lambda: lab.kernel_state(notebook) == "idle", patient(120), "the kernel to start"
        )
        self.page.locator(".lm-MenuBar-item", has_text="Run").first.click()
        self.page.locator('.lm-Menu-item[data-command="runmenu:run-all"]').click()
        self.started = time.monotonic()

    def _wait(self, condition, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{self.notebook}: timed out after {timeout} s waiting for {what}"
                )
            # not time.sleep: Playwright must keep serving the page's (routed) requests meanwhile
            self.page.wait_for_timeout(500)

    def prompts(self) -> list[str]:
        return self.page.eval_on_selector_all(
            ".jp-Notebook .jp-CodeCell .jp-InputArea-prompt",
            "nodes => nodes.map(n => n.textContent.trim())",
        )

    def wait_finished(self) -> float:
        """Wait until every code cell has run and the kernel is idle; return the seconds taken."""

        def done():
            prompts = self.prompts()
            return (
                prompts
                and all(re.fullmatch(r"\[\d+\]:", p) for p in prompts)
                and self.lab.kernel_state(self.notebook) == "idle"
            )

        self._wait(done, RUN_TIMEOUT, "all cells to run")
        errors = self.page.locator(
            '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.error"]'
        )
        if errors.count():
            raise AssertionError(
                f"{self.notebook} raised in the browser:\n{errors.first.inner_text()[-2000:]}"
            )
        return time.monotonic() - self.started

    def check_offline(self) -> None:
        assert not self.blocked, f"{self.notebook}: requests to the network: {self.blocked}"
        assert not self.failed, f"{self.notebook}: failed requests: {self.failed}"
        assert not self.errors, f"{self.notebook}: JavaScript errors: {self.errors}"


@pytest.fixture(scope="module")
def tabs(lab, browser):
    """Open and start every notebook at once, the harness first; tests then wait for theirs."""
    names = [HARNESS] + [name for name in WIDGET_LESSONS if (LESSONS_DIR / name).is_file()]
    opened = {name: Tab(lab, browser, name) for name in names}
    yield opened
    for tab in opened.values():
        tab.page.close()


def lesson_tab(tabs, notebook: str) -> Tab:
    if not (LESSONS_DIR / notebook).is_file():
        pytest.skip(f"lessons/{notebook} does not exist yet; this test runs as soon as it does")
    return tabs[notebook]


def widget_root(tab: Tab, css_class: str):
    root = tab.page.locator(f".{css_class}")
    root.first.wait_for(state="visible", timeout=patient_ms(30))
    assert root.count() >= 1
    root.first.scroll_into_view_if_needed()
    return root.first


def screenshot(root, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    root.screenshot(path=str(path))
    print(f"screenshot: {path}")
    return path


def image_src(root, index: int = 0) -> str:
    images = root.locator("img")
    assert images.count() > index, "the widget shows no image"
    return images.nth(index).get_attribute("src") or ""


def nudge_slider(root, index: int = 0, presses: int = 3) -> None:
    """Move a slider with the keyboard, as a learner can (ipywidgets 8 uses noUiSlider)."""
    handle = root.locator(".widget-slider .noUi-handle[role=slider]").nth(index)
    handle.focus()
    for _ in range(presses):
        handle.press("ArrowRight")


def wait_change(root, read, before, what: str, timeout: float = 30) -> None:
    timeout = patient(timeout)
    deadline = time.monotonic() + timeout
    while read() == before:
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not change within {timeout} s")
        root.page.wait_for_timeout(250)


def wait_settled(root, read, quiet: float = 2.0, timeout: float = 60) -> None:
    """Wait until ``read()`` has not changed for ``quiet`` seconds (updates may come in bursts)."""
    timeout = patient(timeout)
    deadline = time.monotonic() + timeout
    last, since = read(), time.monotonic()
    while time.monotonic() - since < quiet:
        if time.monotonic() > deadline:
            raise AssertionError(f"the widget kept changing for {timeout} s")
        root.page.wait_for_timeout(250)
        now = read()
        if now != last:
            last, since = now, time.monotonic()


def test_harness_widget_updates_in_the_browser(tabs):
    """The set-up itself: a slider that redraws an image, run in JupyterLab, seen in Chromium."""
    tab = tabs[HARNESS]
    tab.wait_finished()
    root = widget_root(tab, "genai-harness")
    before = image_src(root)
    nudge_slider(root)
    wait_change(root, lambda: image_src(root), before, "the harness image")
    tab.check_offline()


def test_rise_presents_a_lesson_offline(lab, browser):
    """Live presenting: jupyterlab-rise shows lesson 00 as reveal.js slides, nothing from the web."""
    from genai_course.site.structure import split_slides

    lesson = "00_mechanism.ipynb"
    expected = split_slides(nbformat.read(LESSONS_DIR / lesson, as_version=4))
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    blocked, failed = [], []
    block_external(page, blocked, failed)
    page.goto(f"{lab.base}/rise/lessons/{lesson}?token={lab.token}")
    page.locator(".reveal .slides section").first.wait_for(timeout=patient_ms(120))
    page.wait_for_function(
        f"document.querySelectorAll('.reveal .slides section').length >= {len(expected)}"
    )
    sections = page.evaluate("document.querySelectorAll('.reveal .slides section').length")
    assert sections == len(expected) + len({s.h for s in expected})
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(1000)
    assert "step 1" in page.locator(".reveal .slides section.present").last.inner_text().lower()
    screenshot(page, "rise_lesson_00")
    page.close()
    assert not blocked, f"RISE loaded from the network: {blocked}"
    # RISE looks for optional style sheets (rise.css, <notebook>.css) next to the notebook
    optional = ("/files/lessons/rise.css", f"/files/lessons/{Path(lesson).stem}.css")
    assert not [f for f in failed if not f.split(" ")[0].endswith(optional)], failed


def test_latent_explorer_renders_and_responds(tabs):
    tab = lesson_tab(tabs, "02_vaes.ipynb")
    seconds = tab.wait_finished()
    root = widget_root(tab, WIDGET_LESSONS["02_vaes.ipynb"])
    assert root.locator(".widget-slider").count() >= 1, "the latent explorer has no slider"
    before = image_src(root)
    assert before, "the decoded image has no source"
    nudge_slider(root)
    wait_change(root, lambda: image_src(root), before, "the decoded image")
    wait_settled(root, lambda: image_src(root))
    screenshot(root, "latent_explorer")
    print(f"02_vaes ran in {seconds:.0f} s in the browser")
    tab.check_offline()


def test_prompt_widget_renders_and_responds(tabs):
    tab = lesson_tab(tabs, "06_text.ipynb")
    seconds = tab.wait_finished()
    root = widget_root(tab, WIDGET_LESSONS["06_text.ipynb"])
    assert root.locator(".widget-slider").count() >= 3, (
        "expected temperature, top-k and top-p sliders"
    )
    state = lambda: (image_src(root), root.inner_text())  # noqa: E731
    wait_settled(root, state)
    before = state()
    box = root.locator("input[type=text], textarea").first
    box.click()
    box.press("End")
    box.type(" the", delay=50)
    box.press("Enter")
    wait_change(root, state, before, "the bar chart or the continuation after typing")
    wait_settled(root, state)
    after_typing = image_src(root)
    nudge_slider(root, index=0, presses=5)  # temperature
    wait_change(
        root, lambda: image_src(root), after_typing, "the bar chart after moving the temperature"
    )
    wait_settled(root, state)
    screenshot(root, "prompt_widget")
    print(f"06_text ran in {seconds:.0f} s in the browser")
    tab.check_offline()


def test_melody_player_plays_after_generate(tabs):
    tab = lesson_tab(tabs, "08_music.ipynb")
    seconds = tab.wait_finished()
    root = widget_root(tab, WIDGET_LESSONS["08_music.ipynb"])
    audio = root.locator("audio")
    before = audio.first.get_attribute("src") if audio.count() else None
    root.locator("button", has_text=re.compile("generate", re.I)).first.click()
    wait_change(
        root,
        lambda: audio.first.get_attribute("src") if audio.count() else None,
        before,
        "the audio element after Generate",
        timeout=60,
    )
    assert audio.first.get_attribute("src"), "the audio element has no source"
    assert root.locator("img").count() >= 1, "no piano-roll image"
    links = root.locator("a[href]")
    hrefs = [
        (links.nth(i).get_attribute("href") or "") + (links.nth(i).get_attribute("download") or "")
        for i in range(links.count())
    ]
    assert any(re.search(r"midi|\.mid", h, re.I) for h in hrefs), (
        f"no MIDI download link in {hrefs}"
    )
    screenshot(root, "melody_player")
    print(f"08_music ran in {seconds:.0f} s in the browser")
    tab.check_offline()
