"""Lessons beyond the notebook: reveal.js slides and a static course site, both offline.

- :mod:`~genai_course.site.lessons`: find lessons by name and read their titles;
- :mod:`~genai_course.site.structure`: how ``slideshow`` cell metadata splits a lesson into slides;
- :mod:`~genai_course.site.assets`: the local copies of reveal.js and MathJax that the HTML loads;
- :mod:`~genai_course.site.render`: nbconvert exporters set up so no URL points at a CDN;
- :mod:`~genai_course.site.slides`: ``genai-course slides``;
- :mod:`~genai_course.site.build`: ``genai-course build-site``.
"""

from genai_course.site.lessons import find_lessons, lesson_title
from genai_course.site.structure import Slide, SlideLimits, slide_problems, split_slides

__all__ = ["Slide", "SlideLimits", "find_lessons", "lesson_title", "slide_problems", "split_slides"]
