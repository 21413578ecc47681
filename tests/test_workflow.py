"""The CI workflow template for students' repositories: actionlint-clean, and in step with the labs."""

from __future__ import annotations

import sys
from pathlib import Path

import yaml
from conftest import ROOT

from checks import lab

sys.path.insert(0, str(ROOT / "tools"))
import actionlint

WORKFLOW = ROOT / "ci" / "student-grade.yml"


def _workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text())


def test_actionlint_finds_nothing() -> None:
    assert actionlint.lint([WORKFLOW]) == []


def test_actionlint_really_runs(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(WORKFLOW.read_text().replace("  push:\n", "  pushh:\n"))
    findings = actionlint.lint([broken])
    assert [f["kind"] for f in findings] == ["events"]


def test_the_matrix_grades_every_lab() -> None:
    matrix = _workflow()["jobs"]["grade"]["strategy"]["matrix"]["lab"]
    assert matrix == [the_lab.number for the_lab in lab.all_labs()], (
        "ci/student-grade.yml's matrix must list every lab that has a lab.toml"
    )


def test_each_job_writes_and_uploads_its_report_even_when_a_goal_fails() -> None:
    job = _workflow()["jobs"]["grade"]
    assert job["strategy"]["fail-fast"] is False
    steps = {s.get("id") or s.get("name") or s.get("uses"): s for s in job["steps"]}
    grade = steps["grade"]
    assert grade["continue-on-error"] is True
    assert '--json "reports/lab-${{ matrix.lab }}.json"' in grade["run"]
    upload = steps["Upload the report"]
    assert upload["if"] == "always()"
    assert upload["uses"].startswith("actions/upload-artifact@")
    assert upload["with"]["path"] == "reports/lab-${{ matrix.lab }}.json"
    assert upload["with"]["name"] == "report-lab-${{ matrix.lab }}"
    assert steps["Fail the job when a goal failed"]["if"] == "steps.grade.outcome == 'failure'"


def test_the_workflow_can_only_read_the_repository() -> None:
    assert _workflow()["permissions"] == {"contents": "read"}
