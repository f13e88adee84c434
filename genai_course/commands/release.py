"""``genai-course release``: write the student exercises (exercises/) from solutions/."""

from __future__ import annotations


def add_arguments(parser) -> None:
    parser.add_argument(
        "--source",
        default=None,
        help="folder of exercise sources NN_topic.py (default: solutions/)",
    )
    parser.add_argument(
        "--out",
        default=None,
        help="folder for the student versions (default: exercises/ beside --source)",
    )


def run(args) -> int:
    from genai_course.grading.release import release  # nbgrader: imported only when needed

    written = release(args.source, args.out)
    for path in written:
        print(path)
    print(
        f"Wrote {len(written)} files: solutions replaced by stubs, hidden tests removed, "
        "outputs cleared."
    )
    return 0
