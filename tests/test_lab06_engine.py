"""Lab 06 on the real engine: the solution's run script passes every goal, the starter fails
exactly the goals it teaches, and a graded run leaves nothing behind, by name or by label."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from support.grading import grade

from checks import lab
from checks.engine import Engine
from checks.report import ExerciseReport

LAB = lab.find("06")
# What each starter exists to teach: exactly these goals fail on it, and no others.
TEACHING_GOALS = {
    "api-db": {"by-name", "api-uses-db", "db-private", "down"},
}


def _grade(engine: Engine, name: str, which: str) -> ExerciseReport:
    exercise = LAB.exercise(name)
    return grade(engine, LAB, name, exercise.solution if which == "solution" else exercise.starter)


@pytest.fixture(scope="module")
def graded() -> Iterator[tuple[Engine, dict[tuple[str, str], ExerciseReport]]]:
    """Every exercise's solution and starter, graded once on one engine run."""
    engine = Engine()
    engine.version()
    try:
        yield engine, {(n, w): _grade(engine, n, w) for n in TEACHING_GOALS for w in ("solution", "starter")}
    finally:
        engine.cleanup()


def test_every_exercise_states_what_its_starter_teaches() -> None:
    assert set(TEACHING_GOALS) == {e.name for e in LAB.exercises}
    assert all(e.kind == "script" for e in LAB.exercises)


@pytest.mark.parametrize("name", sorted(TEACHING_GOALS))
def test_solution_passes_every_goal(graded: tuple[Engine, dict], name: str) -> None:
    report = graded[1][(name, "solution")]
    assert [(g.id, g.message) for g in report.goals if g.status != "pass"] == []
    assert report.score == report.max_score and report.builder == "bash"


@pytest.mark.parametrize("name", sorted(TEACHING_GOALS))
def test_starter_fails_exactly_what_it_teaches(graded: tuple[Engine, dict], name: str) -> None:
    report = graded[1][(name, "starter")]
    assert {g.id for g in report.goals if g.status == "fail"} == TEACHING_GOALS[name]


def test_starter_failures_say_what_was_found(graded: tuple[Engine, dict]) -> None:
    goals = {g.id: g for g in graded[1][("api-db", "starter")].goals}
    assert "127.0.0.1:" in goals["db-private"].message and "6000/tcp" in goals["db-private"].message
    assert "network" in goals["down"].message  # the network it forgot to remove
    assert "api and db on one user-defined network" in goals["by-name"].message
    assert "HTTP 502" in goals["api-uses-db"].message


def test_the_api_answered_from_a_docker_picked_loopback_port(graded: tuple[Engine, dict]) -> None:
    goals = {g.id: g for g in graded[1][("api-db", "solution")].goals}
    assert goals["answers"].measured["status"] == 200
    assert goals["api-loopback"].measured["published"].startswith("127.0.0.1:")


def test_grading_leaves_nothing_of_its_run_behind(graded: tuple[Engine, dict]) -> None:
    engine = graded[0]
    engine.cleanup()
    assert engine.named_objects().describe() == []
    assert engine.client.images.list(filters={"label": f"org.layerbylayer.run={engine.run_id}"}) == []
