"""``genai-course slides``: export lessons to reveal.js slide decks that work offline."""

from __future__ import annotations

from genai_course.site.lessons import find_lessons
from genai_course.site.slides import export_slides


def add_arguments(parser) -> None:
    parser.add_argument("lessons", nargs="*", metavar="LESSON",
                        help="lesson number, name or .ipynb path (default: every lesson)")
    parser.add_argument("--out", default="slides", help="output folder (default: ./slides)")
    parser.add_argument("--execute", action="store_true",
                        help="run each lesson first so the slides show outputs and figures")
    parser.add_argument("--lessons-dir", default=None, help="folder of the lessons (default: ./lessons)")
    parser.add_argument("--timeout", type=int, default=600, help="seconds allowed per cell with --execute")


def run(args) -> int:
    lessons = find_lessons(args.lessons, args.lessons_dir)
    for path in export_slides(lessons, args.out, execute=args.execute, timeout=args.timeout):
        print(path)
    print("Open a file in a browser (no network needed); press ? for reveal.js's keys, S for speaker notes.")
    return 0
