"""``genai-course check NOTEBOOK``: run the visible tests of your exercise and see what passes."""

from __future__ import annotations


def add_arguments(parser) -> None:
    parser.add_argument(
        "notebook", help="your exercise notebook, e.g. exercises/00_mechanism.ipynb"
    )
    parser.add_argument(
        "--exercise",
        default=None,
        help="which exercise it is (NN_topic), if the file name does not say",
    )
    parser.add_argument(
        "--source",
        default=None,
        help="folder of released exercises NN_topic.py (default: exercises/)",
    )
    parser.add_argument("--verbose", "-v", action="store_true", help="print full tracebacks")


def run(args) -> int:
    from genai_course.grading.check import check_notebook
    from genai_course.grading.submission import Unreadable

    try:
        report = check_notebook(args.notebook, exercise=args.exercise, source_dir=args.source)
    except Unreadable as error:
        raise ValueError(f"{args.notebook}: {error}") from None
    for part in report:
        mark = "PASS" if part["status"] == "passed" else "FAIL"
        print(f"{mark}  {part['part']} ({part['points']:g} points)")
        if part["reason"]:
            print(f"      {part['reason']}")
        if args.verbose and part["traceback"]:
            print(part["traceback"])
    passed = sum(p["status"] == "passed" for p in report)
    print(
        f"\n{passed} of {len(report)} parts pass their visible tests. The grader also runs "
        "hidden tests: make your code right in general, not only for these cases."
    )
    return 0 if passed == len(report) else 1
