"""The benchmark end to end on the real engine: the quick run for lab 08 go writes
results.json with every section filled, and every ratio is a positive number."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import ROOT


def test_quick_bench_of_lab08_go_writes_results_with_positive_ratios(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "checks.bench", "--quick", "--runs", "1", "--out",
                           str(tmp_path), "--skip", "site"],
                          cwd=ROOT, capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    data = json.loads((tmp_path / "results.json").read_text())
    assert data["quick"] is True and data["runs"] == 1 and data["errors"] == []
    [go] = data["latency"]
    assert (go["lab"], go["exercise"], go["edited"]) == ("08-multi-stage", "go", "greeting.go")
    for situation in ("cold", "warm", "edit"):
        split = go[situation]
        assert split["statuses"] == ["pass"], situation
        parts = split["build"] + split["runtime"] + split["engine_other"] + split["overhead"]
        assert abs(parts - split["total"]) < 0.05, situation
    # A cold grade reuses no build step, so it builds for longer than a warm re-grade.
    assert go["cold"]["build"] > go["warm"]["build"]
    assert data["bare"]["total"] > 0
    assert {p["peer"] for p in data["peers"]} == {"hadolint", "container-structure-test", "dive"}
    ratios = [p["ratio"] for p in data["peers"]] + [f["ratio"] for f in data["floor"]]
    assert ratios and all(isinstance(r, float) and r > 0 for r in ratios)
    assert all(p["agree"] for p in data["peers"] if p["peer"] == "dive")
    assert {f["exercise"] for f in data["floor"]} >= {"go", "scratch", "java", "python", "node"}
    assert len(data["targets"]) == 7
    assert (tmp_path / "results.md").read_text().startswith("Measured ")
