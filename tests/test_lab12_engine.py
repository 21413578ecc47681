"""Lab 12 on the real engine: every solution passes everything, every starter fails exactly
the goals its exercise teaches, and the production goals catch what each one is for."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.grading import grade

from checks import lab
from checks.engine import Engine
from checks.report import ExerciseReport

LAB = lab.find("12")
# What each starter exists to teach: exactly these goals fail on it, and no others.
TEACHING_GOALS = {
    "image": {"labels", "healthcheck", "pinned"},
    "runtime": {"init", "graceful", "logs", "memory"},
}


def _grade(engine: Engine, dockerfile: Path, exercise: str, only: tuple[str, ...] = ()) -> ExerciseReport:
    """Grade against the exercise's goals, or just the ``only`` ones (runtime goals take seconds)."""
    goals = [g for g in LAB.rubric()[exercise] if not only or g.id in only]
    return grade(engine, LAB, exercise, dockerfile, goals)


def _failed(report: ExerciseReport) -> set[str]:
    return {g.id for g in report.goals if g.status == "fail"}


def _variant(tmp_path: Path, exercise: str, old: str, new: str) -> Path:
    """The solution with one line changed: a student's half-way Dockerfile."""
    text = LAB.exercise(exercise).solution.read_text()
    assert old in text
    path = tmp_path / "Dockerfile"
    path.write_text(text.replace(old, new))
    return path


def test_every_exercise_states_what_its_starter_teaches() -> None:
    assert set(TEACHING_GOALS) == {e.name for e in LAB.exercises}


@pytest.mark.parametrize("name", sorted(TEACHING_GOALS))
def test_solution_passes_and_starter_fails_what_it_teaches(engine: Engine, name: str) -> None:
    exercise = LAB.exercise(name)
    solution = _grade(engine, exercise.solution, name)
    assert [(g.id, g.message) for g in solution.goals if g.status != "pass"] == []
    starter = _grade(engine, exercise.starter, name)
    assert _failed(starter) == TEACHING_GOALS[name]


def test_python_as_pid_1_leaves_zombies_but_stops_gracefully(engine: Engine, tmp_path: Path) -> None:
    # Exec form without tini: the server gets SIGTERM itself, but never reaps orphans.
    dockerfile = _variant(tmp_path, "runtime", 'ENTRYPOINT ["/usr/bin/tini", "--"]\n', "")
    report = _grade(engine, dockerfile, "runtime", only=("init", "graceful"))
    assert _failed(report) == {"init"}
    init = next(g for g in report.goals if g.id == "init")
    assert init.measured["zombies"] == 5 and init.measured["pid1"] == "python"


def test_a_health_check_with_a_missing_tool_reports_unhealthy(engine: Engine, tmp_path: Path) -> None:
    dockerfile = _variant(tmp_path, "image", 'CMD ["python", "/app/server.py", "--check"]',
                          'CMD ["curl", "-f", "http://127.0.0.1:8080/healthz"]')
    report = _grade(engine, dockerfile, "image", only=("healthcheck",))
    health = next(g for g in report.goals if g.id == "healthcheck")
    assert health.status == "fail" and health.measured["status"] == "unhealthy"
    assert "curl" in health.notes[0]


def test_a_safe_cache_size_passes_the_memory_goal(engine: Engine, tmp_path: Path) -> None:
    dockerfile = _variant(tmp_path, "runtime", "EXPOSE 8080\n", "ENV CACHE_MB=8\nEXPOSE 8080\n")
    report = _grade(engine, dockerfile, "runtime", only=("memory",))
    memory = next(g for g in report.goals if g.id == "memory")
    assert memory.status == "pass" and memory.measured["oom_killed"] is False


def test_grading_leaves_nothing_of_its_run_behind(engine: Engine) -> None:
    # The logs goal's container and its probe: a running app, an exec, a stopped probe.
    _grade(engine, LAB.exercise("runtime").starter, "runtime", only=("logs",))
    engine.cleanup()
    selector = {"label": f"org.layerbylayer.run={engine.run_id}"}
    client = engine.client
    assert client.containers.list(all=True, filters=selector) == []
    assert client.networks.list(filters=selector) == []
    assert client.volumes.list(filters=selector) == []
    assert client.images.list(filters=selector) == []
