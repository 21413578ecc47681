"""Lab 13's optional exercise on the real tools: a script builds lab 08's go solution with
Podman. The solution passes, the starter (which still builds with Docker) fails every goal,
a machine without Podman gets exit 2 naming the tool, and nothing is left behind: no
Podman store, mount, container or image, and nothing of ours in Docker."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from support.grading import grade

from checks import lab, podman
from checks.engine import Engine
from checks.errors import CheckError

LAB = lab.find("13")
TEACHING_GOALS = {"podman-builds", "podman-serves", "same-size"}
# Podman's default places for a root user's storage and state: a private store uses neither.
SYSTEM_STATE = (Path("/var/lib/containers/storage"), Path("/run/containers/storage"), Path("/run/libpod"))



def _leftovers(engine: Engine, before: set[Path]) -> list[str]:
    tmp = Path(tempfile.gettempdir())
    stores = [str(p) for p in tmp.glob(f"{engine.prefix}*-podman-*")]
    mounts = [line.split()[4] for line in Path("/proc/self/mountinfo").read_text().splitlines()
              if f"{engine.prefix}" in line]
    system = [str(p) for p in SYSTEM_STATE if p.exists() and p not in before]
    return stores + mounts + system + engine.named_objects().describe()


def test_solution_passes_starter_fails_and_nothing_is_left(engine: Engine) -> None:
    before = {p for p in SYSTEM_STATE if p.exists()}
    exercise = LAB.exercise("podman")
    solution = grade(engine, LAB, "podman", exercise.solution)
    assert [(g.id, g.message) for g in solution.goals if g.status != "pass"] == []
    sizes = next(g for g in solution.goals if g.id == "same-size").measured
    assert sizes["docker_size_mb"] > 0 and sizes["podman_size_mb"] > 0
    assert _leftovers(engine, before) == []
    starter = grade(engine, LAB, "podman", exercise.starter)
    assert {g.id for g in starter.goals if g.status == "fail"} == TEACHING_GOALS
    # The starter built with Docker: the message says so, and that image is gone afterwards.
    assert "the script built with docker" in starter.goals[0].message
    assert _leftovers(engine, before) == []


def test_without_podman_grading_stops_naming_the_tool(engine: Engine,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(podman, "TOOL", "podman-not-installed-here")
    with pytest.raises(CheckError) as stopped:
        grade(engine, LAB, "podman", LAB.exercise("podman").solution)
    assert "`podman` is not installed" in stopped.value.message
    assert stopped.value.path == LAB.exercise("podman").solution
