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
import hashlib
import hmac
import io
import json
import math
import os
import re
import secrets
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from genai_course.grading.execute import CRASHED, ERROR, NOT_RUN, OK, TIMEOUT
from genai_course.grading.exercise import Exercise, find_exercises
from genai_course.grading.restore import rebuild
from genai_course.grading.sandbox import require_sandbox, set_death_signal
from genai_course.grading.submission import (
    Unreadable,
    identify,
    read_notebook,
    read_submission_bytes,
)
from genai_course.grading.verdict import CHILD_CPU, run_graded_isolated

COLUMNS = ["student", "exercise", "part", "points", "max_points", "status", "reason"]
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
LIMITS = {"cell_timeout": 60.0, "timeout": 300.0, "output_limit": 100_000, "setup_timeout": 120.0}


def _short(text: str, n: int = 300) -> str:
    text = " ".join(ANSI.sub("", str(text)).split())
    return text if len(text) <= n else text[: n - 3] + "..."


BUILTIN_ERRORS = {
    n
    for n, v in vars(__import__("builtins")).items()
    if isinstance(v, type) and issubclass(v, BaseException)
}


def part_status(part, runs_by_id, rebuilt) -> tuple[str, str, str]:
    """(status, reason, visible traceback) for one part.

    Hidden tests say only which property failed (their assert message) or the built-in
    type of an error: never their code, their values, or text the student's code produced
    while running them (which could carry hidden inputs out).
    """
    missing = [a for a in part.answers if a in rebuilt.missing]
    if missing:
        return (
            "missing",
            (
                f"answer cell '{missing[0]}' is missing from the submission (deleted, "
                "or its nbgrader metadata was removed); its part scores 0"
            ),
            "",
        )
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
        return (
            "failed",
            (
                "the visible tests wrote to stderr (a warning?); like nbgrader, the "
                "grader counts that as a failure"
            ),
            "",
        )
    if hidden is not None:
        if hidden.status in (TIMEOUT, CRASHED):
            return hidden.status, f"hidden tests: {hidden.reason}", ""
        if hidden.status == NOT_RUN:
            return "error", hidden.reason or "the hidden tests did not run", ""
        if hidden.status == ERROR:
            base = "passed the visible tests but failed a hidden test"
            kind = hidden.ename if hidden.ename in BUILTIN_ERRORS else "an exception"
            if hidden.student:
                return "failed", f"{base}: your code raised {kind}", ""
            if hidden.ename == "AssertionError":
                message = _short(hidden.evalue, 200)
                return "failed", f"{base}: {message}" if message else base, ""
            return "failed", f"{base} ({kind} in the test)", ""
        if hidden.stderr:
            return (
                "failed",
                "the hidden tests wrote to stderr (a warning?); counted as a failure",
                "",
            )
    return "passed", "", ""


def grade_submission(
    path, exercises: dict[str, Exercise], *, isolate: bool = True, **limits
) -> dict:
    """Grade one submission file; a JSON-ready result with one row per part.

    ``isolate=False`` (``--no-sandbox``) runs the student's code without the sandbox.
    """
    if isolate:
        require_sandbox()
    limits = {**LIMITS, **limits}
    path = Path(path)
    start = time.monotonic()
    name = identify(path, exercises)
    result = {
        "file": str(path),
        "student": name.student,
        "exercise": name.exercise,
        "sha256": "",
        "notes": [],
        "rows": [],
        "tracebacks": {},
        "seconds": 0.0,
    }
    if name.exercise is None:
        result["exercise"] = path.stem
        result["rows"] = [
            _row(
                result,
                "",
                0,
                0,
                "invalid",
                (
                    f"cannot tell which exercise '{path.name}' is: name it <student>/<NN_topic>.ipynb or "
                    f"<student>_<NN_topic>.ipynb with one of {sorted(exercises)}"
                ),
            )
        ]
        return result
    exercise = exercises[name.exercise]
    try:
        data = read_submission_bytes(path)
        result["sha256"] = hashlib.sha256(data).hexdigest()
        submission = read_notebook(path, data=data)
    except Unreadable as error:
        result["rows"] = [
            _row(result, p.grade_id, 0, p.points, "invalid", f"{error}; nothing could be graded")
            for p in exercise.parts
        ]
        return result
    if submission.metadata.get("genai_converted_from"):
        result["notes"].append(
            f"converted from nbformat {submission.metadata.genai_converted_from}"
        )
    rebuilt = rebuild(exercise, submission)
    result["notes"] += list(rebuilt.notes)
    stats: dict = {}
    runs = run_graded_isolated(rebuilt.notebook, isolate=isolate, stats=stats, **limits)
    result["cpu_s"] = {
        "sandbox": stats.get("sandbox_cpu_s", 0.0),  # as the sandbox reports
        "verdict": round(CHILD_CPU["last"], 3),
    }
    runs_by_id = {}
    for cell, run in zip(rebuilt.notebook.cells, runs, strict=True):
        meta = cell.metadata["grading"]
        runs_by_id[(meta["role"], meta["grade_id"])] = run
        if meta["role"] == "setup" and run.status not in (OK, ERROR):
            result["notes"].append(
                f"the exercise's own cell '{meta['grade_id']}' did not run "
                f"({run.reason}); later parts may fail because of it"
            )
        elif meta["role"] == "setup" and run.status == ERROR:
            result["notes"].append(
                f"the exercise's own cell '{meta['grade_id']}' raised {_short(run.ename, 200)}"
            )
    for part in exercise.parts:
        status, reason, traceback = part_status(part, runs_by_id, rebuilt)
        points = part.points if status == "passed" else 0.0
        result["rows"].append(_row(result, part.grade_id, points, part.points, status, reason))
        if traceback:
            result["tracebacks"][part.grade_id] = traceback
    result["seconds"] = round(time.monotonic() - start, 1)
    return result


def _row(result, part, points, max_points, status, reason) -> dict:
    return {
        "student": result["student"],
        "exercise": result["exercise"],
        "part": part,
        "points": float(points),
        "max_points": float(max_points),
        "status": status,
        "reason": reason,
    }


def feedback(result: dict) -> str:
    """The feedback file's text: score, each part, visible-test failures; no hidden code."""
    rows = result["rows"]
    got, out_of = sum(r["points"] for r in rows), sum(r["max_points"] for r in rows)
    lines = [
        f"# Feedback: {result['exercise']} - {result['student']}",
        "",
        f"Score: {got:g} / {out_of:g}",
        "",
    ]
    for row in rows:
        lines.append(
            f"## {row['part'] or '(whole notebook)'}: {row['points']:g} / "
            f"{row['max_points']:g} - {row['status']}"
        )
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
    lines += [
        "Only the answer cells are graded: the grader runs them with the original test "
        "cells, plus hidden tests.",
        "",
    ]
    return "\n".join(lines)


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def encode_name(name: str) -> str:
    """A file name for ``name``, one to one: letters and digits of any script, ``-`` and
    ``_`` stay; every other character is percent-encoded (so "a b" is ``a%20b``, "José"
    stays ``José`` and ".." is ``%2E%2E``, never a path). Over-long names end in a hash."""
    text = (
        "".join(
            ch
            if ch.isalnum() or ch in "-_"
            else "".join(f"%{b:02X}" for b in ch.encode("utf-8", "surrogatepass"))
            for ch in name
        )
        or "%"
    )
    if len(text.encode()) > 200:
        text = (
            text[:120]
            + "~"
            + hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:20]
        )
    return text


_safe = encode_name  # the old name


def collect(inputs) -> list[Path]:
    """Every ``.ipynb`` among ``inputs`` (files, or folders searched recursively), sorted.

    Symbolic links are listed (so the gradebook says they were refused) but never
    followed: a folder reached through a link is not searched.
    """
    found = []
    for item in inputs:
        item = Path(item)
        if item.is_dir() and not item.is_symlink():
            for folder, dirs, files in os.walk(item, followlinks=False):
                dirs[:] = sorted(d for d in dirs if d != ".ipynb_checkpoints")
                found += [Path(folder) / f for f in files if f.endswith(".ipynb")]
        elif item.exists() or item.is_symlink():
            found.append(item)
        else:
            raise FileNotFoundError(f"No submission at {item}.")
    return sorted(set(found))


def _group_key(result) -> tuple[str, str]:
    return result["student"], result["exercise"]


def gradebook_rows(results: list[dict]) -> list[dict]:
    """The gradebook's rows; two files for one student and exercise are flagged, not merged."""
    groups: dict[tuple, list[dict]] = {}
    for r in sorted(results, key=lambda r: (r["student"], r["exercise"], r["file"])):
        groups.setdefault(_group_key(r), []).append(r)
    rows = []
    for group in groups.values():
        if len(group) == 1:
            rows += group[0]["rows"]
            continue
        scores = "; ".join(f"{r['file']}: {sum(x['points'] for x in r['rows']):g}" for r in group)
        for r in group:
            for row in r["rows"]:
                rows.append(
                    {
                        **row,
                        "points": 0.0,
                        "status": "duplicate",
                        "reason": (
                            f"{len(group)} submissions for this student and exercise ({scores}); "
                            "none is counted until the instructor keeps one"
                        ),
                    }
                )
    return rows


def write_gradebook(out: Path, results: list[dict]) -> None:
    rows = gradebook_rows(results)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    _write_atomic(out / "gradebook.csv", buffer.getvalue())
    _write_atomic(out / "gradebook.json", json.dumps(rows, indent=1) + "\n")


def feedback_path(out: Path, result: dict) -> Path:
    return (
        out / "feedback" / encode_name(result["student"]) / f"{encode_name(result['exercise'])}.md"
    )


def result_path(out: Path, result_or_name, file: str | None = None) -> Path:
    """``results/<student>/<exercise>~<hash of the file's path>.json``: one per file."""
    student, exercise = (
        result_or_name if file else (result_or_name["student"], result_or_name["exercise"])
    )
    file = file or result_or_name["file"]
    tag = hashlib.sha256(file.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return out / "results" / encode_name(student) / f"{encode_name(exercise)}~{tag}.json"


def write_feedback(out: Path, results: list[dict], key) -> None:
    """One feedback file per student and exercise (both submissions when there are two)."""
    group = sorted(results, key=lambda r: r["file"])
    text = (
        feedback(group[0])
        if len(group) == 1
        else "\n".join(
            [
                f"# Two or more submissions for {group[0]['exercise']} - {group[0]['student']}",
                "",
                "None is counted until your instructor keeps one. Each is graded below.",
                "",
            ]
            + [f"<!-- {Path(r['file']).name} -->\n" + feedback(r) for r in group]
        )
    )
    _write_atomic(feedback_path(out, group[0]), text)


def _grade_job(path, source_dir, limits):
    return grade_submission(path, find_exercises(source_dir), **limits)


def _failed_job(path, exercises, error) -> dict:
    """The result for a submission whose grading itself failed (a bug, a killed worker)."""
    name = identify(path, exercises)
    result = {
        "file": str(path),
        "student": name.student,
        "exercise": name.exercise or Path(path).stem,
        "sha256": _digest_or_empty(path),
        "notes": [],
        "tracebacks": {},
        "seconds": 0.0,
    }
    reason = f"the grader failed on this notebook ({type(error).__name__}: {_short(error, 200)})"
    parts = exercises[name.exercise].parts if name.exercise in exercises else []
    result["rows"] = [_row(result, p.grade_id, 0, p.points, "error", reason) for p in parts] or [
        _row(result, "", 0, 0, "error", reason)
    ]
    return result


def _digest_or_empty(path) -> str:
    try:
        return hashlib.sha256(read_submission_bytes(path)).hexdigest()
    except Unreadable:
        return ""


def parse_shard(text) -> tuple[int, int]:
    """``"K/N"`` -> (K, N), 1 <= K <= N."""
    if isinstance(text, tuple):
        return text
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", str(text))
    if not match or not 1 <= int(match[1]) <= int(match[2]):
        raise ValueError(f"--shard must be K/N with 1 <= K <= N (e.g. 2/8), got {text!r}.")
    return int(match[1]), int(match[2])


def in_shard(student: str, exercise: str, shard: tuple[int, int]) -> bool:
    """Deterministic: by a hash of student and exercise, so both copies of a duplicate meet."""
    k, n = shard
    digest = hashlib.sha256(f"{student}\0{exercise}".encode("utf-8", "surrogatepass")).digest()
    return int.from_bytes(digest[:8], "big") % n == k - 1


def grade_batch(
    inputs,
    out,
    *,
    source_dir=None,
    jobs: int = 1,
    resume: bool = False,
    progress: bool = True,
    isolate: bool = True,
    shard=None,
    **limits,
) -> list[dict]:
    """Grade every submission in ``inputs`` into ``out``; the results, one per submission.

    ``isolate=False`` grades without the sandbox (see :func:`.sandbox.require_sandbox`);
    ``shard="K/N"`` grades only the K-th of N deterministic slices (join them with
    :func:`merge`).
    """
    from tqdm.auto import tqdm

    if isolate:
        require_sandbox()
    exercises = find_exercises(source_dir)
    paths = collect(inputs)
    out = Path(out)
    (out / "results").mkdir(parents=True, exist_ok=True)
    key = signing_key(out)
    names = {p: identify(p, exercises) for p in paths}
    if shard is not None:
        shard = parse_shard(shard)
        paths = [p for p in paths if in_shard(names[p].student, names[p].exercise or p.stem, shard)]
    results, todo = {}, []
    for path in paths:
        name = names[path]
        if resume:
            old = load_result(
                result_path(out, (name.student, name.exercise or path.stem), str(path)),
                key,
                exercises,
            )
            if (
                old is not None
                and old["file"] == str(path)
                and old["sha256"] == _digest_or_empty(path)
                and old["sha256"]
            ):
                results[path] = old
                continue
        todo.append(path)
    limits = {**limits, "isolate": isolate}

    def finish(path, result):
        results[path] = result
        save_result(out, result, key)
        write_feedback(
            out, [r for r in results.values() if _group_key(r) == _group_key(result)], key
        )
        write_gradebook(out, list(results.values()))

    bar = tqdm(
        total=len(paths),
        initial=len(paths) - len(todo),
        unit="notebook",
        desc="grading",
        disable=not progress,
    )
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
            with ProcessPoolExecutor(max_workers=jobs, initializer=set_death_signal) as pool:
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
    for path in paths:  # resumed results keep their feedback files current too
        if path in results and not feedback_path(out, results[path]).exists():
            write_feedback(
                out,
                [r for r in results.values() if _group_key(r) == _group_key(results[path])],
                key,
            )
    return [results[p] for p in paths if p in results]


# ---------------------------------------------------------------- trusted results


def signing_key(out: Path) -> bytes:
    """The output folder's secret (``OUT/.grader-key``, 0600); the sandbox never sees OUT."""
    path = Path(out) / ".grader-key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return bytes.fromhex(path.read_text().strip())


def _mac(result: dict, key: bytes) -> str:
    body = json.dumps(result, sort_keys=True, ensure_ascii=True).encode()
    return hmac.new(key, body, hashlib.sha256).hexdigest()


def save_result(out: Path, result: dict, key: bytes) -> None:
    _write_atomic(
        result_path(out, result),
        json.dumps({"result": result, "hmac": _mac(result, key)}, indent=1),
    )


def check_result(result, exercises) -> str | None:
    """None if the result is self-consistent; otherwise what is wrong with it."""
    if type(result) is not dict or type(result.get("rows")) is not list or not result["rows"]:
        return "no rows"
    for key in ("file", "student", "exercise", "sha256"):
        if type(result.get(key)) is not str:
            return f"no {key}"
    exercise = exercises.get(result["exercise"])
    expected = {p.grade_id: p.points for p in exercise.parts} if exercise else None
    seen = set()
    for row in result["rows"]:
        if type(row) is not dict or set(row) != set(COLUMNS):
            return "a malformed row"
        points, top = row["points"], row["max_points"]
        if not all(type(v) in (int, float) and math.isfinite(v) for v in (points, top)):
            return "points that are not numbers"
        if not 0 <= points <= top:
            return f"points {points} outside 0..{top}"
        if (row["status"] == "passed") != (points == top and top > 0):
            return f"status {row['status']!r} inconsistent with {points}/{top} points"
        if row["status"] != "passed" and points != 0:
            return f"status {row['status']!r} with {points} points"
        if (row["student"], row["exercise"]) != (result["student"], result["exercise"]):
            return "a row of another student or exercise"
        if expected is not None and row["part"] and expected.get(row["part"]) != top:
            return f"part {row['part']!r} is not worth {top} points"
        seen.add(row["part"])
    if expected is not None and seen != set(expected) and seen != {""}:
        return "not one row per part"
    return None


def load_result(path: Path, key: bytes, exercises) -> dict | None:
    """A result the grader wrote and signed, and that is consistent; None otherwise."""
    try:
        saved = json.loads(Path(path).read_text())
        result, mac = saved["result"], saved["hmac"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if type(mac) is not str or not hmac.compare_digest(mac, _mac(result, key)):
        return None
    return result if check_result(result, exercises) is None else None


def merge(outs, out, *, source_dir=None) -> list[dict]:
    """Join the output folders of shards into one: signed, checked results only."""
    exercises = find_exercises(source_dir)
    out = Path(out)
    key = signing_key(out)
    results: dict[str, dict] = {}
    refused = []
    for shard_out in map(Path, outs):
        if not (shard_out / ".grader-key").exists():
            raise FileNotFoundError(f"{shard_out} is not a grader output folder (no .grader-key).")
        shard_key = signing_key(shard_out)
        for path in sorted((shard_out / "results").rglob("*.json")):
            result = load_result(path, shard_key, exercises)
            if result is None:
                refused.append(str(path))
                continue
            results.setdefault(result["file"], result)
    if refused:
        raise ValueError(
            f"{len(refused)} result files are not signed by their grader or are "
            f"inconsistent, e.g. {refused[0]}; grade those submissions again."
        )
    ordered = sorted(results.values(), key=lambda r: (r["student"], r["exercise"], r["file"]))
    groups: dict[tuple, list[dict]] = {}
    for result in ordered:
        save_result(out, result, key)
        groups.setdefault(_group_key(result), []).append(result)
    for group in groups.values():
        write_feedback(out, group, key)
    write_gradebook(out, ordered)
    return ordered
