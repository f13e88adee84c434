"""Grade submissions: one notebook, or a whole class in parallel, into a gradebook.

For each submission: rebuild it from the exercise source (:mod:`.restore`), run it in a
fresh kernel with time and output limits (:mod:`.execute`) and score each part. A part
earns its points when its visible and hidden tests run without an error and without
writing to stderr (nbgrader's rule, so both graders agree); otherwise it earns 0 and the
gradebook says why. Whatever goes wrong with one submission is recorded and the batch
goes on.

Output folder::

    OUT/gradebook.csv, OUT/gradebook.json    one row per student, exercise and part
    OUT/feedback/<student>/<exercise>.md     what the student sees (never hidden test code)
    OUT/results/<student>__<exercise>.json   written as each submission finishes

Submissions are only read; the runs happen in temporary folders.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from genai_course.grading.execute import CRASHED, ERROR, NOT_RUN, OK, TIMEOUT, run_notebook
from genai_course.grading.exercise import Exercise, find_exercises
from genai_course.grading.restore import rebuild
from genai_course.grading.submission import Unreadable, file_digest, identify, read_notebook

COLUMNS = ["student", "exercise", "part", "points", "max_points", "status", "reason"]
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
LIMITS = {"cell_timeout": 60.0, "timeout": 300.0, "output_limit": 100_000, "setup_timeout": 120.0}


def _short(text: str, n: int = 300) -> str:
    text = " ".join(ANSI.sub("", str(text)).split())
    return text if len(text) <= n else text[: n - 3] + "..."


def part_status(part, runs_by_id, rebuilt) -> tuple[str, str, str]:
    """(status, reason, visible traceback) for one part."""
    missing = [a for a in part.answers if a in rebuilt.missing]
    if missing:
        return "missing", (f"answer cell '{missing[0]}' is missing from the submission (deleted, "
                           "or its nbgrader metadata was removed); its part scores 0"), ""
    for answer in part.answers:
        run = runs_by_id.get(("answer", answer))
        if run is not None and run.status in (TIMEOUT, CRASHED):
            return run.status, f"answer cell '{answer}': {run.reason}", ""
    test = runs_by_id[("test", part.grade_id)]
    hidden = runs_by_id.get(("hidden", part.grade_id))
    if test.status in (TIMEOUT, CRASHED):
        return test.status, f"visible tests: {test.reason}", ""
    if test.status == NOT_RUN:
        return "error", test.reason or "the tests did not run", ""
    if test.status == ERROR:
        hint = " (the answer is not written yet?)" if test.ename == "NotImplementedError" else ""
        message = _short(f"{test.ename}: {test.evalue}" if test.evalue.strip() else test.ename)
        return "failed", f"visible tests failed: {message}{hint}", ANSI.sub("", test.traceback)
    if test.stderr:
        return "failed", ("the visible tests wrote to stderr (a warning?); like nbgrader, the "
                          "grader counts that as a failure"), ""
    if hidden is not None:
        if hidden.status in (TIMEOUT, CRASHED):
            return hidden.status, f"hidden tests: {hidden.reason}", ""
        if hidden.status == NOT_RUN:
            return "error", hidden.reason or "the hidden tests did not run", ""
        if hidden.status == ERROR:
            detail = "" if hidden.ename == "AssertionError" else \
                f" (your code raised {_short(hidden.ename + ': ' + hidden.evalue, 200)})"
            return "failed", "passed the visible tests but failed a hidden test" + detail, ""
        if hidden.stderr:
            return "failed", "the hidden tests wrote to stderr (a warning?); counted as a failure", ""
    return "passed", "", ""


def grade_submission(path, exercises: dict[str, Exercise], **limits) -> dict:
    """Grade one submission file; a JSON-ready result with one row per part."""
    limits = {**LIMITS, **limits}
    path = Path(path)
    start = time.monotonic()
    name = identify(path, exercises)
    result = {"file": str(path), "student": name.student, "exercise": name.exercise,
              "sha256": file_digest(path), "notes": [], "rows": [], "tracebacks": {},
              "seconds": 0.0}
    if name.exercise is None:
        result["exercise"] = path.stem
        result["rows"] = [_row(result, "", 0, 0, "invalid", (
            f"cannot tell which exercise '{path.name}' is: name it <student>/<NN_topic>.ipynb or "
            f"<student>_<NN_topic>.ipynb with one of {sorted(exercises)}"))]
        return result
    exercise = exercises[name.exercise]
    try:
        submission = read_notebook(path)
    except Unreadable as error:
        result["rows"] = [_row(result, p.grade_id, 0, p.points, "invalid", f"{error}; nothing "
                               "could be graded") for p in exercise.parts]
        return result
    rebuilt = rebuild(exercise, submission)
    result["notes"] = list(rebuilt.notes)
    runs = run_notebook(rebuilt.notebook, **limits)
    runs_by_id = {}
    for cell, run in zip(rebuilt.notebook.cells, runs, strict=True):
        meta = cell.metadata["grading"]
        runs_by_id[(meta["role"], meta["grade_id"])] = run
        if meta["role"] == "setup" and run.status not in (OK, ERROR):
            result["notes"].append(f"the exercise's own cell '{meta['grade_id']}' did not run "
                                   f"({run.reason}); later parts may fail because of it")
        elif meta["role"] == "setup" and run.status == ERROR:
            result["notes"].append(f"the exercise's own cell '{meta['grade_id']}' raised "
                                   f"{_short(run.ename + ': ' + run.evalue, 200)}")
        if run.truncated:
            result["notes"].append(f"output of {meta['role']} cell '{meta['grade_id']}' was "
                                   f"cut after {limits['output_limit']:,} characters")
    for part in exercise.parts:
        status, reason, traceback = part_status(part, runs_by_id, rebuilt)
        points = part.points if status == "passed" else 0.0
        result["rows"].append(_row(result, part.grade_id, points, part.points, status, reason))
        if traceback:
            result["tracebacks"][part.grade_id] = traceback
    result["seconds"] = round(time.monotonic() - start, 1)
    return result


def _row(result, part, points, max_points, status, reason) -> dict:
    return {"student": result["student"], "exercise": result["exercise"], "part": part,
            "points": float(points), "max_points": float(max_points), "status": status,
            "reason": reason}


def feedback(result: dict) -> str:
    """The feedback file's text: score, each part, visible-test failures; no hidden code."""
    rows = result["rows"]
    got, out_of = sum(r["points"] for r in rows), sum(r["max_points"] for r in rows)
    lines = [f"# Feedback: {result['exercise']} - {result['student']}", "",
             f"Score: {got:g} / {out_of:g}", ""]
    for row in rows:
        lines.append(f"## {row['part'] or '(whole notebook)'}: {row['points']:g} / "
                     f"{row['max_points']:g} - {row['status']}")
        if row["reason"]:
            lines += ["", row["reason"]]
        traceback = result["tracebacks"].get(row["part"])
        if traceback:
            tb = traceback.splitlines()
            tb = tb[:15] + ["..."] + tb[-25:] if len(tb) > 40 else tb
            lines += ["", "```", *tb, "```"]
        lines.append("")
    if result["notes"]:
        lines += ["## Notes", ""] + [f"- {note}" for note in result["notes"]] + [""]
    lines += ["Only the answer cells are graded: the grader runs them with the original test "
              "cells, plus hidden tests.", ""]
    return "\n".join(lines)


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name) or "_"


def collect(inputs) -> list[Path]:
    """Every ``.ipynb`` among ``inputs`` (files, or folders searched recursively), sorted."""
    found = []
    for item in inputs:
        item = Path(item)
        if item.is_dir():
            found += [p for p in item.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts]
        elif item.exists():
            found.append(item)
        else:
            raise FileNotFoundError(f"No submission at {item}.")
    return sorted(set(found))


def write_gradebook(out: Path, results: list[dict]) -> None:
    rows = [row for r in sorted(results, key=lambda r: (r["student"], r["exercise"], r["file"]))
            for row in r["rows"]]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    _write_atomic(out / "gradebook.csv", buffer.getvalue())
    _write_atomic(out / "gradebook.json", json.dumps(rows, indent=1) + "\n")


def _grade_job(path, source_dir, limits):
    return grade_submission(path, find_exercises(source_dir), **limits)


def _failed_job(path, exercises, error) -> dict:
    """The result for a submission whose grading itself failed (a bug, a killed worker)."""
    name = identify(path, exercises)
    result = {"file": str(path), "student": name.student, "exercise": name.exercise or Path(path).stem,
              "sha256": file_digest(path), "notes": [], "tracebacks": {}, "seconds": 0.0}
    reason = f"the grader failed on this notebook ({type(error).__name__}: {_short(error, 200)})"
    parts = exercises[name.exercise].parts if name.exercise in exercises else []
    result["rows"] = [_row(result, p.grade_id, 0, p.points, "error", reason) for p in parts] \
        or [_row(result, "", 0, 0, "error", reason)]
    return result


def grade_batch(inputs, out, *, source_dir=None, jobs: int = 1, resume: bool = False,
                progress: bool = True, **limits) -> list[dict]:
    """Grade every submission in ``inputs`` into ``out``; the results, one per submission."""
    from tqdm.auto import tqdm

    exercises = find_exercises(source_dir)
    paths = collect(inputs)
    out = Path(out)
    (out / "results").mkdir(parents=True, exist_ok=True)
    keys, results, todo = {}, {}, []
    for path in paths:
        name = identify(path, exercises)
        key = _safe(f"{name.student}__{name.exercise or path.stem}")
        while key in keys.values():
            key += "+"
        keys[path] = key
        saved = out / "results" / f"{key}.json"
        if resume and saved.exists():
            old = json.loads(saved.read_text())
            if old.get("sha256") == file_digest(path) and old.get("file") == str(path):
                results[path] = old
                continue
        todo.append(path)

    def finish(path, result):
        results[path] = result
        _write_atomic(out / "results" / f"{keys[path]}.json", json.dumps(result, indent=1))
        _write_atomic(out / "feedback" / _safe(result["student"]) / f"{_safe(result['exercise'])}.md",
                      feedback(result))
        write_gradebook(out, list(results.values()))

    bar = tqdm(total=len(paths), initial=len(paths) - len(todo), unit="notebook",
               desc="grading", disable=not progress)
    try:
        if jobs <= 1:
            for path in todo:
                try:
                    result = _grade_job(path, source_dir, limits)
                except Exception as error:  # record it, grade the others
                    result = _failed_job(path, exercises, error)
                finish(path, result)
                bar.update()
        else:
            with ProcessPoolExecutor(max_workers=jobs) as pool:
                futures = {pool.submit(_grade_job, p, source_dir, limits): p for p in todo}
                try:
                    for future in as_completed(futures):
                        path = futures[future]
                        try:
                            result = future.result()
                        except Exception as error:  # e.g. a worker killed for memory
                            result = _failed_job(path, exercises, error)
                        finish(path, result)
                        bar.update()
                except BaseException:
                    pool.shutdown(wait=False, cancel_futures=True)
                    raise
    finally:
        bar.close()
    write_gradebook(out, list(results.values()))
    return [results[p] for p in paths if p in results]
