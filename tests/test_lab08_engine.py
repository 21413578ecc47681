"""Lab 08 on the real engine: every solution passes everything, and every starter fails
exactly the goals its exercise teaches. Both builders this machine offers are used."""

from __future__ import annotations

import json
from pathlib import Path

import docker.errors
import pytest
from support.grading import grade

from checks import images, lab
from checks.engine import Builder, Engine, choose_builder
from checks.report import ExerciseReport, write_json

LAB = lab.find("08")
GO = LAB.exercise("go")
# What each starter exists to teach: exactly these goals fail on it, and no others.
TEACHING_GOALS = {
    "go": {"stages", "no-toolchain", "small", "non-root"},
    "scratch": {"scratch", "no-shell", "binary-sized"},
    "distroless": {"distroless", "nonroot", "no-shell"},
    "cache-order": {"dependency-cached"},
    "cache-mounts": {"mounts", "cache-not-in-layers", "compile-reuses-cache"},
    "target": {"stages", "tester-passes", "tester-catches"},
    "java": {"stages", "no-javac", "small", "non-root"},
    "python": {"stages", "no-compiler", "non-root", "small"},
    "node": {"stages", "no-devdeps", "small", "non-root"},
}


def _grade(engine: Engine, dockerfile: Path, exercise: str = "go") -> ExerciseReport:
    return grade(engine, LAB, exercise, dockerfile)


@pytest.fixture(params=["buildkit", "legacy"])
def builder_engine(request: pytest.FixtureRequest, engine: Engine) -> Engine:
    engine.builder_preference = request.param
    return engine


def test_both_builders_are_available_here() -> None:
    assert choose_builder("auto").kind in {"buildkit", "buildx"}
    assert choose_builder("legacy") == Builder("legacy")


def test_every_exercise_states_what_its_starter_teaches() -> None:
    assert set(TEACHING_GOALS) == {e.name for e in LAB.exercises}


def test_go_solution_passes_every_goal_with_either_builder(builder_engine: Engine) -> None:
    report = _grade(builder_engine, GO.solution)
    assert [(g.id, g.status, g.message) for g in report.goals if g.status != "pass"] == []
    assert report.status == "pass" and report.score == report.max_score
    assert report.measured["image_mb"] < 25
    assert report.builder == builder_engine.builder().description


@pytest.mark.parametrize("name", sorted(TEACHING_GOALS))
def test_solution_passes_and_starter_fails_what_it_teaches(engine: Engine, name: str) -> None:
    exercise = LAB.exercise(name)
    solution = _grade(engine, exercise.solution, name)
    assert [(g.id, g.message) for g in solution.goals if g.status != "pass"] == []
    starter = _grade(engine, exercise.starter, name)
    assert {g.id for g in starter.goals if g.status == "fail"} == TEACHING_GOALS[name]


def test_go_starter_ships_the_toolchain_and_says_where_from(engine: Engine) -> None:
    report = _grade(engine, GO.starter)
    assert report.measured["image_mb"] > 100, "the single-stage image ships the toolchain"
    toolchain = next(g for g in report.goals if g.id == "no-toolchain")
    assert "/bin/go" in toolchain.message and "golang:1.22-alpine" in toolchain.notes[0]


def test_scratch_solution_is_within_a_tenth_of_its_binary(engine: Engine) -> None:
    report = _grade(engine, LAB.exercise("scratch").solution, "scratch")
    sized = next(g for g in report.goals if g.id == "binary-sized")
    assert sized.measured["size_mb"] <= 1.1 * sized.measured["binary_mb"]


def test_grading_leaves_nothing_of_its_run_behind(engine: Engine) -> None:
    _grade(engine, GO.solution)
    engine.cleanup()
    selector = {"label": f"org.layerbylayer.run={engine.run_id}"}
    client = engine.client
    assert client.containers.list(all=True, filters=selector) == []
    assert client.images.list(filters=selector) == []


def test_report_says_which_stand_ins_were_measured(engine: Engine, tmp_path: Path) -> None:
    report = _grade(engine, GO.solution)
    write_json([report], tmp_path / "r.json")
    data = json.loads((tmp_path / "r.json").read_text())
    statuses = [images.status(engine, ref) for ref in LAB.images]
    assert data["standins"] == [s.describe() for s in statuses if s and s.standin]


def test_no_image_with_our_labels_outlives_its_run(builder_engine: Engine) -> None:
    _grade(builder_engine, GO.solution)
    builder_engine.cleanup()
    client = builder_engine.client
    # Another grader may be running on this engine: its images carry their own run id, and
    # its labelled intermediates still have children. Only ours, or orphans, would show here.
    assert client.images.list(filters={"label": f"org.layerbylayer.run={builder_engine.run_id}"}) == []
    orphans = {"label": "org.layerbylayer.managed=true", "dangling": True}
    assert client.images.list(filters=orphans) == []


def test_cache_order_reads_the_same_from_the_legacy_builder(engine: Engine) -> None:
    engine.builder_preference = "legacy"
    exercise = LAB.exercise("cache-order")
    solution = _grade(engine, exercise.solution, "cache-order")
    starter = _grade(engine, exercise.starter, "cache-order")
    assert next(g for g in solution.goals if g.id == "dependency-cached").status == "pass"
    verdict = next(g for g in starter.goals if g.id == "dependency-cached")
    assert verdict.status == "fail" and "COPY . ." in verdict.measured["re_ran"][0]


def test_one_off_legacy_build_steps_are_removed_at_cleanup(engine: Engine) -> None:
    engine.builder_preference = "legacy"
    exercise = LAB.exercise("cache-order")
    _grade(engine, exercise.solution, "cache-order")
    one_off = list(engine._disposable)
    assert one_off, "the edited rebuild created intermediate images"
    engine.cleanup()
    for image_id in one_off:
        with pytest.raises(docker.errors.ImageNotFound):
            engine.client.api.inspect_image(image_id)


def test_exercises_sharing_an_app_never_share_an_edit(engine: Engine) -> None:
    # cache-order's edited rebuild must not put cache-mounts' control build in the cache:
    # in one run, both edit greeting.go of the same app.
    _grade(engine, LAB.exercise("cache-order").solution, "cache-order")
    report = _grade(engine, LAB.exercise("cache-mounts").solution, "cache-mounts")
    reuse = next(g for g in report.goals if g.id == "compile-reuses-cache")
    assert reuse.status == "pass", reuse.message
    assert reuse.measured["without_cache_s"] > reuse.measured["with_cache_s"]
