"""Lab 09 on the real engine: the reference scripts publish to the course's registry and
pass everything, the starters fail exactly what they teach, and nothing is left behind."""

from __future__ import annotations

import subprocess
from pathlib import Path

import bcrypt
import pytest
from support.grading import grade

from checks import images, lab
from checks.engine import Engine
from checks.goals.registry import REGISTRY_IMAGE
from checks.registry import Registry
from checks.report import ExerciseReport

LAB = lab.find("09")
TEACHING_GOALS = {
    "publish": {"release-tags", "labels", "pulled-by-digest"},
    "auth": {"no-password-shown", "password-stdin", "logged-out"},
}


def _grade(engine: Engine, name: str, path: Path) -> ExerciseReport:
    return grade(engine, LAB, name, path)


def _leftovers(engine: Engine) -> list[str]:
    found = engine.named_objects().describe()
    api = engine.client.api
    selector = {"label": f"org.layerbylayer.run={engine.run_id}"}
    found += [c["Names"][0] for c in api.containers(all=True, filters=selector)]
    found += [n["Name"] for n in api.networks(filters=selector)]
    found += [t for i in api.images() for t in i.get("RepoTags") or [] if t.startswith("127.0.0.1:")]
    return found


def test_every_exercise_states_what_its_starter_teaches() -> None:
    assert set(TEACHING_GOALS) == {e.name for e in LAB.exercises}
    assert all(e.kind == "script" for e in LAB.exercises)


@pytest.mark.parametrize("name", sorted(TEACHING_GOALS))
def test_solution_passes_and_starter_fails_what_it_teaches(engine: Engine, name: str) -> None:
    exercise = LAB.exercise(name)
    solution = _grade(engine, name, exercise.solution)
    assert [(g.id, g.message) for g in solution.goals if g.status != "pass"] == []
    assert _leftovers(engine) == []
    starter = _grade(engine, name, exercise.starter)
    assert {g.id for g in starter.goals if g.status == "fail"} == TEACHING_GOALS[name]
    assert _leftovers(engine) == []


def test_the_report_never_shows_the_password(engine: Engine) -> None:
    report = _grade(engine, "auth", LAB.exercise("auth").starter)
    text = repr(report.to_dict())
    assert "expected no password in the script's output" in text
    assert "-p " not in "".join(n for g in report.goals for n in g.notes)


def test_the_registry_refuses_an_anonymous_push(engine: Engine, tmp_path: Path) -> None:
    images.ensure(engine, LAB.images, print)
    htpasswd = tmp_path / "auth" / "htpasswd"
    htpasswd.parent.mkdir()
    htpasswd.write_text(f"student:{bcrypt.hashpw(b'not-given-to-docker', bcrypt.gensalt(4)).decode()}\n")
    address = engine.start_registry(REGISTRY_IMAGE, htpasswd)
    try:
        assert Registry(address).status() == 401
        engine.tag(engine.inspect_image("alpine:3.20")["Id"], f"{address}/anonymous:1")
        pushed = subprocess.run(["docker", "push", f"{address}/anonymous:1"], capture_output=True, text=True,
                                env={"DOCKER_CONFIG": str(tmp_path), "PATH": "/usr/local/bin:/usr/bin:/bin"},
                                timeout=120)
        assert pushed.returncode != 0
        assert "no basic auth credentials" in pushed.stdout + pushed.stderr
    finally:
        engine.stop_registry()
        engine.remove_images_named(f"{address}/")
    assert _leftovers(engine) == []


def test_the_registry_client_refuses_anything_but_loopback() -> None:
    with pytest.raises(ValueError, match="loopback"):
        Registry("10.0.0.1:5000")
