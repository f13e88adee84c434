"""The course's promises, as numbers, and whether a run met them.

The targets are for a 2-core laptop with nothing else running. A run on a busy machine
reports them too, but its wall times are inflated: read them next to the CPU times and the
load average the report records. Nothing here fails a test; it only says met or missed.
"""

from __future__ import annotations

import statistics
from dataclasses import asdict, dataclass

LESSON_MAX_S = 90.0  # every lesson, top to bottom
LESSON_MEDIAN_S = 60.0  # the typical lesson
COURSE_TOTAL_S = 600.0  # every lesson and every solution, one after the other
PEAK_MEMORY_MB = 2048.0  # the largest kernel, resident memory


@dataclass(frozen=True)
class TargetCheck:
    name: str
    target: str
    measured: str
    met: bool | None  # None: not measured in this run

    @property
    def verdict(self) -> str:
        return {True: "met", False: "MISSED", None: "not measured"}[self.met]

    def as_dict(self) -> dict:
        return {**asdict(self), "verdict": self.verdict}


def _check(name, target, value, limit, unit, scope="") -> TargetCheck:
    if value is None:
        return TargetCheck(name, target, "-", None)
    return TargetCheck(name, target, f"{value:.1f} {unit}{scope}", value <= limit)


def notebook_targets(runs, *, complete: bool = True) -> list[TargetCheck]:
    """Time and memory targets on notebook runs (wall time: what a learner waits).

    ``complete`` is False when only a subset of the notebooks ran (``--quick``): the
    course total is then reported for that subset and not judged.
    """
    lessons = [r for r in runs if r.kind == "lesson"]
    lesson_walls = [r.wall_s for r in lessons]
    slowest = max(lessons, key=lambda r: r.wall_s) if lessons else None
    checks = [
        _check(
            "every lesson",
            f"<= {LESSON_MAX_S:.0f} s wall",
            slowest and slowest.wall_s,
            LESSON_MAX_S,
            "s",
            f" (slowest: {slowest.name})" if slowest else "",
        ),
        _check(
            "median lesson",
            f"<= {LESSON_MEDIAN_S:.0f} s wall",
            statistics.median(lesson_walls) if lessons else None,
            LESSON_MEDIAN_S,
            "s",
        ),
    ]
    total = sum(r.wall_s for r in runs) if runs else None
    if complete:
        checks.append(
            _check(
                "whole course (lessons + solutions)",
                f"<= {COURSE_TOTAL_S:.0f} s wall",
                total,
                COURSE_TOTAL_S,
                "s",
            )
        )
    else:
        checks.append(
            TargetCheck(
                "whole course (lessons + solutions)",
                f"<= {COURSE_TOTAL_S:.0f} s wall",
                f"{total or 0:.1f} s for a subset of {len(runs)} notebooks",
                None,
            )
        )
    biggest = max(runs, key=lambda r: r.peak_rss_mb) if runs else None
    checks.append(
        _check(
            "peak kernel memory",
            f"<= {PEAK_MEMORY_MB:.0f} MB",
            biggest and biggest.peak_rss_mb,
            PEAK_MEMORY_MB,
            "MB",
            f" ({biggest.name})" if biggest else "",
        )
    )
    failed = [r.name for r in runs if not r.ok]
    checks.append(
        TargetCheck(
            "every notebook runs without error",
            "0 errors",
            f"{len(failed)} errors" + (f" ({', '.join(failed)})" if failed else ""),
            None if not runs else not failed,
        )
    )
    return checks


def quality_targets(rows) -> list[TargetCheck]:
    """Every model beats its baseline on its primary quality measure."""
    primary = [r for r in rows if r.primary]
    if not primary:
        return [TargetCheck("every model beats its baseline", "all primary measures", "-", None)]
    evaluated = [r for r in primary if r.beats is not None]
    losers = [r.model for r in evaluated if not r.beats]
    skipped = [r.model for r in primary if r.beats is None]
    measured = f"{len(evaluated) - len(losers)} of {len(evaluated)} beat it"
    if losers:
        measured += f" (not: {', '.join(losers)})"
    if skipped:
        measured += f"; not evaluated: {', '.join(skipped)}"
    # met only when every model was evaluated and beat its baseline
    met = False if losers else (None if skipped or not evaluated else True)
    return [TargetCheck("every model beats its baseline", "all primary measures", measured, met)]
