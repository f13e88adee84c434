"""The browser files the exported HTML loads, copied next to it so it works with no network.

- reveal.js 5.2.1 (4 files, vendored in ``static/reveal.js``; see ``static/README.md``);
- MathJax 2.7 from the ``jupyter-server-mathjax`` package (instructor extra), without the parts
  the pages never load (SVG output, accessibility extensions, translations): about 3 MB.

The HTML refers to them by relative URLs under ``_static/``, so a folder of slides or a site can be
opened from disk (``file://``), served by any web server, or copied to a USB stick.
"""

from __future__ import annotations

import shutil
from pathlib import Path

STATIC_DIR = Path(__file__).resolve().parent / "static"
ASSETS = "_static"  # folder name next to the HTML
MATHJAX_CONFIG = "TeX-AMS-MML_HTMLorMML-full,Safe"
_MATHJAX_SKIP = shutil.ignore_patterns("SVG", "a11y", "localization", "*.map", "__pycache__")


def mathjax_source() -> Path:
    """The MathJax 2 folder installed by ``jupyter-server-mathjax``, or a clear error."""
    try:
        import jupyter_server_mathjax
    except ImportError:
        raise FileNotFoundError(
            "MathJax is missing: install the instructor extra (pip install -e '.[instructor]'), "
            "which brings jupyter-server-mathjax with a local copy of MathJax"
        ) from None
    folder = Path(jupyter_server_mathjax.__file__).resolve().parent / "static"
    if not (folder / "MathJax.js").is_file():
        raise FileNotFoundError(
            f"jupyter-server-mathjax is installed but {folder}/MathJax.js is missing"
        )
    return folder


def copy_assets(out: str | Path, reveal: bool = True) -> dict[str, str]:
    """Copy MathJax (and reveal.js when ``reveal``) into ``out/_static``; return their relative URLs."""
    target = Path(out) / ASSETS
    mathjax = target / "mathjax"
    if not (mathjax / "MathJax.js").is_file():
        shutil.copytree(mathjax_source(), mathjax, ignore=_MATHJAX_SKIP, dirs_exist_ok=True)
    urls = {"mathjax": f"{ASSETS}/mathjax/MathJax.js?config={MATHJAX_CONFIG}"}
    if reveal:
        shutil.copytree(STATIC_DIR / "reveal.js", target / "reveal.js", dirs_exist_ok=True)
        urls["reveal"] = f"{ASSETS}/reveal.js"
    return urls
