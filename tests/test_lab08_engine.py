"""Lab 08 `go` on the real engine: the solution passes everything, the starter fails
exactly the goals the exercise teaches. Both builders this machine offers are used."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from checks import images, lab
from checks.engine import Builder, Engine, choose_builder
from checks.grade import grade_exercise

LAB = lab.find("08")
GO = LAB.exercise("go")
TEACHING_GOALS = {"stages", "no-toolchain", "small", "non-root"}


def _grade(engine: Engine, dockerfile: Path):
    standins = images.describe_standins(images.ensure(engine, LAB.images, print))
    return grade_exercise(engine, LAB, GO, LAB.rubric()["go"], dockerfile, standins=standins)


@pytest.fixture(params=["buildkit", "legacy"])
def builder_engine(request: pytest.FixtureRequest, engine: Engine) -> Engine:
    engine.builder_preference = request.param
    return engine


def test_both_builders_are_available_here() -> None:
    assert choose_builder("auto").kind in {"buildkit", "buildx"}
    assert choose_builder("legacy") == Builder("legacy")


def test_solution_passes_every_goal(builder_engine: Engine) -> None:
    report = _grade(builder_engine, GO.solution)
    assert [(g.id, g.status, g.message) for g in report.goals if g.status != "pass"] == []
    assert report.status == "pass" and report.score == report.max_score
    assert report.measured["image_mb"] < 25
    assert report.builder == builder_engine.builder().description


def test_starter_fails_exactly_the_teaching_goals(engine: Engine) -> None:
    report = _grade(engine, GO.starter)
    failed = {g.id for g in report.goals if g.status == "fail"}
    assert failed == TEACHING_GOALS
    assert report.measured["image_mb"] > 100, "the single-stage image ships the toolchain"
    toolchain = next(g for g in report.goals if g.id == "no-toolchain")
    assert "/bin/go" in toolchain.message and "golang:1.22-alpine" in toolchain.notes[0]


def test_grading_leaves_nothing_of_its_run_behind(engine: Engine) -> None:
    _grade(engine, GO.solution)
    engine.cleanup()
    selector = {"label": f"org.layerbylayer.run={engine.run_id}"}
    client = engine.client
    assert client.containers.list(all=True, filters=selector) == []
    assert client.images.list(filters=selector) == []


def test_report_says_which_stand_ins_were_measured(engine: Engine, tmp_path: Path) -> None:
    from checks.report import write_json

    report = _grade(engine, GO.solution)
    write_json([report], tmp_path / "r.json")
    data = json.loads((tmp_path / "r.json").read_text())
    statuses = {s.ref: s for s in (images.status(engine, r) for r in LAB.images) if s}
    expected = [s.describe() for s in statuses.values() if s.standin]
    assert data["standins"] == expected
