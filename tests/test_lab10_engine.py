"""Lab 10 on the real engine: the solution passes everything, the starter fails exactly the
goals it teaches, the planted token is found where the starter leaves it, the sandbox really
applies what the `answers` goal says, and nothing of the run is left behind."""

from __future__ import annotations

from pathlib import Path

from support.grading import goal_result, grade

from checks import lab
from checks.engine import Engine
from checks.goals import runtime
from checks.report import ExerciseReport

LAB = lab.find("10")
HARDEN = LAB.exercise("harden")
# What each starter exists to teach: exactly these goals fail on it, and no others.
TEACHING_GOALS = {
    "harden": {"lint", "non-root", "no-token", "no-setuid", "answers"},
}


def _grade(engine: Engine, dockerfile: Path, exercise: str = "harden") -> ExerciseReport:
    return grade(engine, LAB, exercise, dockerfile)



def test_every_exercise_states_what_its_starter_teaches() -> None:
    assert set(TEACHING_GOALS) == {e.name for e in LAB.exercises}


def test_solution_passes_and_starter_fails_what_it_teaches(engine: Engine) -> None:
    solution = _grade(engine, HARDEN.solution)
    assert [(g.id, g.message) for g in solution.goals if g.status != "pass"] == []
    assert solution.score == solution.max_score
    starter = _grade(engine, HARDEN.starter)
    assert {g.id for g in starter.goals if g.status == "fail"} == TEACHING_GOALS["harden"]

    # The starter's token is found in the COPY layer although a later RUN deleted it, and the
    # note traces it to that line; the lint failures name the starter's own lines.
    token = goal_result(starter, "no-token")
    assert "/tmp/token.txt in layer" in token.message
    assert "COPY token.txt /tmp/token.txt" in token.notes[0]
    lint = goal_result(starter, "lint")
    assert {"expected no DL3020", "expected no DL3002", "expected no DL3025"} <= {
        part.split(",")[0] for part in lint.message.split("; ")
    }
    setuid = goal_result(starter, "no-setuid")
    assert setuid.measured["setuid_setgid_files"] > 0 and "/usr/bin/" in setuid.message
    answers = goal_result(starter, "answers")
    assert "Read-only file system" in answers.notes[0]
    assert goal_result(solution, "answers").measured["sandbox"] == runtime.SANDBOX


def test_the_sandbox_applies_what_the_answers_goal_states(engine: Engine) -> None:
    _grade(engine, HARDEN.solution)
    tag = f"lbl/{LAB.number}-harden:{engine.run_id}"
    with engine.sandboxed(tag) as container:
        host = engine.client.api.inspect_container(container.id)["HostConfig"]
    assert host["ReadonlyRootfs"] is True
    assert host["CapDrop"] == ["ALL"] and not host["CapAdd"]
    assert host["SecurityOpt"] == ["no-new-privileges"]
    assert host["NetworkMode"] == "none"
    assert "/tmp" in host["Tmpfs"]


def test_grading_leaves_nothing_of_its_run_behind(engine: Engine) -> None:
    _grade(engine, HARDEN.starter)  # the starter's failures run every goal, the token's variant build too
    engine.cleanup()
    selector = {"label": f"org.layerbylayer.run={engine.run_id}"}
    api = engine.client.api
    assert api.containers(all=True, filters=selector) == []
    assert api.images(filters=selector) == []
    assert api.networks(filters=selector) == []
    assert (api.volumes(filters=selector).get("Volumes") or []) == []
