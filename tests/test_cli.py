"""The student's command end to end: exit codes, rubric text, and bad input."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import FIXTURES, run_cli

from checks import lab

DOCKERFILES = FIXTURES / "dockerfiles"


def test_solution_exits_0_with_a_full_rubric(tmp_path: Path) -> None:
    result = run_cli("grade", "08", "go", "--solution", "--json", str(tmp_path / "r.json"))
    assert result.code == 0, result.output
    assert "PASS 10/10 points" in result.output
    assert json.loads((tmp_path / "r.json").read_text())["status"] == "pass"


def test_untouched_starters_exit_1_with_hints_and_a_summary(tmp_path: Path) -> None:
    result = run_cli("grade", "08", "--json", str(tmp_path / "r.json"))
    assert result.code == 1, result.output
    assert "expected at least 2 stages, got 1" in result.output
    assert "hint:" in result.output and "summary" in result.output
    data = json.loads((tmp_path / "r.json").read_text())
    assert data["status"] == "fail"
    by_name = {e["exercise"]: e for e in data["exercises"]}
    assert set(by_name) == {e.name for e in lab.find("08").exercises}
    assert by_name["go"]["measured"]["image_mb"] > 100


def test_unknown_instruction_exits_2_naming_file_and_line() -> None:
    path = DOCKERFILES / "unknown-instruction.Dockerfile"
    result = run_cli("grade", "08", "go", "--dockerfile", str(path))
    assert result.code == 2
    assert f"{path}:3: unknown instruction 'COPPY'" in result.output
    assert "did you mean COPY?" in result.output
    assert "Traceback" not in result.output


def test_copy_from_a_missing_stage_exits_2_naming_file_and_line() -> None:
    path = DOCKERFILES / "missing-stage.Dockerfile"
    result = run_cli("grade", "08", "go", "--dockerfile", str(path))
    assert result.code == 2
    assert f"{path}:7: COPY --from=bulider names no stage" in result.output
    assert "did you mean --from=builder?" in result.output


def test_a_failing_run_step_is_a_failed_goal_with_its_line() -> None:
    path = DOCKERFILES / "failing-run.Dockerfile"
    result = run_cli("grade", "08", "go", "--dockerfile", str(path))
    assert result.code == 1, result.output
    assert "expected the image to build, got a failure at line 4" in result.output
    assert "not checked: the image did not build" in result.output


def test_no_engine_exits_2_with_how_to_get_one(tmp_path: Path) -> None:
    socket = tmp_path / "no-such-docker.sock"
    result = run_cli("grade", "08", env={"DOCKER_HOST": f"unix://{socket}"})
    assert result.code == 2
    assert "no Docker engine answers" in result.output
    assert "nox -s engine" in result.output
    assert "Traceback" not in result.output


def test_an_unknown_lab_exits_2() -> None:
    result = run_cli("grade", "99")
    assert result.code == 2 and "no lab matches '99'" in result.output


def test_an_exercise_that_needs_buildkit_exits_2_under_the_legacy_builder() -> None:
    result = run_cli("grade", "08", "cache-mounts", env={"LAYERBYLAYER_BUILDER": "legacy"})
    assert result.code == 2
    assert "needs BuildKit" in result.output and "buildx" in result.output
