"""The student loop on the real engine: --hint, --diff and --watch as a student runs them."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import ROOT, run_cli

from checks import lab

LAB = lab.find("08")


@pytest.fixture
def state(tmp_path: Path) -> dict[str, str]:
    return {"LAYERBYLAYER_STATE_DIR": str(tmp_path / "state")}


def test_hints_progress_from_nudge_to_solution_and_are_reported(
    tmp_path: Path, state: dict[str, str]
) -> None:
    outputs = []
    for _ in range(4):
        result = run_cli(
            "grade", "08", "go", "--hint", "--quiet", "--json", str(tmp_path / "r.json"), env=state
        )
        assert result.code == 1, result.output
        outputs.append(result.output)
    assert "hint 1 of 3 for Two stages, one named builder" in outputs[0]
    assert "hint 2 of 3" in outputs[1] and "FROM golang:1.22-alpine AS builder at the top" in outputs[1]
    assert "hint 3 of 3" in outputs[2] and "lines of the reference solution" in outputs[2]
    assert "hint 3 of 3" in outputs[3], "the last level repeats once reached"
    assert json.loads((tmp_path / "r.json").read_text())["hints_used"] == 4


def test_progress_survives_in_the_state_dir(state: dict[str, str]) -> None:
    run_cli("grade", "08", "scratch", "--quiet", env=state)
    table = run_cli("progress", env=state)
    assert table.code == 0
    assert "08-multi-stage" in table.output and "0 of" in table.output


def test_diff_waits_for_a_pass_then_shows_both_files(tmp_path: Path) -> None:
    exercise = LAB.exercise("scratch")
    early = run_cli("grade", "08", "scratch", "--diff", "--quiet")
    assert "shows the solution once every goal passes" in early.output
    mine = tmp_path / "Dockerfile"
    shutil.copy(exercise.solution, mine)
    done = run_cli("grade", "08", "scratch", "--dockerfile", str(mine), "--diff", "--quiet")
    assert done.code == 0
    assert "yours:" in done.output and "solution:" in done.output


def test_watch_regrades_on_a_change_and_stops_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    mine = tmp_path / "Dockerfile"
    shutil.copy(LAB.exercise("scratch").solution, mine)
    env = {**os.environ, "COLUMNS": "200", "TERM": "dumb"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "checks",
            "grade",
            "08",
            "scratch",
            "--dockerfile",
            str(mine),
            "--watch",
            "--quiet",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(proc.stdout.readline, "")), daemon=True)
    reader.start()

    def wait_for(count: int, text: str, within: float = 120) -> None:
        deadline = time.monotonic() + within
        while sum(text in line for line in lines) < count:
            assert time.monotonic() < deadline, "".join(lines)
            time.sleep(0.2)

    try:
        wait_for(1, "watching for changes")
        time.sleep(1)
        with mine.open("a") as handle:
            handle.write("# an edit\n")
        wait_for(2, "watching for changes")
    finally:
        proc.send_signal(signal.SIGINT)
        code = proc.wait(timeout=60)
        reader.join(timeout=10)
    output = "".join(lines)
    assert "changed: Dockerfile" in output
    assert output.count("PASS 9/9 points") == 2
    assert code == 130 and "Traceback" not in output
