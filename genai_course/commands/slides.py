"""``genai-course slides``: export lessons to reveal.js slide decks that work offline."""

from __future__ import annotations


def add_arguments(parser) -> None:
    parser.add_argument(
        "lessons",
        nargs="*",
        metavar="LESSON",
        help="lesson number, name or .ipynb path (default: every lesson)",
    )
    parser.add_argument(
        "--out", default="_site/slides", help="output folder (default: ./_site/slides)"
    )
    parser.add_argument(
        "--execute",
        action="store_true",
        help="run each lesson first so the slides show outputs and figures",
    )
    parser.add_argument(
        "--lessons-dir", default=None, help="folder of the lessons (default: ./lessons)"
    )
    parser.add_argument(
        "--timeout", type=int, default=600, help="seconds allowed per cell with --execute"
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="only report slides that are empty or too long (exit 1 if any); write nothing",
    )


def run(args) -> int:
    import nbformat  # nbformat and nbconvert: only when a deck is made or checked

    from genai_course.site.lessons import find_lessons
    from genai_course.site.slides import export_slides
    from genai_course.site.structure import SlideLimits, slide_problems, split_slides

    lessons = find_lessons(args.lessons, args.lessons_dir)
    if args.check:
        problems = []
        for path in lessons:
            nb = nbformat.read(path, as_version=4)
            problems += slide_problems(nb, name=path.stem)
            print(f"{path.stem}: {len(split_slides(nb))} slides")
        print("\n".join(problems) if problems else f"all {len(lessons)} decks fit {SlideLimits()}")
        return 1 if problems else 0
    for path in export_slides(lessons, args.out, execute=args.execute, timeout=args.timeout):
        print(path)
    print(
        "Open a file in a browser (no network needed); press ? for reveal.js's keys, S for speaker notes."
    )
    return 0
