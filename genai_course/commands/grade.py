"""``genai-course grade``: grade a class's submissions into a gradebook and feedback files.

Submission names tell whose work it is: ``SUBMISSIONS/<student>/<NN_topic>.ipynb``
or ``<student>_<NN_topic>.ipynb`` (nbgrader's ``submitted/<student>/<NN_topic>/`` works too).
Student code runs in a bubblewrap sandbox (see docs/grading.md); ``--shard K/N`` grades
one slice and ``genai-course grade merge OUT... --out ALL`` joins the slices.
"""

from __future__ import annotations

# The grading modules import nbformat and torch; they load only when grading runs, so that
# `genai-course grade --help` starts at once. These defaults mirror grading.grade.LIMITS
# (a test checks they agree).
DEFAULT_CELL_TIMEOUT = 60.0
DEFAULT_TIMEOUT = 300.0


def add_arguments(parser) -> None:
    parser.add_argument(
        "submissions",
        nargs="+",
        help="submitted notebooks, or folders searched for *.ipynb; or `merge` "
        "followed by the --out folders of shards",
    )
    parser.add_argument(
        "--out", required=True, help="folder for gradebook.csv/.json, feedback/ and results/"
    )
    parser.add_argument(
        "--source",
        default=None,
        help="folder of exercise sources NN_topic.py (default: solutions/)",
    )
    parser.add_argument("--jobs", type=int, default=1, help="notebooks graded at once (default 1)")
    parser.add_argument(
        "--cell-timeout",
        type=float,
        default=DEFAULT_CELL_TIMEOUT,
        help="seconds one cell may run (default %(default)s)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        help="seconds one notebook may run in all (default %(default)s)",
    )
    parser.add_argument(
        "--memory-mb",
        type=int,
        default=4096,
        help="address space one sandbox may use, in MiB (default %(default)s)",
    )
    parser.add_argument(
        "--shard",
        default=None,
        metavar="K/N",
        help="grade only the K-th of N deterministic slices of the submissions",
    )
    parser.add_argument(
        "--resume",
        action="store_true",
        help="skip submissions already graded in --out (same file, same bytes, "
        "a result signed by this grader)",
    )
    parser.add_argument(
        "--no-sandbox",
        action="store_true",
        help="run student code WITHOUT the sandbox: it can then read your files, "
        "solutions/ and other submissions, and reach the network",
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


def run(args) -> int:
    from genai_course.grading.grade import grade_batch, merge
    from genai_course.grading.sandbox import SandboxUnavailable

    if args.submissions[0] == "merge":
        results = merge(args.submissions[1:], args.out, source_dir=args.source)
        print(
            f"Merged {len(results)} results from {len(args.submissions) - 1} folders into "
            f"{args.out}/gradebook.csv"
        )
        return 0
    if args.jobs < 1:
        raise ValueError(f"--jobs must be at least 1, got {args.jobs}.")
    try:
        results = grade_batch(
            args.submissions,
            args.out,
            source_dir=args.source,
            jobs=args.jobs,
            resume=args.resume,
            progress=not args.no_progress,
            isolate=not args.no_sandbox,
            shard=args.shard,
            cell_timeout=args.cell_timeout,
            timeout=args.timeout,
            memory_mb=args.memory_mb,
        )
    except SandboxUnavailable as error:
        print(f"error: {error}")
        return 2
    rows = [row for result in results for row in result["rows"]]
    problems = sum(row["status"] not in ("passed", "failed") for row in rows)
    print(
        f"Graded {len(results)} submissions ({len(rows)} parts, {problems} with a problem "
        f"other than a failed test). Gradebook: {args.out}/gradebook.csv; "
        f"feedback: {args.out}/feedback/"
    )
    return 0
