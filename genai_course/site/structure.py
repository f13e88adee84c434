"""How a lesson's ``slideshow`` cell metadata splits it into slides, and whether they fit a screen.

The rules are reveal.js's as nbconvert and RISE apply them: a cell marked ``slide`` opens a new
(horizontal) slide, ``subslide`` a new vertical slide below the current one, ``fragment`` or no
mark (``-``) adds to the slide on screen (a fragment appears on the next key press), ``skip``
is left out and ``notes`` become speaker notes. The first shown cell always opens a slide.

What fits a screen is measured in *lines*: a 960x700 reveal.js slide at the exported font size
shows about 24 lines of text or code of up to ~90 characters; longer lines wrap.
:func:`slide_problems` reports every slide that is empty or longer than :class:`SlideLimits`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import nbformat

SHOWN = {"slide", "subslide", "fragment", "-"}


@dataclass
class Slide:
    """One screen: slide ``h`` (1-based), vertical position ``v`` (1 = the slide itself)."""

    h: int
    v: int
    cells: list[int] = field(default_factory=list)  # indices into nb.cells
    lines: int = 0  # display lines of markdown and code

    @property
    def label(self) -> str:
        return f"slide {self.h}.{self.v}"


@dataclass(frozen=True)
class SlideLimits:
    """Measurable limits for a lesson deck. The defaults fit a 960x700 slide with scrolling on."""

    max_lines: int = 30  # display lines of markdown + code on one screen
    wrap: int = 90  # characters per display line before a line wraps
    min_slides: int = 4  # screens per lesson (fewer: the sections are not marked)
    max_slides: int = 60  # screens per lesson (more: the talk is too long to present)


def slide_type(cell: nbformat.NotebookNode) -> str:
    slideshow = cell.get("metadata", {}).get("slideshow", {}) or {}
    return slideshow.get("slide_type", "-") or "-"


def display_lines(source: str, wrap: int = 90) -> int:
    """Lines the source takes on a slide: non-blank lines, wrapped at ``wrap`` characters.

    Blank lines are not counted (markdown collapses them; in code they are short gaps).
    """
    return sum(math.ceil(len(line.rstrip()) / wrap) for line in source.splitlines() if line.strip())


def split_slides(nb: nbformat.NotebookNode, wrap: int = 90) -> list[Slide]:
    """The screens of the deck in presentation order, with the cells each one shows."""
    slides: list[Slide] = []
    for index, cell in enumerate(nb.cells):
        kind = slide_type(cell)
        if kind not in SHOWN:  # skip, notes
            continue
        if not slides or kind == "slide":
            slides.append(Slide(h=(slides[-1].h + 1) if slides else 1, v=1))
        elif kind == "subslide":
            slides.append(Slide(h=slides[-1].h, v=slides[-1].v + 1))
        slides[-1].cells.append(index)
        slides[-1].lines += display_lines(cell.source, wrap)
    return slides


def slide_problems(
    nb: nbformat.NotebookNode, limits: SlideLimits = SlideLimits(), name: str = "lesson"
) -> list[str]:
    """Every way the deck breaks ``limits``, one readable sentence each (empty list: all good)."""
    slides = split_slides(nb, limits.wrap)
    problems = []
    if not limits.min_slides <= len(slides) <= limits.max_slides:
        problems.append(
            f"{name}: {len(slides)} slides; a lesson deck needs {limits.min_slides} to "
            f"{limits.max_slides} (mark sections 'slide' and details 'subslide'/'fragment')"
        )
    for slide in slides:
        where = f"{name}, {slide.label} (cells {slide.cells[0]}-{slide.cells[-1]})"
        if slide.lines == 0:
            problems.append(f"{where}: empty (its cells have no text); merge it or remove the mark")
        elif slide.lines > limits.max_lines:
            fix = (
                "mark a later cell 'subslide'"
                if len(slide.cells) > 1
                else "split the cell in two and mark the second 'subslide'"
            )
            problems.append(f"{where}: {slide.lines} lines, more than {limits.max_lines}; {fix}")
    return problems
