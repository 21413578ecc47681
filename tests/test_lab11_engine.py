"""Lab 11 on the real engine: every solution passes everything, every starter fails exactly
the goals its exercise teaches, the legacy builder refuses to grade, and a run leaves
nothing behind. Every exercise needs BuildKit."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.grading import goal_result, grade

from checks import lab
from checks.engine import Builder, Engine
from checks.errors import NeedsBuildKit
from checks.report import ExerciseReport

LAB = lab.find("11")
# What each starter exists to teach: exactly these goals fail on it, and no others.
TEACHING_GOALS = {
    "secret": {"secret-mount", "no-token"},
    "cache-mounts": {"mounts", "cache-not-in-layers", "compile-reuses-cache"},
    "args": {"default", "declared-late"},
    "skip-stage": {"docs-skipped", "no-docs-shipped"},
    "dockerignore": {"no-clutter", "log-edit-cached"},
}


def _grade(engine: Engine, dockerfile: Path, exercise: str) -> ExerciseReport:
    return grade(engine, LAB, exercise, dockerfile)



def test_every_exercise_states_what_its_starter_teaches() -> None:
    assert set(TEACHING_GOALS) == {e.name for e in LAB.exercises}


@pytest.mark.parametrize("name", sorted(TEACHING_GOALS))
def test_solution_passes_and_starter_fails_what_it_teaches(engine: Engine, name: str) -> None:
    exercise = LAB.exercise(name)
    solution = _grade(engine, exercise.solution, name)
    assert [(g.id, g.message) for g in solution.goals if g.status != "pass"] == []
    assert solution.builder == engine.builder().description != Builder("legacy").description
    starter = _grade(engine, exercise.starter, name)
    assert {g.id for g in starter.goals if g.status == "fail"} == TEACHING_GOALS[name]


@pytest.mark.parametrize("name", sorted(TEACHING_GOALS))
def test_the_legacy_builder_cannot_grade_any_exercise(engine: Engine, name: str) -> None:
    engine.builder_preference = "legacy"
    with pytest.raises(NeedsBuildKit, match="needs BuildKit"):
        _grade(engine, LAB.exercise(name).solution, name)


def test_the_legacy_builder_refuses_a_secret_instead_of_building_without_it(
    engine: Engine, tmp_path: Path
) -> None:
    exercise = LAB.exercise("secret")
    token = tmp_path / "token"
    token.write_text("not-used")
    with pytest.raises(NeedsBuildKit, match="only BuildKit can pass a build secret"):
        engine.build(exercise.context, exercise.solution, f"lbl/11-legacy:{engine.run_id}",
                     builder=Builder("legacy"), secrets={"api_token": token})


def test_each_run_has_its_own_token_and_the_starter_leaks_that_one(engine: Engine) -> None:
    # The starter copies the token into a layer. Were that step a cache hit, the layer would
    # hold an earlier run's token and the search for this run's would pass: two gradings in a
    # row must both find their own.
    exercise = LAB.exercise("secret")
    for _ in range(2):
        report = _grade(engine, exercise.starter, "secret")
        leak = goal_result(report, "no-token")
        assert leak.status == "fail" and leak.measured["layers_holding_it"] == 1
        assert "/root/.config/vendor/token in layer" in leak.message
        assert "lbl-api_token-" not in leak.message


def test_the_secret_solution_builds_no_layer_or_history_with_the_token(engine: Engine) -> None:
    report = _grade(engine, LAB.exercise("secret").solution, "secret")
    assert goal_result(report, "no-token").measured == {
        "layers_holding_it": 0, "history_entries_showing_it": 0, "log_lines_showing_it": 0,
    }


def test_the_secret_solution_fails_to_build_without_the_secret(engine: Engine) -> None:
    exercise = LAB.exercise("secret")
    outcome = engine.build(exercise.context, exercise.solution, f"lbl/11-nosecret:{engine.run_id}",
                           no_cache=True)
    assert outcome.image_id is None and "api_token" in outcome.log


def test_skip_stage_reads_the_stages_from_the_build_log(engine: Engine) -> None:
    exercise = LAB.exercise("skip-stage")
    solution = _grade(engine, exercise.solution, "skip-stage")
    # BuildKit merges a step identical to one a concurrent build is running, and the log may
    # then name that build's stage (lab 08's unnamed runtime is `stage-1`): only ask for the
    # names that matter.
    built = goal_result(solution, "docs-skipped").measured["stages_built"]
    assert "builder" in built and "docs" not in built
    starter = _grade(engine, exercise.starter, "skip-stage")
    assert "docs" in goal_result(starter, "docs-skipped").measured["stages_built"]


def test_grading_leaves_nothing_of_its_run_behind(engine: Engine) -> None:
    for name in ("secret", "args"):
        _grade(engine, LAB.exercise(name).solution, name)
    engine.cleanup()
    selector = {"label": f"org.layerbylayer.run={engine.run_id}"}
    api = engine.client.api
    assert api.containers(all=True, filters=selector) == []
    assert api.images(filters=selector) == []
    assert api.networks(filters=selector) == []
    assert (api.volumes(filters=selector).get("Volumes") or []) == []
    assert not list(Path("/tmp").glob(f"lbl-{engine.run_id}-*")), "the token files were removed"
