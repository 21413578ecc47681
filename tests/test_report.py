"""The JSON report against golden files: versioned, empty fields dropped."""

from __future__ import annotations

import json
from pathlib import Path

from checks.goals import GoalResult
from checks.report import ExerciseReport, exit_code, write_json

GOLDEN = Path(__file__).parent / "golden"


def _report(passing: bool) -> ExerciseReport:
    goals = [
        GoalResult("builds", "The image builds", "pass", 1, 1, measured={"build_seconds": 2.5}),
        GoalResult(
            "non-root",
            "Runs as a non-root user",
            "pass" if passing else "fail",
            1,
            1 if passing else 0,
            "" if passing else "expected a non-root USER, got no USER (root)",
            "" if passing else "add USER app",
            {"user": "app" if passing else "(none)"},
        ),
    ]
    return ExerciseReport(
        "08-multi-stage",
        "go",
        dockerfile="labs/08-multi-stage/go/starter/Dockerfile",
        builder="BuildKit (native, DOCKER_BUILDKIT=1)",
        standins=["alpine:3.20 (stand-in: BusyBox)"],
        goals=goals,
        measured={"image_mb": 7.0},
    )


def test_failing_report_matches_golden(tmp_path: Path) -> None:
    write_json([_report(False)], tmp_path / "r.json")
    assert json.loads((tmp_path / "r.json").read_text()) == json.loads(
        (GOLDEN / "report-fail.json").read_text()
    )


def test_lab_report_wraps_exercises(tmp_path: Path) -> None:
    write_json([_report(True), _report(False)], tmp_path / "r.json")
    assert json.loads((tmp_path / "r.json").read_text()) == json.loads(
        (GOLDEN / "report-lab.json").read_text()
    )


def test_error_report_is_status_error() -> None:
    report = ExerciseReport("08-multi-stage", "go", error="Dockerfile:3: unknown instruction 'FORM'")
    assert report.to_dict() == {
        "version": 1,
        "lab": "08-multi-stage",
        "exercise": "go",
        "status": "error",
        "score": 0,
        "max_score": 0,
        "hints_used": 0,
        "error": "Dockerfile:3: unknown instruction 'FORM'",
    }


def test_exit_codes() -> None:
    assert exit_code([_report(True)]) == 0
    assert exit_code([_report(True), _report(False)]) == 1
    assert exit_code([_report(False), ExerciseReport("08", "go", error="x")]) == 2
