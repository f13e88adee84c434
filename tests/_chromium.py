"""Headless Chromium for the browser tests: where it is, how to start it offline, and why not.

Debian's ``chromium`` package puts a launcher script in /usr/bin (it prints shell warnings) and the
real binary in /usr/lib/chromium/; Playwright for Python drives that binary. Chromium phones
home unless told not to, hence the flags. ``block_external`` aborts every request that is not
to a file: URL or the loopback interface and records it, so a test can assert there were none.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ENABLE = (
    "install Debian's Chromium (apt-get update && apt-get install -y chromium) and the "
    "instructor extra (pip install -e '.[instructor]', which brings Playwright for Python), "
    "or set GENAI_COURSE_CHROMIUM to a Chromium binary"
)
FLAGS = [
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-sandbox",
    "--headless",
]
LOCAL_PREFIXES = ("file:", "data:", "blob:", "about:", "http://127.0.0.1", "ws://127.0.0.1")
# Every wait of the browser tests is a limit for a machine that may be busy (the suite runs
# beside other work): its base value, for a quiet 2-core machine, times PATIENCE.
PATIENCE = float(os.environ.get("GENAI_COURSE_TEST_PATIENCE", "4"))


def patient(seconds: float) -> float:
    """A wait limit that a busy machine can meet: ``seconds`` times PATIENCE."""
    return seconds * PATIENCE


def patient_ms(seconds: float) -> float:
    """The same, in milliseconds, for Playwright's ``timeout=`` arguments."""
    return patient(seconds) * 1000


def chromium_binary() -> Path | None:
    """GENAI_COURSE_CHROMIUM if set (``none`` turns the browser tests off), else Debian's."""
    chosen = os.environ.get("GENAI_COURSE_CHROMIUM")
    candidates = (
        [chosen] if chosen else ["/usr/lib/chromium/chromium", shutil.which("chromium") or ""]
    )
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return Path(candidate)
    return None


def require_browser():
    """Skip the calling test (with how to enable it) unless Playwright and Chromium are here."""
    try:
        from playwright.sync_api import sync_playwright  # noqa: F401
    except ImportError:
        pytest.skip(f"Playwright for Python is not installed: {ENABLE}")
    binary = chromium_binary()
    if binary is None:
        pytest.skip(f"Chromium is not installed: {ENABLE}")
    return binary


def launch(playwright, binary: Path):
    return playwright.chromium.launch(executable_path=str(binary), args=FLAGS, headless=True)


def block_external(page, blocked: list[str], failed: list[str]) -> None:
    """Abort non-local requests (recorded in ``blocked``); record failed requests in ``failed``."""

    def route(route):
        url = route.request.url
        if url.startswith(LOCAL_PREFIXES):
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    page.route("**/*", route)
    # Not network requests, so not counted: MathJax 2's placeholder font at about:blank (no browser
    # can load it), and in-page blob:/data: URLs (a media element aborts loading its old blob
    # when a widget gives it a new one).
    page.on(
        "requestfailed",
        lambda request: (
            None
            if request.url.startswith(("about:", "blob:", "data:"))
            else failed.append(f"{request.url} ({request.failure})")
        ),
    )
