"""``genai-course build-site``: execute the lessons and write a static HTML course site."""

from __future__ import annotations

import time


def add_arguments(parser) -> None:
    parser.add_argument(
        "lessons",
        nargs="*",
        metavar="LESSON",
        help="lesson number, name or .ipynb path (default: every lesson)",
    )
    parser.add_argument("--out", default="_site", help="output folder (default: ./_site)")
    parser.add_argument(
        "--no-execute",
        dest="execute",
        action="store_false",
        help="use the notebooks as they are instead of running them",
    )
    parser.add_argument(
        "--lessons-dir", default=None, help="folder of the lessons (default: ./lessons)"
    )
    parser.add_argument("--timeout", type=int, default=600, help="seconds allowed per cell")


def run(args) -> int:
    from genai_course.site.build import build_site  # nbconvert: only when building
    from genai_course.site.lessons import find_lessons

    start = time.perf_counter()
    lessons = find_lessons(args.lessons, args.lessons_dir)
    pages = build_site(lessons, args.out, execute=args.execute, timeout=args.timeout)
    print(
        f"wrote {args.out}/index.html and {len(pages)} lesson pages in {time.perf_counter() - start:.0f} s"
    )
    return 0
