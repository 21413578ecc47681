"""The student loop without an engine: progress state, hint levels, reset."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from checks import lab, loop, progress
from checks.goals import build, goal


@pytest.fixture(autouse=True)
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "state"
    monkeypatch.setenv("LAYERBYLAYER_STATE_DIR", str(folder))
    return folder


def test_progress_keeps_the_best_score_and_counts_attempts() -> None:
    progress.record("08-multi-stage", "go", 3, 10, passed=False)
    progress.record("08-multi-stage", "go", 10, 10, passed=True)
    progress.record("08-multi-stage", "go", 7, 10, passed=False)
    [row] = progress.rows([("08-multi-stage", "go")])
    assert (row.best_score, row.max_score, row.passed, row.attempts) == (10, 10, True, 3)


def test_progress_lists_ungraded_exercises_too() -> None:
    [row] = progress.rows([("08-multi-stage", "node")])
    assert row.best_score is None and row.attempts == 0 and not row.passed


def test_hint_levels_rise_per_goal_and_are_counted() -> None:
    assert [progress.take_hint("08", "go", "stages") for _ in range(3)] == [1, 2, 3]
    assert progress.take_hint("08", "go", "small") == 1
    assert progress.hints_used("08", "go") == 4


def test_a_corrupt_state_file_starts_afresh(state: Path) -> None:
    state.mkdir(parents=True)
    (state / "progress.json").write_text("{not json")
    progress.record("08-multi-stage", "go", 1, 10, passed=False)
    assert progress.rows([("08-multi-stage", "go")])[0].attempts == 1


def test_hints_go_from_nudge_to_specific_to_solution_lines() -> None:
    exercise = lab.find("08").exercise("go")
    g = goal("stages", "Two stages", 2, build.succeeds(), hint="nudge", more="specific")
    levels = loop.hint_levels(g, exercise.starter, exercise.solution)
    assert levels[:2] == ["nudge", "specific"]
    assert "FROM golang:1.22-alpine AS builder" in levels[2]
    assert "USER app" in levels[2]


def test_solution_lines_already_present_are_not_shown() -> None:
    exercise = lab.find("08").exercise("go")
    missing = loop.solution_lines_missing(exercise.solution, exercise.solution)
    assert missing == []


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


def test_reset_restores_the_committed_starter_and_keeps_a_backup(tmp_path: Path, state: Path) -> None:
    repo = tmp_path / "course"
    shutil.copytree(lab.find("08").path, repo / "labs" / "08-multi-stage")
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@t.invalid", "commit", "-qm", "course")
    the_lab = lab.load(repo / "labs" / "08-multi-stage")
    exercise = the_lab.exercise("go")
    shipped = exercise.starter.read_text()
    exercise.starter.write_text("FROM scratch\n")

    assert "left as it is" in loop.reset(the_lab, exercise, lambda _q: False, repo=repo)
    assert exercise.starter.read_text() == "FROM scratch\n"

    message = loop.reset(the_lab, exercise, lambda _q: True, repo=repo)
    assert exercise.starter.read_text() == shipped
    backups = list((state / "backups").rglob("Dockerfile.*"))
    assert [b.read_text() for b in backups] == ["FROM scratch\n"]
    assert str(backups[0]) in message
    assert "already" in loop.reset(the_lab, exercise, lambda _q: True, repo=repo)
