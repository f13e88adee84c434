"""The benchmark's machinery: notebook measurements, baseline comparison, targets, report.

No timing thresholds: only relations that hold however busy the machine is (CPU time of
a fixed amount of work, memory of a fixed allocation).
"""

import argparse
import json
import time
from pathlib import Path

import nbformat
import pytest
import torch

from genai_course.bench import notebooks, quality, report, scaling, targets
from genai_course.bench.notebooks import NotebookRun, run_notebook
from genai_course.bench.quality import QualityRow, compare
from genai_course.commands import bench as bench_command


def write_notebook(path, *sources):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# a title")] + [
        nbformat.v4.new_code_cell(s) for s in sources
    ]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, path)
    return path


@pytest.fixture(scope="module")
def measured(tmp_path_factory):
    folder = tmp_path_factory.mktemp("course") / "lessons"
    folder.mkdir()
    small = write_notebook(folder / "01_small.ipynb", "x = 1", "raise ValueError('boom')", "y = 2")
    big = write_notebook(
        folder / "02_big.ipynb",
        "import os\nassert os.environ['GENAI_COURSE_THREADS'] == '3'",
        "import numpy as np\nblock = np.ones(25_000_000)  # 200 MB, every page touched",
        "total = sum(i * i for i in range(2_000_000))  # a fixed amount of CPU work",
    )
    return run_notebook(small, threads=1), run_notebook(big, threads=3)


def test_a_failing_cell_is_recorded_and_ends_the_notebook(measured):
    small, _ = measured
    assert not small.ok
    assert "cell 2" in small.error and "ValueError: boom" in small.error
    assert small.cells == 2  # the cell after the error never ran
    assert small.kind == "lesson" and small.name == "lessons/01_small"


def test_memory_cpu_and_threads_are_measured(measured):
    small, big = measured
    assert big.ok, big.error
    assert big.threads == 3 and big.cells == 3 and len(big.cell_seconds) == 3
    assert big.peak_rss_mb - small.peak_rss_mb >= 150
    assert big.peak_rss_mb < 4000
    assert big.cpu_s > small.cpu_s + 0.05
    assert big.wall_s > 0 and big.startup_s > 0
    assert big.slowest_cell in (2, 3)  # the allocation or the loop, not the import of os
    summary = notebooks.summarise([small, big])
    assert summary["failed"] == 1 and summary["notebooks"] == 2
    assert summary["max_peak_rss_mb"] == big.peak_rss_mb


def test_course_notebooks_lists_lessons_then_solutions(tmp_path):
    for folder, name in [
        ("lessons", "01_b"),
        ("lessons", "00_a"),
        ("solutions", "00_a"),
        ("lessons", "README"),
    ]:
        (tmp_path / folder).mkdir(exist_ok=True)
        write_notebook(tmp_path / folder / f"{name}.ipynb", "pass")
    names = [f"{p.parent.name}/{p.stem}" for p in notebooks.course_notebooks(tmp_path)]
    assert names == ["lessons/00_a", "lessons/01_b", "solutions/00_a"]
    quick = [f"{p.parent.name}/{p.stem}" for p in notebooks.course_notebooks(tmp_path, quick=True)]
    assert quick == ["lessons/00_a", "solutions/00_a"]


def test_missing_notebook_and_bad_threads_give_clear_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="No notebook"):
        run_notebook(tmp_path / "nope.ipynb", threads=1)
    with pytest.raises(ValueError, match="threads"):
        run_notebook(tmp_path / "nope.ipynb", threads=0)


@pytest.mark.parametrize(
    "value, baseline, higher, expected",
    [
        (2.0, 4.0, False, (0.5, True)),  # a loss half the baseline's
        (5.0, 4.0, False, (1.25, False)),
        (0.9, 0.6, True, (1.5, True)),  # coverage above the baseline's
        (0.5, 0.6, True, (0.8333, False)),
        (3.0, 3.0, False, (1.0, False)),  # a tie does not beat
        (1.0, 0.0, False, (None, False)),  # no ratio against zero, but still compared
        (None, 1.0, False, (None, None)),
        (float("nan"), 1.0, True, (None, None)),
    ],
)
def test_compare_ratio_and_beats(value, baseline, higher, expected):
    assert compare(value, baseline, higher_is_better=higher) == expected


def test_compare_closer_to_real():
    # near-copies: real held-out data has 5%; 8% is nearer than the baseline's 0%
    assert compare(0.08, 0.0, higher_is_better=False, target=0.05) == (None, True)
    assert compare(0.24, 0.0, higher_is_better=False, target=0.05) == (None, False)
    row = QualityRow(
        "vae",
        "near-copy fraction",
        "mixture",
        False,
        primary=False,
        value=0.1,
        baseline_value=0.2,
        floor=0.05,
        closer_to_floor=True,
    )
    assert row.better == "closer to real" and row.beats and row.ratio == 0.5
    assert row.as_dict()["better"] == "closer to real"


def test_quality_row_and_quality_target():
    good = QualityRow("a", "loss", "n-gram", False, value=1.5, baseline_value=2.0)
    bad = QualityRow("b", "FD", "mixture", False, value=3.0, baseline_value=2.0)
    secondary = QualityRow(
        "b", "coverage", "mixture", True, primary=False, value=0.1, baseline_value=0.9
    )
    missing = QualityRow("c", "loss", "Markov", False, error="not shipped yet")
    assert good.as_dict()["ratio"] == 0.75 and good.beats
    assert missing.beats is None
    [check] = targets.quality_targets([good, secondary])
    assert check.met is True  # a secondary measure does not decide
    [check] = targets.quality_targets([good, bad, missing])
    assert (
        check.met is False and "not: b" in check.measured and "not evaluated: c" in check.measured
    )
    [check] = targets.quality_targets([good, missing])
    assert check.met is None  # incomplete: not claimed as met


def run_of(name, kind, wall, peak=500.0, error=""):
    return NotebookRun(
        name=name,
        path=f"{name}.ipynb",
        kind=kind,
        threads=2,
        wall_s=wall,
        cpu_s=wall / 2,
        peak_rss_mb=peak,
        error=error,
    )


def test_notebook_targets_met_and_missed():
    runs = [
        run_of("l0", "lesson", 30),
        run_of("l1", "lesson", 50),
        run_of("l2", "lesson", 95, 2500),
        run_of("s0", "solution", 20, error="cell 3: AssertionError"),
    ]
    checks = {c.name: c for c in targets.notebook_targets(runs)}
    assert checks["every lesson"].met is False and "l2" in checks["every lesson"].measured
    assert checks["median lesson"].met is True and checks["median lesson"].measured.startswith(
        "50.0"
    )
    assert checks["whole course (lessons + solutions)"].met is True  # 195 s
    assert checks["peak kernel memory"].met is False
    assert checks["every notebook runs without error"].met is False
    partial = {c.name: c for c in targets.notebook_targets(runs, complete=False)}
    assert partial["whole course (lessons + solutions)"].met is None


def test_growth_exponent():
    assert scaling.growth_exponent([1, 2, 4], [3.0, 12.0, 48.0]) == pytest.approx(2.0)
    assert scaling.growth_exponent([8, 16], [5.0, 5.0]) == pytest.approx(0.0)
    assert scaling.growth_exponent([8], [5.0]) is None


def test_median_seconds_counts_calls():
    calls = []
    timing = scaling.median_seconds(lambda: calls.append(1), repeats=3, warmup=1, min_block_s=0)
    assert len(calls) == 1 + 3  # one warm-up, three timed blocks of one call
    assert timing.wall_s >= 0 and timing.cpu_s >= 0


def sample_report():
    runs = [run_of("lessons/00_a", "lesson", 40.0), run_of("solutions/00_a", "solution", 10.0)]
    rows = [
        QualityRow(
            "char-gru",
            "validation loss (nats/char)",
            "best n-gram",
            False,
            value=1.2,
            baseline_value=1.5,
            note="a note",
        ),
        QualityRow(
            "digits-gan",
            "class coverage",
            "mixture",
            True,
            primary=False,
            value=float("nan"),
            baseline_value=0.9,
        ),
        QualityRow("chorale-gru", "loss", "Markov chain", False, error="not shipped yet"),
    ]
    points = [
        scaling.ScalingPoint(
            "GAN (MLP)", "width (hidden units)", 64, 1.5, 0.2, "64 images", 1.0, 0.1
        )
    ]
    return {
        "quick": False,
        "machine": {
            "date_utc": "2026-01-01 00:00 UTC",
            "cpu": "Test CPU",
            "logical_cores": 2,
            "memory_gb": 24.0,
            "os": "Linux",
            "python": "3.11",
            "torch": "2.13",
            "torch_threads": 2,
            "load_average_start": [5.0, 4.0, 3.0],
            "load_average_end": [4.0, 4.0, 3.0],
        },
        "notebooks": [r.as_dict() for r in runs],
        "notebook_summary": notebooks.summarise(runs),
        "quality": [r.as_dict() for r in rows],
        "scaling": [p.as_dict() for p in points],
        "scaling_fits": scaling.fits(points),
        "targets": [
            c.as_dict() for c in targets.notebook_targets(runs) + targets.quality_targets(rows)
        ],
        "errors": [],
    }


def test_report_writes_valid_json_and_markdown(tmp_path):
    json_path, md_path = report.write(sample_report(), tmp_path / "out")
    data = json.loads(json_path.read_text())  # strict JSON: NaN was written as null
    assert "NaN" not in json_path.read_text()
    assert data["quality"][1]["value"] is None and data["quality"][0]["beats"] is True
    assert data["notebooks"][0]["wall_s"] == 40.0 and data["machine"]["torch_threads"] == 2
    text = md_path.read_text()
    for columns in (
        report.NOTEBOOK_COLUMNS,
        report.QUALITY_COLUMNS,
        report.SCALING_COLUMNS,
        report.TARGET_COLUMNS,
    ):
        assert "| " + " | ".join(columns) + " |" in text
    assert "| lessons/00_a | lesson | 40 | 20 | 500 | 2 | met |" in text
    assert "| char-gru | validation loss (nats/char) | 1.2 | best n-gram | 1.5 | 0.8 |" in text
    assert "not evaluated: not shipped yet" in text
    assert "2 torch thread(s)" in text and "wall/CPU time 2.00" in text
    assert "wall times are inflated" in text  # every notebook waited as long as it computed
    assert "size^None" not in text  # one point per axis: no exponent line
    assert "| median lesson | <= 60 s wall | 40.0 s | met |" in text
    summary = (tmp_path / "out" / "summary.md").read_text()  # the README's compact version
    assert "| lessons/00_a | 40 | 20 | 500 | ok |" in summary
    assert (
        "| char-gru | validation loss (nats/char) | 1.2 | best n-gram | 1.5 | - | 0.8 | yes |"
        in summary
    )
    assert "class coverage" not in summary  # secondary measures stay in bench.md


def test_markdown_table_escapes_pipes():
    table = report.markdown_table(["a", "b"], [["x|y", 1.23456]])
    assert table.splitlines()[2] == "| x\\|y | 1.235 |"


def test_gmm_baseline_samples_stay_in_the_pixel_range():
    x = (torch.rand(200, 8, 8) > 0.5).float()
    gmm = quality.fit_gmm_baseline(x, components=3, steps=5)
    binary = quality.gmm_samples(gmm, 50, "binary")
    assert binary.shape == (50, 8, 8) and set(binary.unique().tolist()) <= {0.0, 1.0}
    symmetric = quality.gmm_samples(gmm, 50, "symmetric")
    assert symmetric.min() >= -1 and symmetric.max() <= 1
    assert quality.to_unit(symmetric, "symmetric").min() >= 0


def test_command_arguments():
    parser = argparse.ArgumentParser()
    bench_command.add_arguments(parser)
    args = parser.parse_args(["--quick", "--only", "scaling", "--out", "x"])
    assert args.quick and args.only == ["scaling"] and args.out == "x"
    with pytest.raises(SystemExit):
        parser.parse_args(["--only", "everything"])
    with pytest.raises(FileNotFoundError, match="lessons/"):
        bench_command.course_root("/nonexistent-folder")


# ---- workshop: N learners at once, and a lesson beside busy processes --------------------

from genai_course.bench import figures, workshop  # noqa: E402


def test_learners_result_slowdowns_against_alone_and_fair_share():
    alone = {"wall_s": 10.0, "cpu_s": 8.0, "peak_rss_mb": 400, "startup_s": 1, "error": ""}
    runs = [dict(alone, wall_s=w) for w in (38.0, 42.0)] + [dict(alone, wall_s=0, error="boom")]

    class Memory:
        baseline_mb, peak_mb = 1000.0, 2500.0

    row = workshop.learners_result("lessons/01_x.ipynb", 3, alone, runs, Memory, cores=2)
    assert row["fair_share_s"] == 12.0  # 3 learners x 8 s of CPU / 2 cores
    assert row["max_wall_s"] == 42.0 and row["max_vs_alone"] == 4.2
    assert row["max_vs_fair_share"] == 3.5
    assert row["errors"] == ["boom"] and row["memory_per_learner_mb"] == 500
    assert row["per_learner"][0]["vs_alone"] == 3.8 and "vs_alone" not in row["per_learner"][2]
    # one learner can never beat its own alone time: the fair share is floored by it
    assert workshop.fair_share_s(1, alone, cores=2) == 10.0


def test_busy_processes_burn_cpu_and_are_stopped():
    import psutil

    processes = workshop.start_busy(2)
    try:
        pids = [p.pid for p in processes]
        busy = [psutil.Process(pid) for pid in pids]
        for _ in range(6000):  # up to 5 minutes of a loaded machine; a quiet one takes 0.1 s
            if sum(p.cpu_times().user for p in busy) >= 0.2:
                break
            time.sleep(0.05)
        assert sum(p.cpu_times().user for p in busy) >= 0.2, "busy processes must burn CPU"
    finally:
        workshop.stop_busy(processes)
    assert all(p.poll() is not None for p in processes), "every busy process must be stopped"


@pytest.fixture(scope="module")
def tiny_course(tmp_path_factory):
    root = tmp_path_factory.mktemp("tiny")
    (root / "lessons").mkdir()
    write_notebook(root / "lessons" / "01_tiny.ipynb", "total = sum(i * i for i in range(300_000))")
    write_notebook(root / "lessons" / "02_broken.ipynb", "raise ValueError('boom')")
    return root


def test_bench_learners_reports_every_learner(tiny_course, tmp_path, capsys):
    from genai_course.cli import main

    code = main(
        [
            "bench",
            "--root",
            str(tiny_course),
            "--notebook",
            "lessons/01_tiny.ipynb",
            "--learners",
            "2",
            "--threads",
            "1",
            "--out",
            str(tmp_path),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    result = json.loads((tmp_path / "workshop.json").read_text())
    (row,) = result["workshop"]["rows"]
    assert row["learners"] == 2 and len(row["per_learner"]) == 2 and not row["errors"]
    assert all(r["wall_s"] > 0 and r["cpu_s"] > 0 for r in row["per_learner"])
    assert row["alone"]["cpu_s"] > 0 and row["max_vs_fair_share"] > 0
    assert row["machine_peak_memory_mb"] >= row["machine_memory_before_mb"]
    assert "learners at once" in out and "contention" not in result


def test_contention_runs_the_lesson_quiet_then_beside_busy_processes(monkeypatch, tmp_path):
    """The order and the clean-up, with a stand-in for the kernel (no timing involved)."""
    seen = []

    def fake_run(path, n, **kwargs):
        alive = [p for p in started if p.poll() is None]
        seen.append(len(alive))
        return [{"wall_s": 10.0 * (1 + len(alive)), "cpu_s": 9.0, "peak_rss_mb": 1, "error": ""}]

    started = []
    real_start = workshop.start_busy
    monkeypatch.setattr(workshop, "run_learners_at_once", fake_run)
    monkeypatch.setattr(workshop, "start_busy", lambda k: started.extend(real_start(k)) or started)
    result = workshop.run_contention(tmp_path / "01_x.ipynb", 2, log=lambda *a: None)
    assert seen == [0, 2], "quiet first, then with every busy process running"
    assert result["slowdown"] == 3.0 and result["busy"] == 2
    assert all(p.poll() is not None for p in started), "busy processes must be stopped"
    with pytest.raises(ValueError, match="busy"):
        workshop.run_contention(tmp_path / "01_x.ipynb", 0, log=lambda *a: None)


def test_bench_workshop_refuses_a_lesson_that_fails_alone(tiny_course):
    with pytest.raises(RuntimeError, match="fails on its own"):
        workshop.run_workshop(tiny_course / "lessons" / "02_broken.ipynb", [2], log=lambda *a: None)
    with pytest.raises(ValueError, match="learners"):
        workshop.run_workshop(tiny_course / "lessons" / "01_tiny.ipynb", [0], log=lambda *a: None)


# ---- figures: one committed file, and the README and site made from it -------------------


def test_a_partial_run_keeps_the_other_parts_figures_and_targets():
    full = {
        "bench_seconds": 300,
        "machine": {"date_utc": "old"},
        "notebooks": [{"name": "lessons/00"}],
        "quality": [{"model": "gan", "value": 20.0}],
        "targets": [
            {"name": "every lesson", "verdict": "met"},
            {"name": "every model beats its baseline", "verdict": "met"},
        ],
    }
    quality_only = {
        "bench_seconds": 90,
        "machine": {"date_utc": "new"},
        "notebooks": [],
        "quality": [{"model": "gan", "value": 19.0}],
        "targets": [{"name": "every model beats its baseline", "verdict": "missed"}],
    }
    merged = figures.merge_partial(full, quality_only)
    assert merged["notebooks"] == full["notebooks"]  # not measured: kept
    assert merged["quality"] == quality_only["quality"]
    # the notebook timings keep the machine they were taken on; the quality part says its own
    assert merged["machine"]["date_utc"] == "old"
    assert merged["bench_seconds"] == 300  # the whole run's length, not the part's
    assert merged["part_runs"] == {"quality": {"machine": {"date_utc": "new"}, "bench_seconds": 90}}
    assert merged["targets"] == [
        {"name": "every lesson", "verdict": "met"},
        {"name": "every model beats its baseline", "verdict": "missed"},
    ]
    new_target = {"name": "scaling fit", "verdict": "met"}
    assert figures.merge_partial(full, {"targets": [new_target]})["targets"][-1] == new_target


def test_readme_figures_come_from_the_figures_file():
    text = figures.README_PATH.read_text()
    names = [m.group("name") for m in figures._BLOCK.finditer(text)]
    assert {"setup", "bench", "workshop"} <= set(names), (
        "the README must carry the generated blocks"
    )
    stale = figures.stale_blocks(text, figures.load())
    assert not stale, (
        f"README blocks {stale} disagree with genai_course/site/figures.json: run "
        "`genai-course bench --update-readme`"
    )


def test_no_typed_timing_figures_left_in_readme_or_site():
    from genai_course.site import build

    outside = figures._BLOCK.sub("", figures.README_PATH.read_text())
    for typed in (
        "about 1.5 minutes",
        "about 3 minutes",
        "under 20 s",
        "about a minute",
        "3 to 19 s",
        "138 s",
        "about 4 minutes",
    ):
        assert typed not in outside, (
            f"README states {typed!r} by hand: generate it from figures.json"
        )
    assert "about a minute" not in Path(build.__file__).read_text()


def test_render_blocks_rewrites_only_between_markers(tmp_path):
    data = {
        "bench": {
            "machine": {"logical_cores": 2, "cpu": "X", "torch_threads": 1, "date_utc": "today"},
            "notebooks": [
                {"name": "lessons/00", "kind": "lesson", "wall_s": 4.0, "error": ""},
                {"name": "lessons/01", "kind": "lesson", "wall_s": 31.0, "error": ""},
            ],
        }
    }
    text = "keep\n<!-- figures:lesson-time -->\nold 99 s\n<!-- /figures:lesson-time -->\nkeep too\n"
    assert figures.stale_blocks(text, data) == ["lesson-time"]
    readme = tmp_path / "README.md"
    readme.write_text(text)
    assert figures.update_readme(readme, data) is True
    new = readme.read_text()
    assert new.startswith("keep\n") and new.endswith("keep too\n") and "4 to 31 s" in new
    assert figures.stale_blocks(new, data) == [] and figures.update_readme(readme, data) is False
    with pytest.raises(KeyError, match="no generator"):
        figures.render_blocks("<!-- figures:nope -->\n<!-- /figures:nope -->", data)


def test_workshop_block_states_capacity_from_the_measurement():
    row = {
        "notebook": "lessons/01_gans",
        "learners": 10,
        "cores": 2,
        "max_wall_s": 150.0,
        "median_wall_s": 140.0,
        "max_vs_alone": 7.5,
        "fair_share_s": 120.0,
        "max_vs_fair_share": 1.25,
        "machine_peak_memory_mb": 6000,
        "memory_per_learner_mb": 512,
        "errors": [],
        "alone": {"wall_s": 20.0, "cpu_s": 24.0},
    }
    machine = {"date_utc": "d", "cpu": "c", "logical_cores": 2, "memory_gb": 8}
    text = figures.workshop_block(
        {
            "workshop": {"machine": machine, "rows": [row]},
            "contention": {
                "busy": 4,
                "cores": 2,
                "notebook": "lessons/01_gans",
                "quiet": {"wall_s": 20.0},
                "loaded": {"wall_s": 60.0},
                "slowdown": 3.0,
            },
        }
    )
    assert "5.0 learners per core" in text and "within the 1.5 x target" in text
    assert "2.0 learners per GB" in text and "3.0 x (target: within 4 x)" in text
    assert "not measured" in figures.workshop_block({})
