"""Lab 05 on the real engine: every solution passes everything, every starter fails exactly
the goals its exercise teaches, and the volumes and host folders the checker makes are gone
after each run."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.grading import goal_result, grade, grade_both

from checks import lab
from checks.engine import Engine
from checks.report import ExerciseReport

LAB = lab.find("05")
PERSIST = LAB.exercise("persist")
# What each starter exists to teach: exactly these goals fail on it, and no others.
TEACHING_GOALS = {
    "persist": {"non-root", "persists", "layer-clean"},
    "bind-mount": {"bind-shared"},
}


def _grade(engine: Engine, dockerfile: Path, exercise: str) -> ExerciseReport:
    return grade(engine, LAB, exercise, dockerfile)



@pytest.fixture(scope="module")
def graded() -> Iterator[dict[tuple[str, str], ExerciseReport]]:
    """Every exercise's solution and starter, graded once for the whole module."""
    engine = Engine()
    engine.version()
    try:
        yield grade_both(engine, LAB, TEACHING_GOALS)
    finally:
        engine.cleanup()


def test_every_exercise_states_what_its_starter_teaches() -> None:
    assert set(TEACHING_GOALS) == {e.name for e in LAB.exercises}


@pytest.mark.parametrize("name", sorted(TEACHING_GOALS))
def test_solution_passes_and_starter_fails_what_it_teaches(graded: dict, name: str) -> None:
    solution = graded[(name, "solution")]
    assert [(g.id, g.message) for g in solution.goals if g.status != "pass"] == []
    starter = graded[(name, "starter")]
    assert {g.id for g in starter.goals if g.status == "fail"} == TEACHING_GOALS[name]


def test_starter_writes_into_its_layer_and_docker_diff_says_where(graded: dict) -> None:
    clean = goal_result(graded[("persist", "starter")], "layer-clean")
    assert "A /var/lib/journal/journal.log" in clean.message
    assert goal_result(graded[("persist", "solution")], "persists").measured["lines"] == 2


def test_starter_script_hidden_by_the_bind_mount_is_named(graded: dict) -> None:
    shared = goal_result(graded[("bind-mount", "starter")], "bind-shared")
    assert any("/data/journal.sh" in note for note in shared.notes)
    assert goal_result(graded[("bind-mount", "solution")], "bind-shared").measured["host_lines"] == 2


def test_non_root_without_preparing_the_folder_cannot_write(engine: Engine, tmp_path: Path) -> None:
    # USER and DATA_DIR are right, but /data is not in the image: Docker creates the mount
    # point owned by root, and uid 10001 may not write there.
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(
        "FROM alpine:3.20\nRUN adduser -D -H -u 10001 app\nCOPY journal.sh /usr/local/bin/journal\n"
        'ENV DATA_DIR=/data\nUSER app\nCMD ["journal"]\n'
    )
    report = _grade(engine, dockerfile, "persist")
    persists = goal_result(report, "persists")
    assert persists.status == "fail" and "no such file" in persists.message
    assert any("Permission denied" in note for note in persists.notes)


def test_a_volume_instruction_leaves_no_anonymous_volume(engine: Engine) -> None:
    tag = f"lbl/05-volume-instruction:{engine.run_id}"
    engine.build_from_bytes(b"FROM alpine:3.20\nVOLUME /data\n", tag, labels=engine.labels)
    with engine.sandbox_created(tag) as box:
        anonymous = [m["Name"] for m in box.attrs["Mounts"] if m["Type"] == "volume"]
    assert anonymous, "VOLUME made an anonymous volume for the container"
    assert [v.name for v in engine.client.volumes.list() if v.name in anonymous] == []


def test_grading_removes_its_volumes_and_host_folders_at_once(engine: Engine) -> None:
    for name in TEACHING_GOALS:
        _grade(engine, LAB.exercise(name).solution, name)
    selector = {"label": f"org.layerbylayer.run={engine.run_id}"}
    client = engine.client
    # Removed by the runs themselves, before any cleanup is asked for.
    assert client.volumes.list(filters=selector) == []
    assert client.containers.list(all=True, filters=selector) == []
    assert list(Path(tempfile.gettempdir()).glob(f"lbl-{engine.run_id}-*")) == []
    engine.cleanup()
    assert client.images.list(filters=selector) == []
