"""Lab 04 on the real engine: the solution passes everything, the starter fails exactly the
goals its exercise teaches, and the states the checker saw are reported to the student."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.grading import goal_result, grade, grade_both

from checks import lab
from checks.engine import Engine
from checks.report import ExerciseReport

LAB = lab.find("04")
SERVER = LAB.exercise("server")
# What each starter exists to teach: exactly these goals fail on it, and no others.
TEACHING_GOALS = {
    "server": {"stops", "healthcheck", "healthy"},
}


def _grade(engine: Engine, dockerfile: Path, exercise: str = "server") -> ExerciseReport:
    return grade(engine, LAB, exercise, dockerfile)



@pytest.fixture(scope="module")
def graded() -> Iterator[dict[tuple[str, str], ExerciseReport]]:
    """Every exercise's solution and starter, graded once for the whole module."""
    engine = Engine()
    engine.version()
    try:
        yield grade_both(engine, LAB, TEACHING_GOALS)
    finally:
        engine.cleanup()


def test_every_exercise_states_what_its_starter_teaches() -> None:
    assert set(TEACHING_GOALS) == {e.name for e in LAB.exercises}


@pytest.mark.parametrize("name", sorted(TEACHING_GOALS))
def test_solution_passes_and_starter_fails_what_it_teaches(graded: dict, name: str) -> None:
    solution = graded[(name, "solution")]
    assert [(g.id, g.message) for g in solution.goals if g.status != "pass"] == []
    starter = graded[(name, "starter")]
    assert {g.id for g in starter.goals if g.status == "fail"} == TEACHING_GOALS[name]


def test_solution_is_seen_created_running_healthy_and_exited(graded: dict) -> None:
    stops = goal_result(graded[("server", "solution")], "stops")
    states = stops.measured["states"]
    seen = r"created 0\.0 s → running [\d.]+ s → healthy [\d.]+ s → exited \(0\) [\d.]+ s"
    assert re.fullmatch(seen, states), states
    assert stops.measured["stop_s"] < 2 and stops.measured["exit_code"] == 0
    assert goal_result(graded[("server", "solution")], "healthy").measured["healthy_s"] <= 10


def test_shell_form_starter_waits_out_the_grace_period_and_is_killed(graded: dict) -> None:
    stops = goal_result(graded[("server", "starter")], "stops")
    assert stops.measured["stop_s"] >= 9.5, "docker stop waited for the kill"
    assert stops.measured["exit_code"] == 137
    assert "SIGKILL" in stops.message
    assert any(n.startswith("states seen: created") and "exited (137)" in n for n in stops.notes)


def test_a_healthcheck_at_the_default_interval_comes_too_late(engine: Engine, tmp_path: Path) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(
        "FROM python:3.11-slim\nWORKDIR /app\nCOPY server.py probe.py ./\n"
        'HEALTHCHECK CMD ["python", "-B", "/app/probe.py"]\nCMD ["python", "server.py"]\n'
    )
    report = _grade(engine, dockerfile)
    assert {g.id for g in report.goals if g.status == "fail"} == {"healthy"}
    assert "expected healthy within 10 s, got starting after 10 s" in goal_result(report, "healthy").message


def test_grading_leaves_nothing_of_its_run_behind(engine: Engine) -> None:
    _grade(engine, SERVER.solution)
    selector = {"label": f"org.layerbylayer.run={engine.run_id}"}
    client = engine.client
    # The lifecycle run removes its own container (and the probe's) before cleanup is asked.
    assert client.containers.list(all=True, filters=selector) == []
    engine.cleanup()
    assert client.images.list(filters=selector) == []
    assert client.volumes.list(filters=selector) == []
