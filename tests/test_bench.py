"""The benchmark's arithmetic and its writer, without an engine: splits add up to the
wall-clock time, ratios are grader ÷ peer, targets are judged against their limits, and
the table names the machine, the engine and the date."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from checks.bench import latency, report, site
from checks.bench.floor import Floor, payload
from checks.bench.latency import BareRun, ExerciseLatency, GradeRun, Split
from checks.bench.peers import PeerResult
from checks.bench.timing import interleaved, median, ratio
from checks.layers import FileEntry, FileIndex

MACHINE = {"os": "Debian GNU/Linux 12 (bookworm)", "kernel": "6.1", "cpus": 2, "cpu": "Test CPU",
           "python": "3.11", "load_start": [1.5, 1.25, 1.0], "load_end": [2.0, 1.5, 1.0]}
ENGINE = {"version": "20.10.24", "builder": "BuildKit (native, DOCKER_BUILDKIT=1)"}


def _split(total: float, overhead: float) -> Split:
    return Split(5, total, total - overhead - 0.5, 0.4, 0.1, overhead, ("pass",))


def _results(*, overhead: float = 0.3, warm: float = 1.5, bare: float = 1.0, scratch: float = 1.02,
             dive_ours: float = 0.2) -> report.Results:
    go = ExerciseLatency("08-multi-stage", "go", "dockerfile", edited="greeting.go")
    go.splits = {"cold": _split(20.0, 0.4), "warm": _split(warm, overhead), "edit": _split(8.0, 0.45)}
    mounts = ExerciseLatency("08-multi-stage", "cache-mounts", "dockerfile",
                             skipped=dict.fromkeys(latency.KINDS, "needs BuildKit"))
    results = report.Results(dict(MACHINE), dict(ENGINE), runs=5, quick=False, date="2026-01-02 03:04 UTC")
    results.latency = [go, mounts]
    results.bare = BareRun(bare, bare / 2, bare / 2, 5, ("docker build",))
    results.peers = [
        PeerResult("hadolint", "Dockerfile", 0.001, 0.05, 5, True, "28 of 28 agree"),
        PeerResult("container-structure-test", "image", 0.5, 1.0, 5, True, "8 of 8 agree"),
        PeerResult("dive", "lab 02 starter", dive_ours, 0.4, 5, True, "grader 30,000,000, dive 30,000,000",
                   values=(30_000_000, 30_000_000)),
    ]
    results.floors = [Floor("scratch", int(scratch * 4_760_000), 4_760_000, 1, "/greeter (4.76 MB)")]
    results.site = site.SiteBuild(7.5, "chapters/08/index.html", 120_000, 30)
    results.suite = site.SuiteTime(None, recorded="not recorded (bench/suite.xml is absent)")
    return results


def test_ratio_is_grader_over_peer_and_none_without_a_divisor() -> None:
    assert ratio(1.0, 4.0) == 0.25
    assert ratio(None, 4.0) is None
    assert ratio(1.0, 0.0) is None


def test_median_of_an_even_count_is_the_mean_of_the_middle_two() -> None:
    assert median([4.0, 1.0, 3.0, 2.0]) == 2.5
    assert median([]) == 0.0


def test_interleaved_alternates_ours_and_theirs() -> None:
    calls: list[str] = []
    ours, last_ours, theirs, last_theirs = interleaved(lambda: calls.append("o") or 1,
                                                       lambda: calls.append("t") or 2, 3)
    assert calls == ["o", "t", "o", "t", "o", "t"]
    assert (len(ours), len(theirs), last_ours, last_theirs) == (3, 3, 1, 2)


def test_a_grade_splits_into_parts_that_add_up_to_its_total() -> None:
    run = GradeRun(2.0, {"build": 0.6, "runtime": 0.5, "save": 0.2, "inspect": 0.1, "cleanup": 0.1}, "pass")
    assert run.build == 0.6 and run.runtime == 0.5
    assert run.engine_other == pytest.approx(0.4)
    assert run.overhead == pytest.approx(0.5)
    assert run.build + run.runtime + run.engine_other + run.overhead == pytest.approx(run.total)


def test_a_script_run_counts_as_runtime_and_overhead_is_never_negative() -> None:
    run = GradeRun(1.0, {"script": 0.7, "build": 0.5}, "fail")
    assert run.runtime == 0.7
    assert run.overhead == 0.0


def test_split_takes_the_median_of_each_part_and_keeps_every_status() -> None:
    runs = [GradeRun(t, {"build": t / 2}, s) for t, s in ((1.0, "pass"), (3.0, "fail"), (2.0, "pass"))]
    split = Split.of(runs)
    assert (split.runs, split.total, split.build) == (3, 2.0, 1.0)
    assert split.statuses == ("fail", "pass")


def test_targets_are_met_within_their_limits() -> None:
    found = {t.name: t for t in report.targets(_results())}
    assert all(t.met for t in found.values()), [t for t in found.values() if not t.met]
    assert found["warm re-grade of lab 08 go ÷ bare docker build + run"].figure == pytest.approx(1.5)
    assert found["wasted bytes ÷ dive (slowest of lab 02's images)"].figure == pytest.approx(0.5)
    assert found["wasted bytes: largest difference from dive (fraction)"].figure == 0.0


@pytest.mark.parametrize(("change", "target"), [
    ({"overhead": 0.7}, "warm re-grade of lab 08 go: checker overhead (s)"),
    ({"warm": 2.5}, "warm re-grade of lab 08 go ÷ bare docker build + run"),
    ({"scratch": 1.2}, "lab 08 scratch image ÷ its payload"),
    ({"dive_ours": 0.5}, "wasted bytes ÷ dive (slowest of lab 02's images)"),
])
def test_a_figure_past_its_limit_is_a_missed_target(change: dict[str, float], target: str) -> None:
    found = {t.name: t for t in report.targets(_results(**change))}
    assert found[target].met is False


def test_a_target_without_its_measurement_is_not_measured_rather_than_met() -> None:
    results = _results()
    results.latency, results.bare = [], None
    found = {t.name: t for t in report.targets(results)}
    assert found["warm re-grade of lab 08 go: checker overhead (s)"].met is None


def test_the_table_names_machine_engine_date_and_load_and_shows_skips_and_ratios() -> None:
    text = report.to_markdown(_results())
    first = text.splitlines()[0]
    facts = ("2026-01-02 03:04 UTC", "Debian GNU/Linux 12", "2 × Test CPU", "20.10.24", "1.50, 1.25, 1.00")
    for fact in facts:
        assert fact in first
    assert "| 08-multi-stage | cache-mounts | cold | skipped: needs BuildKit |" in text
    assert "| 08-multi-stage | go | warm re-grade | 1.50 | 0.70 | 0.40 | 0.10 | 0.30 | pass |" in text
    assert "| hadolint | Dockerfile | 0.001 | 0.050 | 0.02× | agree: 28 of 28 agree |" in text
    assert "| scratch | 4.9 | 4.760 | 1.02× |" in text
    assert "full test suite: not recorded" in text


def test_results_json_has_every_section_and_positive_ratios(tmp_path: Path) -> None:
    json_path, md_path = report.write(_results(), tmp_path)
    data = json.loads(json_path.read_text())
    assert data["version"] == report.FORMAT_VERSION
    assert {"date", "machine", "engine", "latency", "bare", "peers", "floor", "site", "suite",
            "targets"} <= set(data)
    assert data["latency"][0]["warm"]["overhead"] == 0.3
    assert all(p["ratio"] > 0 for p in data["peers"])
    assert md_path.read_text().startswith("Measured 2026-01-02")


def test_suite_time_is_read_from_junit_xml_and_never_invented(tmp_path: Path) -> None:
    assert site.suite_time(tmp_path / "absent.xml").seconds is None
    xml = tmp_path / "suite.xml"
    xml.write_text('<testsuites><testsuite name="pytest" errors="0" failures="1" tests="412" '
                   'time="1234.5" timestamp="2026-01-02T03:04:05"/></testsuites>')
    found = site.suite_time(xml)
    assert (found.seconds, found.tests, found.failures, found.recorded) == (1234.5, 412, 1,
                                                                          "2026-01-02T03:04:05")


def test_the_edit_goes_into_a_source_file_that_is_not_a_test(tmp_path: Path) -> None:
    for name in ("greeting_test.go", "main.go", "go.mod"):
        (tmp_path / name).write_text("package main\n")
    chosen = latency.source_file(tmp_path)
    assert chosen == tmp_path / "main.go"
    latency.append_comment(chosen)
    lines = chosen.read_text().splitlines()
    assert lines[0] == "package main" and lines[-1].startswith("// edited by the benchmark: ")


def test_payload_counts_files_that_copy_layers_above_the_base_brought_in() -> None:
    files = FileIndex(layer_origins=["ADD rootfs.tar / # base", "RUN adduser app", "COPY /out/app /app"])
    files.files = {
        "bin/busybox": FileEntry("bin/busybox", 900_000, 0o755, "file", 0),
        "etc/passwd": FileEntry("etc/passwd", 500, 0o644, "file", 1),
        "app": FileEntry("app", 4_000_000, 0o755, "file", 2),
        "usr/local": FileEntry("usr/local", 0, 0o755, "dir", 2),
    }
    size, count, largest = payload(files, base_layers=1)
    assert (size, count) == (4_000_000, 1)
    assert largest.startswith("/app ")


def test_a_cold_dockerfile_declares_a_unique_arg_in_every_stage() -> None:
    text = "FROM golang AS builder\nRUN go build\n\nfrom alpine\nCOPY --from=builder /a /a\n"
    cold = latency.cold_dockerfile(text, "abc123")
    assert cold.splitlines() == ["FROM golang AS builder", "ARG LBL_BENCH_COLD=abc123", "RUN go build", "",
                                 "from alpine", "ARG LBL_BENCH_COLD=abc123", "COPY --from=builder /a /a"]
