"""Lab 13 on the real engine: every solution passes everything, every starter fails
exactly the goals its exercise teaches, and the networks, volumes and containers the new
goal kinds create are gone afterwards."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.grading import goal_result, grade

from checks import lab
from checks.engine import Engine
from checks.report import ExerciseReport

LAB = lab.find("13")
# What each starter exists to teach: exactly these goals fail on it, and no others. A
# crash loop cannot answer HTTP either, and neither can a binary that cannot start.
TEACHING_GOALS = {
    "scratch-loader": {"loadable", "serves"},
    "volume-owner": {"counts"},
    "localhost": {"serves-outside"},
    "crash-loop": {"stays-up", "serves"},
    "cache-bust": {"compile-cached"},
}


def _grade(engine: Engine, name: str, dockerfile: Path) -> ExerciseReport:
    return grade(engine, LAB, name, dockerfile)



def _helpers_left(engine: Engine) -> list[str]:
    """The networks and volumes of this run: the new goals create them, and remove them
    before they return."""
    api = engine.client.api
    selector = {"label": f"org.layerbylayer.run={engine.run_id}"}
    return [n["Name"] for n in api.networks(filters=selector)] + [
        v["Name"] for v in api.volumes(filters=selector).get("Volumes") or []
    ]


def test_every_exercise_states_what_its_starter_teaches() -> None:
    # The optional podman exercise needs Podman as well: tests/test_lab13_podman.py.
    assert set(TEACHING_GOALS) | {"podman"} == {e.name for e in LAB.exercises}


@pytest.mark.parametrize("name", sorted(TEACHING_GOALS))
def test_solution_passes_and_starter_fails_what_it_teaches(engine: Engine, name: str) -> None:
    exercise = LAB.exercise(name)
    solution = _grade(engine, name, exercise.solution)
    assert [(g.id, g.message) for g in solution.goals if g.status != "pass"] == []
    starter = _grade(engine, name, exercise.starter)
    assert {g.id for g in starter.goals if g.status == "fail"} == TEACHING_GOALS[name]
    assert _helpers_left(engine) == [], "a goal left its network or volume behind"


def test_scratch_loader_names_the_missing_loader(engine: Engine) -> None:
    report = _grade(engine, "scratch-loader", LAB.exercise("scratch-loader").starter)
    loadable = goal_result(report, "loadable")
    assert "ld-" in loadable.measured["interpreter"] and "no such file" in loadable.message
    assert any("no such file or directory" in n for n in goal_result(report, "serves").notes)


def test_localhost_starter_answers_inside_and_shows_its_socket(engine: Engine) -> None:
    report = _grade(engine, "localhost", LAB.exercise("localhost").starter)
    assert goal_result(report, "serves-inside").status == "pass"
    outside = goal_result(report, "serves-outside")
    assert "refused" in outside.message
    assert any("127.0.0.1:8080" in n for n in outside.notes)


def test_crash_loop_counts_restarts_and_shows_the_logs(engine: Engine) -> None:
    report = _grade(engine, "crash-loop", LAB.exercise("crash-loop").starter)
    stays = goal_result(report, "stays-up")
    assert stays.measured["restarts"] >= 1 and "exit code 1" in stays.message
    assert any("APP_ENV is not set" in n for n in stays.notes)


def test_volume_owner_shows_the_uid_and_the_owner(engine: Engine) -> None:
    report = _grade(engine, "volume-owner", LAB.exercise("volume-owner").starter)
    notes = "\n".join(goal_result(report, "counts").notes)
    assert "Permission denied" in notes and "uid=10001" in notes and " 0        0 " in notes


def test_a_world_writable_fix_is_refused(engine: Engine, tmp_path: Path) -> None:
    exercise = LAB.exercise("volume-owner")
    lax = tmp_path / "Dockerfile"
    fixed_with_chmod = "RUN mkdir -p /data && chmod 777 /data"
    lax.write_text(exercise.starter.read_text().replace("RUN mkdir -p /data", fixed_with_chmod))
    report = _grade(engine, "volume-owner", lax)
    assert {g.id for g in report.goals if g.status == "fail"} == {"not-world-writable"}


def test_grading_leaves_nothing_of_its_run_behind(engine: Engine) -> None:
    for name in ("localhost", "volume-owner", "crash-loop"):
        _grade(engine, name, LAB.exercise(name).starter)
    engine.cleanup()
    api = engine.client.api
    selector = {"label": f"org.layerbylayer.run={engine.run_id}"}
    assert _helpers_left(engine) == []
    assert api.containers(all=True, filters=selector) == []
    assert api.images(filters=selector) == []
