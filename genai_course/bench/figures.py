"""The course's measured figures, in one committed file, and the prose made from them.

``genai_course/site/figures.json`` holds the latest measurements: the learner's set-up
(size and install time of ``make lab``'s environment), the benchmark's notebook, quality and
scaling figures, the workshop run (N learners at once) and the contention run (a lesson
beside busy processes). ``genai-course bench ... --update-figures`` writes its part of it;
``genai-course bench --update-readme`` rewrites the README's generated blocks, each between
``<!-- figures:NAME -->`` and ``<!-- /figures:NAME -->``, and the site index reads the same
file. A test fails when README and figures disagree, so no figure is ever typed by hand.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

FIGURES_PATH = Path(__file__).resolve().parents[1] / "site" / "figures.json"
README_PATH = Path(__file__).resolve().parents[2] / "README.md"
_BLOCK = re.compile(
    r"(<!-- figures:(?P<name>[a-z-]+) -->\n)(?P<body>.*?)(<!-- /figures:(?P=name) -->)", re.S
)
NOT_MEASURED = (
    "not measured yet: the lead runs `genai-course bench --learners 1 4 10 --busy 4 "
    "--update-figures` on a quiet machine, then `genai-course bench --update-readme`"
)


def load(path=None) -> dict:
    path = Path(path or FIGURES_PATH)
    if not path.exists():
        return {}
    return json.loads(path.read_text())


def save(figures: dict, path=None) -> Path:
    path = Path(path or FIGURES_PATH)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n")
    return path


def merge(figures: dict, part: str, value) -> dict:
    """A copy of ``figures`` with one part (``bench``, ``workshop``, ...) replaced."""
    return {**figures, part: value}


def bench_record(result: dict) -> dict:
    """What the README needs of a full ``bench`` result (the rest stays in bench.json)."""
    keep = ("name", "kind", "wall_s", "cpu_s", "peak_rss_mb", "threads", "error")
    return {
        "machine": result["machine"],
        "quick": result.get("quick", False),
        "bench_seconds": result.get("bench_seconds"),
        "targets": result.get("targets") or [],
        "notebooks": [{k: r.get(k) for k in keep} for r in result.get("notebooks") or []],
        "quality": [r for r in result.get("quality") or [] if r.get("primary")],
        "scaling": [
            {"model": p["model"], "axis": p["axis"], "size": p["size"]}
            for p in result.get("scaling") or []
        ],
        "scaling_fits": result.get("scaling_fits") or [],
    }


PARTS = ("notebooks", "quality", "scaling")  # the parts `bench --only` can run alone


def merge_partial(old: dict, record: dict) -> dict:
    """A partial run's record (``bench --only ...``) laid over the last full one.

    Parts the run measured replace the old figures; parts it skipped (empty in ``record``)
    keep theirs. Targets are merged by name, so the notebook targets of the last full run
    survive a quality-only run, and the other way round. ``machine`` stays the machine the
    kept notebook timings were taken on (a slower day must not relabel them) and
    ``bench_seconds`` the length of the last whole run; each part measured since says its
    own machine and run length under ``part_runs``.
    """
    measured = [part for part in PARTS if record.get(part)]
    merged = {**old, **{k: v for k, v in record.items() if v or k not in old}}
    if old.get("machine") and "notebooks" not in measured:
        merged["machine"] = old["machine"]
    if "bench_seconds" in old:
        merged["bench_seconds"] = old["bench_seconds"]
    run = {"machine": record.get("machine", {}), "bench_seconds": record.get("bench_seconds")}
    merged["part_runs"] = {**old.get("part_runs", {}), **{part: run for part in measured}}
    fresh = {t["name"]: t for t in record.get("targets") or []}
    kept = [fresh.pop(t["name"], t) for t in old.get("targets") or []]
    merged["targets"] = kept + list(fresh.values())
    return merged


# ---- prose made from the figures ---------------------------------------------------------


def _lessons(figures: dict) -> list[dict]:
    return [
        r
        for r in (figures.get("bench") or {}).get("notebooks", [])
        if r.get("kind") == "lesson" and not r.get("error")
    ]


def lesson_time_sentence(figures: dict) -> str:
    """One sentence on how long a lesson takes, for the site index and the README."""
    lessons = _lessons(figures)
    if not lessons:
        return "Lesson timings are not measured yet (`genai-course bench`)."
    machine = figures["bench"]["machine"]
    walls = [r["wall_s"] for r in lessons]
    return (
        f"Each lesson ran top to bottom in {min(walls):.0f} to {max(walls):.0f} s "
        f"(wall time, kernel start-up excluded) on a {machine['logical_cores']}-core "
        f"{machine['cpu']} machine with {machine['torch_threads']} torch thread(s), "
        f"measured {machine['date_utc']}."
    )


def setup_block(figures: dict) -> str:
    setup = figures.get("setup")
    if not setup:
        return "The size and install time of the learner's environment are " + NOT_MEASURED + ".\n"
    minutes, seconds = divmod(round(setup["wall_s"]), 60)
    return (
        f"The learner's environment (`make lab`: the course, PyTorch's CPU build and "
        f"JupyterLab) is {setup['size_mb'] / 1024:.1f} GB on disk, {setup['torch_mb']} MB of it "
        f"PyTorch; it installed in {minutes} min {seconds:02d} s of wall time "
        f"({setup['cpu_s']:.0f} s of CPU) on the course machine, from its local wheel mirror and PyPI, "
        f"measured {setup['date_utc']} (load average "
        f"{setup['load_average_start']} at the start, {setup['load_average_end']} at the end); "
        f"pip fetched {setup['wheels_mb']} MB of wheels, so a slow network adds its download time. "
        f"`make test` and `make instructor` add the test and instructor tools to the same "
        f"environment ({setup['full_size_mb'] / 1024:.1f} GB with everything).\n"
    )


def bench_block(figures: dict) -> str:
    from genai_course.bench.report import summary_markdown

    bench = figures.get("bench")
    if not bench:
        return "No benchmark figures yet: " + NOT_MEASURED + ".\n"
    return (
        f"**Latest figures**, from `genai-course bench --update-figures` (the whole benchmark "
        f"took {bench['bench_seconds']:.0f} s). {lesson_time_sentence(figures)}"
        + (f" Provenance: {bench['source']}." if bench.get("source") else "")
        + "".join(
            f" The {part} part was measured again on {run['machine'].get('date_utc', '?')} "
            f"(`bench --only {part}`, {run.get('bench_seconds') or 0:.0f} s)."
            for part, run in sorted((bench.get("part_runs") or {}).items())
        )
        + "\n\n"
        + summary_markdown(bench)
    )


def _workshop_table(rows: list[dict]) -> str:
    from genai_course.bench.report import markdown_table

    return markdown_table(
        [
            "learners at once",
            "slowest learner s",
            "median s",
            "x alone",
            "fair share s",
            "x fair share",
            "machine peak memory MB",
            "MB per learner",
            "errors",
        ],
        [
            [
                r["learners"],
                r["max_wall_s"],
                r["median_wall_s"],
                r["max_vs_alone"],
                r["fair_share_s"],
                r["max_vs_fair_share"],
                r["machine_peak_memory_mb"],
                r["memory_per_learner_mb"],
                len(r["errors"]),
            ]
            for r in rows
        ],
    )


def capacity_sentence(workshop: dict) -> str:
    """Learners per core and per GB, read off the largest workshop run (not extrapolated)."""
    rows = [r for r in workshop["rows"] if not r["errors"]]
    if not rows:
        return ""
    big = max(rows, key=lambda r: r["learners"])
    verdict = "within" if big["max_vs_fair_share"] <= 1.5 else "beyond"
    per_gb = (
        f" and each added about {big['memory_per_learner_mb']} MB of memory in use "
        f"(about {1024 / big['memory_per_learner_mb']:.1f} learners per GB)"
        if big["memory_per_learner_mb"]
        else ""
    )
    return (
        f"With {big['learners']} learners on {big['cores']} cores "
        f"({big['learners'] / big['cores']:.1f} learners per core), the slowest waited "
        f"{big['max_wall_s']:.0f} s, {big['max_vs_fair_share']} x the fair share "
        f"({verdict} the 1.5 x target){per_gb}."
    )


def workshop_block(figures: dict) -> str:
    workshop, contention = figures.get("workshop"), figures.get("contention")
    parts = []
    if workshop:
        m = workshop["machine"]
        first = workshop["rows"][0]
        parts += [
            f"Measured {m['date_utc']} on {m['cpu']}, {m['logical_cores']} logical cores, "
            f"{m['memory_gb']} GB RAM, {first['notebook']}, one learner alone: wall "
            f"{first['alone']['wall_s']} s, CPU {first['alone']['cpu_s']} s. Fair share = "
            "N x that CPU time / cores (never below the alone wall time).",
            "",
            _workshop_table(workshop["rows"]),
            "",
            capacity_sentence(workshop),
        ]
    else:
        parts += ["Workshop figures (N learners at once) are " + NOT_MEASURED + "."]
    if contention:
        c = contention
        parts += [
            "",
            f"Beside {c['busy']} CPU-busy processes on {c['cores']} cores, "
            f"{c['notebook']} took {c['loaded']['wall_s']} s against {c['quiet']['wall_s']} s "
            f"quiet: {c['slowdown']} x (target: within 4 x).",
        ]
    return "\n".join(parts).rstrip() + "\n"


BLOCKS = {
    "setup": setup_block,
    "bench": bench_block,
    "workshop": workshop_block,
    "lesson-time": lambda f: lesson_time_sentence(f) + "\n",
}


def render_blocks(text: str, figures: dict) -> str:
    """``text`` with every generated block rewritten from ``figures``."""

    def replace(match):
        name = match.group("name")
        if name not in BLOCKS:
            raise KeyError(f"README block {name!r} has no generator; known: {', '.join(BLOCKS)}")
        return match.group(1) + BLOCKS[name](figures) + match.group(4)

    return _BLOCK.sub(replace, text)


def stale_blocks(text: str, figures: dict) -> list[str]:
    """Names of the blocks whose text differs from what ``figures`` gives."""
    fresh = {
        m.group("name"): m.group("body") for m in _BLOCK.finditer(render_blocks(text, figures))
    }
    return [
        m.group("name") for m in _BLOCK.finditer(text) if fresh[m.group("name")] != m.group("body")
    ]


def update_readme(path=None, figures=None) -> bool:
    """Rewrite the README's generated blocks; True when something changed."""
    path = Path(path or README_PATH)
    text = path.read_text()
    new = render_blocks(text, load() if figures is None else figures)
    if new != text:
        path.write_text(new)
    return new != text
