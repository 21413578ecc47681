"""Lab 01 on the real engine: the solution passes everything, the starter fails exactly
the goals the exercise teaches, and grading leaves nothing of its run behind."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.grading import grade

from checks import lab
from checks.engine import Engine
from checks.report import ExerciseReport

LAB = lab.find("01")
# What each starter exists to teach: exactly these goals fail on it, and no others.
TEACHING_GOALS = {
    "first-image": {"greets", "exec-form", "title"},
}


def _grade(engine: Engine, dockerfile: Path, exercise: str = "first-image") -> ExerciseReport:
    return grade(engine, LAB, exercise, dockerfile)


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
    assert solution.score == solution.max_score
    starter = _grade(builder_engine, exercise.starter, name)
    assert {g.id for g in starter.goals if g.status == "fail"} == TEACHING_GOALS[name]


def test_the_starter_runs_but_packages_nothing(engine: Engine) -> None:
    report = _grade(engine, LAB.exercise("first-image").starter)
    greets = next(g for g in report.goals if g.id == "greets")
    assert greets.measured["exit_code"] == 0, "the placeholder CMD runs and exits cleanly"
    assert "nothing packaged yet" in greets.message


def test_a_greeting_printed_with_a_failing_exit_code_fails(engine: Engine, tmp_path: Path) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(
        "FROM alpine:3.20\nCOPY greet.sh /greet.sh\n"
        'LABEL org.opencontainers.image.title="greet"\nCMD ["sh", "-c", "sh /greet.sh; exit 3"]\n'
    )
    report = _grade(engine, dockerfile)
    greets = next(g for g in report.goals if g.id == "greets")
    assert greets.status == "fail" and greets.message == "expected exit code 0, got exit code 3"


def test_grading_leaves_nothing_of_its_run_behind(engine: Engine) -> None:
    _grade(engine, LAB.exercise("first-image").solution)
    _grade(engine, LAB.exercise("first-image").starter)
    engine.cleanup()
    selector = {"label": f"org.layerbylayer.run={engine.run_id}"}
    client = engine.client
    assert client.containers.list(all=True, filters=selector) == []
    assert client.networks.list(filters=selector) == []
    assert client.volumes.list(filters=selector) == []
    assert client.images.list(filters=selector) == []
