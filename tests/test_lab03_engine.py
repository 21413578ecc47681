"""Lab 03 on the real engine: the solution passes everything, the starter fails exactly the
goals it teaches, the grader's planted files and the student's .dockerignore reach the build,
and nothing is written into app/ or left on the engine."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support.grading import grade

from checks import lab
from checks.engine import Engine
from checks.report import ExerciseReport

LAB = lab.find("03")
WEBAPP = LAB.exercise("webapp")
# What each starter exists to teach: exactly these goals fail on it, and no others.
TEACHING_GOALS = {
    "webapp": {"workdir", "exec-form", "dependency-cached", "dockerignore", "expose"},
}


def _grade(engine: Engine, dockerfile: Path, exercise: str = "webapp") -> ExerciseReport:
    return grade(engine, LAB, exercise, dockerfile)


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_every_exercise_states_what_its_starter_teaches() -> None:
    assert set(TEACHING_GOALS) == {e.name for e in LAB.exercises}


@pytest.mark.parametrize("name", sorted(TEACHING_GOALS))
def test_solution_passes_and_starter_fails_what_it_teaches(engine: Engine, name: str) -> None:
    exercise = LAB.exercise(name)
    solution = _grade(engine, exercise.solution, name)
    assert [(g.id, g.message) for g in solution.goals if g.status != "pass"] == []
    starter = _grade(engine, exercise.starter, name)
    assert {g.id for g in starter.goals if g.status == "fail"} == TEACHING_GOALS[name]


def test_starter_ships_every_planted_file_and_says_which_line(engine: Engine) -> None:
    report = _grade(engine, WEBAPP.starter)
    kept_out = next(g for g in report.goals if g.id == "dockerignore")
    for planted in ("/app/.git", "/app/secrets.env", "/app/tests/test_greeting.py"):
        assert planted in kept_out.message
    assert all("COPY . /app" in note for note in kept_out.notes)


def test_the_dockerignore_beside_the_dockerfile_is_the_one_used(engine: Engine, tmp_path: Path) -> None:
    # The solution's Dockerfile alone, without its .dockerignore: COPY . . takes everything.
    shutil.copyfile(WEBAPP.solution, tmp_path / "Dockerfile")
    report = _grade(engine, tmp_path / "Dockerfile")
    failing = {g.id: g.message for g in report.goals if g.status == "fail"}
    assert set(failing) == {"dockerignore"}
    assert "secrets.env" in failing["dockerignore"] and ".git" in failing["dockerignore"]


def test_solution_keeps_the_planted_files_out_with_the_legacy_builder_too(engine: Engine) -> None:
    # docker-py reads .dockerignore with its own matcher, not the CLI's: both must agree.
    engine.builder_preference = "legacy"
    report = _grade(engine, WEBAPP.solution)
    assert [(g.id, g.message) for g in report.goals if g.status != "pass"] == []


def test_grading_writes_nothing_into_app_and_leaves_nothing_behind(engine: Engine) -> None:
    before = _tree(WEBAPP.context)
    _grade(engine, WEBAPP.starter)
    assert _tree(WEBAPP.context) == before
    assert not (WEBAPP.context / "secrets.env").exists() and not (WEBAPP.context / ".git").exists()
    engine.cleanup()
    api = engine.client.api
    selector = {"label": f"org.layerbylayer.run={engine.run_id}"}
    assert api.containers(all=True, filters=selector) == []
    assert api.networks(filters=selector) == []
    assert (api.volumes(filters=selector).get("Volumes") or []) == []
    assert api.images(filters=selector) == []
