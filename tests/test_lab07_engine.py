"""Lab 07 on the real engine: the solution's compose.yaml passes every goal, the starter fails
exactly the goals it teaches, a broken file stops grading with its line, and a graded run
leaves no container, network or volume of its project behind."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from support.grading import grade

from checks import lab
from checks.engine import Engine
from checks.errors import CheckError
from checks.report import ExerciseReport

LAB = lab.find("07")
TEACHING_GOALS = {
    "stack": {"healthcheck", "waits-healthy", "named-volume", "no-plain-secret"},
}


def _grade(engine: Engine, name: str, path: Path) -> ExerciseReport:
    return grade(engine, LAB, name, path)


@pytest.fixture(scope="module")
def graded() -> Iterator[tuple[Engine, dict[tuple[str, str], ExerciseReport]]]:
    engine = Engine()
    engine.version()
    try:
        reports = {(n, w): _grade(engine, n, getattr(LAB.exercise(n), w))
                   for n in TEACHING_GOALS for w in ("solution", "starter")}
        yield engine, reports
    finally:
        engine.cleanup()


def test_every_exercise_states_what_its_starter_teaches() -> None:
    assert set(TEACHING_GOALS) == {e.name for e in LAB.exercises}


@pytest.mark.parametrize("name", sorted(TEACHING_GOALS))
def test_solution_passes_every_goal(graded: tuple[Engine, dict], name: str) -> None:
    report = graded[1][(name, "solution")]
    assert [(g.id, g.message) for g in report.goals if g.status != "pass"] == []
    assert report.score == report.max_score


@pytest.mark.parametrize("name", sorted(TEACHING_GOALS))
def test_starter_fails_exactly_what_it_teaches(graded: tuple[Engine, dict], name: str) -> None:
    report = graded[1][(name, "starter")]
    assert {g.id for g in report.goals if g.status == "fail"} == TEACHING_GOALS[name]


def test_report_names_the_compose_that_ran(graded: tuple[Engine, dict]) -> None:
    engine, reports = graded
    assert reports[("stack", "solution")].builder == " ".join(engine.compose_command())
    assert reports[("stack", "solution")].builder in {"docker compose", "docker-compose"}


def test_starter_failures_say_what_was_found(graded: tuple[Engine, dict]) -> None:
    goals = {g.id: g for g in graded[1][("stack", "starter")].goals}
    assert "web.environment.API_TOKEN" in goals["no-plain-secret"].message
    assert "condition: service_started" in goals["waits-healthy"].message
    assert "nothing mounted there" in goals["named-volume"].message


def test_solution_volume_is_the_projects_own(graded: tuple[Engine, dict]) -> None:
    engine, reports = graded
    volume = next(g for g in reports[("stack", "solution")].goals if g.id == "named-volume")
    assert volume.measured["volume"] == f"{engine.prefix}_redis-data"


def test_grading_leaves_nothing_of_its_project_behind(graded: tuple[Engine, dict]) -> None:
    engine = graded[0]
    engine.cleanup()
    assert engine.named_objects().describe() == []


def test_a_yaml_syntax_error_stops_grading_at_its_line(engine: Engine, tmp_path: Path) -> None:
    broken = tmp_path / "compose.yaml"
    broken.write_text("services:\n  web:\n    image: python:3.11-slim\n   ports: [1]\n")
    with pytest.raises(CheckError) as caught:
        _grade(engine, "stack", broken)
    assert caught.value.line == 4 and "not valid YAML" in caught.value.message
