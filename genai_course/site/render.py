"""nbconvert exporters set up so the HTML they write loads nothing from the internet.

nbconvert's HTML and reveal.js templates fetch require.js, jQuery, MathJax, mermaid, reveal.js
and the ipywidgets renderer from CDNs. Our templates (``templates/``) extend them with local
URLs only, and :class:`WidgetNotes` replaces interactive widgets, which need a running kernel,
by a short note: a static page can show a widget's controls but not make them compute.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter, SlidesExporter
from nbconvert.preprocessors import Preprocessor

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
WIDGET_NOTE = (
    '<p class="genai-widget-note">An interactive widget is shown here when you run '
    "this lesson in JupyterLab.</p>"
)


# tqdm's notebook progress bar is a widget whose text fallback is its first state ("0%|...| 0/600")
PROGRESS_BAR = re.compile(r"\d+%\|.*\|\s*\d+/\d+")


class WidgetNotes(Preprocessor):
    """Replace widget views by a note and drop the saved widget state (it needs a renderer).

    Progress bars are dropped instead: on a page that does not run, they mean nothing.
    """

    def preprocess(self, nb, resources):
        nb = copy.deepcopy(nb)
        nb.metadata.pop("widgets", None)
        for cell in nb.cells:
            kept = []
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                if WIDGET_MIME in data:
                    if PROGRESS_BAR.search(str(data.get("text/plain", ""))):
                        continue
                    output["data"] = {"text/html": WIDGET_NOTE}
                kept.append(output)
            if "outputs" in cell:
                cell["outputs"] = kept
        return nb, resources


def _configure(exporter, mathjax_url: str):
    exporter.mathjax_url = mathjax_url
    exporter.require_js_url = ""
    exporter.jquery_url = ""
    exporter.widget_renderer_url = ""
    exporter.embed_images = True  # markdown images become data: URLs
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.register_preprocessor(WidgetNotes(), enabled=True)
    return exporter


def slides_exporter(urls: dict[str, str]) -> SlidesExporter:
    """reveal.js slides; ``urls`` from :func:`genai_course.site.assets.copy_assets`."""
    exporter = SlidesExporter(
        template_name="genai_slides",
        extra_template_basedirs=[str(TEMPLATES_DIR)],
        extra_template_paths=[str(TEMPLATES_DIR)],
    )
    exporter.reveal_url_prefix = urls["reveal"]
    exporter.reveal_theme = "white"  # imports no web font (see static/README.md)
    exporter.reveal_scroll = True
    return _configure(exporter, urls["mathjax"])


def page_exporter(urls: dict[str, str]) -> HTMLExporter:
    """One lesson as a web page with its outputs and figures (embedded), for the course site."""
    exporter = HTMLExporter(
        template_name="genai_page",
        extra_template_basedirs=[str(TEMPLATES_DIR)],
        extra_template_paths=[str(TEMPLATES_DIR)],
    )
    return _configure(exporter, urls["mathjax"])


def export(exporter, nb: nbformat.NotebookNode, resources: dict | None = None) -> str:
    body, _ = exporter.from_notebook_node(nb, resources=resources or {})
    return body
