"""The benchmark's output: a table on the terminal, Markdown and JSON in ``--out DIR``."""

from __future__ import annotations

import json
import math
from pathlib import Path

NOTEBOOK_COLUMNS = [
    "notebook",
    "kind",
    "wall s",
    "CPU s",
    "peak MB",
    "threads",
    "<= 90 s, <= 2 GB",
    "slowest cell",
    "status",
]
QUALITY_COLUMNS = [
    "model",
    "measure",
    "value",
    "baseline",
    "baseline value",
    "ratio",
    "real vs real",
    "better",
    "beats baseline",
]
SCALING_COLUMNS = [
    "model",
    "axis",
    "size",
    "train step ms (wall)",
    "train step ms (CPU)",
    "sample ms (wall)",
    "sample ms (CPU)",
    "one sample call makes",
]
TARGET_COLUMNS = ["target", "limit", "measured", "verdict"]


def _fmt(value, digits: int = 4) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "NO"
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        return f"{value:.{digits}g}" if abs(value) < 1000 else f"{value:.0f}"
    return str(value)


def markdown_table(columns: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(columns) + " |", "|" + "|".join("---" for _ in columns) + "|"]
    for row in rows:
        cells = [_fmt(v).replace("|", "\\|").replace("\n", " ") for v in row]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _notebook_verdict(run: dict) -> str:
    from genai_course.bench.targets import LESSON_MAX_S, PEAK_MEMORY_MB

    memory_ok = run["peak_rss_mb"] <= PEAK_MEMORY_MB
    if run["kind"] != "lesson":
        return "met" if memory_ok else "MISSED (memory)"
    time_ok = run["wall_s"] <= LESSON_MAX_S
    if time_ok and memory_ok:
        return "met"
    return (
        "MISSED ("
        + ", ".join(w for w, ok in (("time", time_ok), ("memory", memory_ok)) if not ok)
        + ")"
    )


def notebook_rows(runs: list[dict]) -> list[list]:
    return [
        [
            r["name"],
            r["kind"],
            round(r["wall_s"], 1),
            round(r["cpu_s"], 1),
            round(r["peak_rss_mb"]),
            r["threads"],
            _notebook_verdict(r),
            f"#{r['slowest_cell']} {r['slowest_cell_s']:.1f} s: {r['slowest_cell_source']}"
            if r["slowest_cell"] >= 0
            else "-",
            "ok" if not r["error"] else f"ERROR {r['error']}",
        ]
        for r in runs
    ]


def quality_rows(rows: list[dict]) -> list[list]:
    out = []
    for r in rows:
        if r.get("error"):
            out.append(
                [
                    r["model"],
                    r["measure"],
                    "-",
                    r["baseline"],
                    "-",
                    "-",
                    "-",
                    "-",
                    f"not evaluated: {r['error']}",
                ]
            )
            continue
        out.append(
            [
                r["model"],
                r["measure"] + ("" if r["primary"] else " (secondary)"),
                r["value"],
                r["baseline"],
                r["baseline_value"],
                r["ratio"],
                r["floor"],
                r.get("better") or ("higher" if r["higher_is_better"] else "lower"),
                r["beats"],
            ]
        )
    return out


def scaling_rows(points: list[dict]) -> list[list]:
    return [
        [
            p["model"],
            p["axis"],
            p["size"],
            p["train_step_ms"],
            p.get("train_step_cpu_ms"),
            p["sample_ms"],
            p.get("sample_cpu_ms"),
            p["sample_what"],
        ]
        for p in points
    ]


def target_rows(checks: list[dict]) -> list[list]:
    return [[c["name"], c["target"], c["measured"], c["verdict"]] for c in checks]


def to_markdown(report: dict) -> str:
    """The whole report as Markdown: machine, targets, then one table per part."""
    m = report["machine"]
    parts = [
        "# genai-course benchmark",
        "",
        f"Measured {m['date_utc']} on {m['cpu']}, {m['logical_cores']} logical cores, "
        f"{m['memory_gb']} GB RAM, {m['os']}, Python {m['python']}, torch {m['torch']}, "
        f"{m['torch_threads']} torch thread(s) per kernel. Load average (1/5/15 min) at the start "
        f"{m.get('load_average_start')}, at the end {m.get('load_average_end')}"
        + (f"; notebook wall/CPU time {contention(report):.2f}" if contention(report) else "")
        + (
            " (other work was running: wall times are inflated; CPU times much less so)."
            if _busy(report)
            else " (the kernels had the cores to themselves)."
        ),
    ]
    if report.get("quick"):
        parts += ["", "**Quick run**: a subset of the notebooks and a small scaling grid."]
    if report.get("targets"):
        parts += [
            "",
            "## Targets",
            "",
            markdown_table(TARGET_COLUMNS, target_rows(report["targets"])),
        ]
    if report.get("notebooks") is not None:
        s = report.get("notebook_summary", {})
        parts += [
            "",
            "## Notebooks (each in a fresh kernel, one after the other)",
            "",
            markdown_table(NOTEBOOK_COLUMNS, notebook_rows(report["notebooks"])),
            "",
            f"Total: wall {s.get('total_wall_s')} s, CPU {s.get('total_cpu_s')} s over "
            f"{s.get('notebooks')} notebooks. Wall time excludes the kernel's start "
            "(about a second each); CPU time is user + system of the kernel and its children.",
        ]
    if report.get("quality") is not None:
        parts += [
            "",
            "## Model quality against baselines (held-out data, same run)",
            "",
            markdown_table(QUALITY_COLUMNS, quality_rows(report["quality"])),
            "",
            'ratio = value / baseline value; "real vs real" is the same measure with real '
            "data in place of samples (the best a model can hope for). The primary measure of "
            "each model decides the target; secondary measures are context. The near-copy "
            "fraction is better when nearer real held-out data's: fewer is not better than real.",
        ]
        notes = [r for r in report["quality"] if r.get("note")]
        if notes:
            parts += [""] + [f"- {r['model']}, {r['measure']}: {r['note']}" for r in notes]
    if report.get("scaling") is not None:
        parts += [
            "",
            "## How cost grows (median of repeated timings)",
            "",
            markdown_table(SCALING_COLUMNS, scaling_rows(report["scaling"])),
        ]
        fits = [
            f
            for f in report.get("scaling_fits") or []
            if f["train_exponent"] is not None or f["sample_exponent"] is not None
        ]
        if fits:
            parts += ["", "Growth exponent k of CPU time ~ size^k, fitted on a log-log scale:", ""]
            parts += [
                f"- {f['model']}, {f['axis']}: train step ~ size^{f['train_exponent']}, "
                f"sampling ~ size^{f['sample_exponent']}"
                for f in fits
            ]
    if report.get("errors"):
        parts += ["", "## Errors", ""] + [f"- {e}" for e in report["errors"]]
    return "\n".join(parts) + "\n"


def machine_line(report: dict) -> str:
    m = report["machine"]
    busy = _busy(report)
    ratio = contention(report)
    return (
        f"Measured {m['date_utc']} on {m['cpu']}, {m['logical_cores']} logical cores, "
        f"{m['memory_gb']} GB RAM, Python {m['python']}, torch {m['torch']}, "
        f"{m['torch_threads']} torch thread(s) per kernel; load average at the start "
        f"{(m.get('load_average_start') or ['?'])[0]}, at the end "
        f"{(m.get('load_average_end') or ['?'])[0]}"
        + (f"; notebook wall/CPU time {ratio:.2f}" if ratio else "")
        + (
            " — **a busy machine: wall times are inflated, read the CPU times**."
            if busy
            else " (the kernels had the cores to themselves)."
        )
    )


def summary_markdown(report: dict) -> str:
    """A compact version for the README's "How fast is it": targets, one line per notebook,
    the primary quality measure per model, and the scaling exponents."""
    parts = [machine_line(report)]
    if report.get("targets"):
        parts += [
            "",
            markdown_table(
                ["target", "limit", "measured", "verdict"], target_rows(report["targets"])
            ),
        ]
    if report.get("notebooks"):
        parts += [
            "",
            markdown_table(
                ["notebook", "wall s", "CPU s", "peak MB", "status"],
                [
                    [
                        r["name"],
                        round(r["wall_s"], 1),
                        round(r["cpu_s"], 1),
                        round(r["peak_rss_mb"]),
                        "ok" if not r["error"] else "ERROR",
                    ]
                    for r in report["notebooks"]
                ],
            ),
        ]
    primary = [r for r in report.get("quality") or [] if r["primary"]]
    if primary:
        rows = [
            [
                r["model"],
                r["measure"],
                r["value"],
                r["baseline"],
                r["baseline_value"],
                r["floor"],
                r["ratio"],
                r["beats"] if not r.get("error") else f"not evaluated: {r['error'][:60]}",
            ]
            for r in primary
        ]
        parts += [
            "",
            markdown_table(
                [
                    "model",
                    "measure",
                    "value",
                    "baseline",
                    "baseline value",
                    "real vs real",
                    "ratio",
                    "beats baseline",
                ],
                rows,
            ),
        ]
    fits = [
        f
        for f in report.get("scaling_fits") or []
        if f["train_exponent"] is not None or f["sample_exponent"] is not None
    ]
    if fits:
        sizes = {}
        for p in report.get("scaling") or []:
            sizes.setdefault((p["model"], p["axis"]), []).append(p["size"])
        parts += [
            "",
            markdown_table(
                ["model", "grows with", "sizes", "train step ~ size^k", "sampling ~ size^k"],
                [
                    [
                        f["model"],
                        f["axis"],
                        ", ".join(map(str, sizes.get((f["model"], f["axis"]), []))),
                        f["train_exponent"],
                        f["sample_exponent"],
                    ]
                    for f in fits
                ],
            ),
        ]
    return "\n".join(parts) + "\n"


def contention(report: dict) -> float | None:
    """Total wall time / total CPU time of the notebooks: about 1 (or below, with several
    threads) when the kernel had the cores to itself, well above 1 when it had to wait."""
    runs = report.get("notebooks") or []
    cpu = sum(r["cpu_s"] for r in runs)
    return sum(r["wall_s"] for r in runs) / cpu if cpu > 0 else None


def _busy(report: dict) -> bool:
    """Was other work competing for the cores? Judged by the notebooks' wall/CPU ratio when
    they ran (the direct evidence), otherwise by the load average."""
    ratio = contention(report)
    if ratio is not None:
        return ratio > 1.3
    machine = report["machine"]
    loads = [
        x
        for key in ("load_average_start", "load_average_end")
        for x in (machine.get(key) or [])[:1]
    ]
    return bool(loads) and max(loads) > 1.5 * max(machine.get("torch_threads", 1), 1)


def write(report: dict, out_dir) -> tuple[Path, Path]:
    """Write ``bench.json``, ``bench.md`` and ``summary.md`` (for the README) into ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    json_path, md_path = out / "bench.json", out / "bench.md"
    plain = json.loads(json.dumps(report, default=_json_default), parse_constant=lambda _: None)
    json_path.write_text(json.dumps(_finite(plain), indent=2, allow_nan=False) + "\n")
    md_path.write_text(to_markdown(report))
    (out / "summary.md").write_text(summary_markdown(report))
    return json_path, md_path


def _json_default(value):
    if hasattr(value, "as_dict"):
        return value.as_dict()
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def _finite(value):
    """Strict JSON has no NaN or infinity: write them as null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value
