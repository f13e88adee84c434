"""``genai-course grade``: grade a class's submissions into a gradebook and feedback files.

Submission names tell whose work it is: ``SUBMISSIONS/<student>/<NN_topic>.ipynb``
or ``<student>_<NN_topic>.ipynb`` (nbgrader's ``submitted/<student>/<NN_topic>/`` works too).
"""

from __future__ import annotations

from genai_course.grading.grade import LIMITS, grade_batch


def add_arguments(parser) -> None:
    parser.add_argument("submissions", nargs="+",
                        help="submitted notebooks, or folders searched for *.ipynb")
    parser.add_argument("--out", required=True,
                        help="folder for gradebook.csv/.json, feedback/ and results/")
    parser.add_argument("--source", default=None,
                        help="folder of exercise sources NN_topic.py (default: solutions/)")
    parser.add_argument("--jobs", type=int, default=1, help="notebooks graded at once (default 1)")
    parser.add_argument("--cell-timeout", type=float, default=LIMITS["cell_timeout"],
                        help="seconds one cell may run (default %(default)s)")
    parser.add_argument("--timeout", type=float, default=LIMITS["timeout"],
                        help="seconds one notebook may run in all (default %(default)s)")
    parser.add_argument("--output-limit", type=int, default=LIMITS["output_limit"],
                        help="characters of output kept per cell (default %(default)s)")
    parser.add_argument("--resume", action="store_true",
                        help="skip submissions already graded in --out (same file, same bytes)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


def run(args) -> int:
    if args.jobs < 1:
        raise ValueError(f"--jobs must be at least 1, got {args.jobs}.")
    results = grade_batch(args.submissions, args.out, source_dir=args.source, jobs=args.jobs,
                          resume=args.resume, progress=not args.no_progress,
                          cell_timeout=args.cell_timeout, timeout=args.timeout,
                          output_limit=args.output_limit)
    rows = [row for result in results for row in result["rows"]]
    problems = sum(row["status"] not in ("passed", "failed") for row in rows)
    print(f"Graded {len(results)} submissions ({len(rows)} parts, {problems} with a problem "
          f"other than a failed test). Gradebook: {args.out}/gradebook.csv; "
          f"feedback: {args.out}/feedback/")
    return 0
