"""``genai-course bench``: time, memory and model quality of the whole course, in one command.

Three parts, each can run alone with ``--only``:

- ``notebooks``: every lesson and solution notebook in a fresh kernel, one after the other
  (wall time, CPU time, peak memory);
- ``quality``: every shipped model on held-out data next to a simple baseline fitted in
  the same run;
- ``scaling``: time per training step and per sampling call against model width,
  sequence length and image side.

Two workshop measurements run instead when asked for (``--learners``, ``--busy``; see
:mod:`genai_course.bench.workshop`): N learners running one lesson at once, and one
lesson beside K CPU-busy processes.

It prints the tables and the course's targets (met or missed), and with ``--out DIR``
writes ``bench.md`` and ``bench.json``. ``--update-figures`` writes the figures into the
committed ``genai_course/site/figures.json``, and ``--update-readme`` rewrites the README's
generated blocks from that file (the README never carries a typed figure). It is a measurement, not a test: a missed target
does not change the exit status (only a notebook that raises an error or a part that
crashes does), since timings on a busy machine say little about the course.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from genai_course.bench.figures import PARTS


def add_arguments(parser) -> None:
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a subset for development: lesson 00 and one solution, a small "
        "scaling grid, fewer samples",
    )
    parser.add_argument("--out", metavar="DIR", help="write bench.md and bench.json into DIR")
    parser.add_argument(
        "--only",
        choices=PARTS,
        action="append",
        help="run only this part (repeatable); default: all three",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="torch threads per kernel (default: the course's thread policy, "
        "genai_course.seeding.default_threads; GENAI_COURSE_THREADS overrides it)",
    )
    parser.add_argument(
        "--root",
        default=None,
        help="the course folder holding lessons/ and solutions/ "
        "(default: found from the package or the current folder)",
    )
    parser.add_argument(
        "--cell-timeout",
        type=int,
        default=600,
        help="seconds a single notebook cell may run before it is stopped",
    )
    parser.add_argument(
        "--learners",
        type=int,
        nargs="+",
        metavar="N",
        help="workshop run: N kernels run --notebook at once, for each N given "
        "(e.g. 1 4 10), after one learner alone",
    )
    parser.add_argument(
        "--busy",
        type=int,
        metavar="K",
        help="contention run: --notebook quiet, then beside K CPU-busy processes",
    )
    parser.add_argument(
        "--notebook",
        default="lessons/01_gans.ipynb",
        help="the lesson of --learners and --busy (default: %(default)s, under --root)",
    )
    parser.add_argument(
        "--update-figures",
        action="store_true",
        help="write this run's figures into genai_course/site/figures.json "
        "(a --quick run never does: its figures are partial)",
    )
    parser.add_argument(
        "--update-readme",
        action="store_true",
        help="rewrite the README's generated blocks from figures.json; alone, it measures nothing",
    )


def course_root(given=None) -> Path:
    """The folder with lessons/: the one given, the package's checkout, or the current one."""
    candidates = [Path(given)] if given else [Path(__file__).resolve().parents[2], Path.cwd()]
    for candidate in candidates:
        if (candidate / "lessons").is_dir():
            return candidate
    raise FileNotFoundError(
        f"No lessons/ folder in {', '.join(map(str, candidates))}: run the "
        "benchmark from the course folder or pass --root."
    )


def _log(*args, **kwargs):
    kwargs.setdefault("flush", True)
    print(*args, **kwargs)


def _workshop(args, threads: int) -> int:
    from genai_course.bench import figures, machine, workshop

    root = course_root(args.root)
    path = Path(args.notebook) if Path(args.notebook).is_absolute() else root / args.notebook
    if not path.exists():
        raise FileNotFoundError(
            f"No notebook at {path}: give --notebook a lesson, e.g. lessons/01_gans.ipynb"
        )
    described = machine.describe(threads)
    found = figures.load()
    result = {}
    if args.learners:
        _log(
            f"Workshop: {', '.join(map(str, args.learners))} learners at once on {path.name}, "
            f"{threads} torch thread(s) each."
        )
        rows = workshop.run_workshop(
            path, args.learners, threads=threads, cell_timeout=args.cell_timeout, log=_log
        )
        result["workshop"] = {"machine": described, "rows": rows}
    if args.busy:
        _log(f"Contention: {path.name} quiet, then beside {args.busy} busy processes.")
        result["contention"] = {
            **workshop.run_contention(
                path, args.busy, threads=threads, cell_timeout=args.cell_timeout, log=_log
            ),
            "machine": described,
        }
    for part, value in result.items():
        found = figures.merge(found, part, value)
    print()
    print(figures.workshop_block({**found, **result}))
    if args.out:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        (out / "workshop.json").write_text(json.dumps(result, indent=2) + "\n")
        print(f"Wrote {out / 'workshop.json'}.")
    if args.update_figures:
        print(f"Updated {figures.save(found)}.")
    failed = any(row["errors"] for row in result.get("workshop", {}).get("rows", []))
    return 1 if failed else 0


def run(args) -> int:
    from genai_course.bench import figures
    from genai_course.seeding import default_threads
    from genai_course.validation import check_positive_int

    threads = check_positive_int("--threads", args.threads) if args.threads else default_threads()
    status = 0
    measured = args.only or not (args.learners or args.busy or args.update_readme)
    if args.learners or args.busy:
        status |= _workshop(args, threads)
    if measured:
        status |= _course(args, threads)
    if args.update_readme:
        changed = figures.update_readme()
        print(
            f"{'Rewrote' if changed else 'Checked'} the README's figures from {figures.FIGURES_PATH}."
        )
    return status


def _course(args, threads: int) -> int:
    from genai_course.bench import machine, report, targets

    parts = args.only or list(PARTS)
    started = time.perf_counter()
    result: dict = {
        "quick": bool(args.quick),
        "parts": parts,
        "machine": machine.describe(threads),
        "errors": [],
    }
    checks = []
    failed = False

    if "notebooks" in parts:
        from genai_course.bench import notebooks

        paths = notebooks.course_notebooks(course_root(args.root), quick=args.quick)
        _log(f"Notebooks: {len(paths)}, each in a fresh kernel with {threads} torch thread(s).")
        runs = notebooks.run_notebooks(
            paths, threads=threads, cell_timeout=args.cell_timeout, log=_log
        )
        result["notebooks"] = [r.as_dict() for r in runs]
        result["notebook_summary"] = notebooks.summarise(runs)
        checks += targets.notebook_targets(runs, complete=not args.quick)
        failed |= any(not r.ok for r in runs)

    if "quality" in parts:
        from genai_course.bench import quality

        _log("Quality: shipped models against baselines fitted in this run.")
        rows, errors = quality.run_quality(quick=args.quick, threads=threads, log=_log)
        result["quality"] = [r.as_dict() for r in rows]
        result["errors"] += errors
        checks += targets.quality_targets(rows)

    if "scaling" in parts:
        from genai_course.bench import scaling

        _log(f"Scaling: median timings with {threads} torch thread(s).")
        points, fits, errors = scaling.run_scaling(quick=args.quick, threads=threads, log=_log)
        result["scaling"] = [p.as_dict() for p in points]
        result["scaling_fits"] = fits
        result["errors"] += errors

    result["targets"] = [c.as_dict() for c in checks]
    result["machine"]["load_average_end"] = machine.load_average()
    result["bench_seconds"] = round(time.perf_counter() - started, 1)
    failed |= bool(result["errors"])

    print()
    print(report.to_markdown(result))
    print(f"Benchmark took {result['bench_seconds']:.0f} s.")
    if args.out:
        json_path, md_path = report.write(result, args.out)
        print(f"Wrote {md_path} and {json_path}.")
    if args.update_figures and not args.quick:
        from genai_course.bench import figures

        record = figures.bench_record(result)
        found = figures.load()
        if set(parts) != set(PARTS):  # a partial run keeps the other parts' figures
            record = figures.merge_partial(found.get("bench") or {}, record)
        print(f"Updated {figures.save(figures.merge(found, 'bench', record))}.")
    if failed:
        print("Some notebooks or benchmark parts failed: see the errors above.", file=sys.stderr)
    return 1 if failed else 0
