"""The gradebook: a class's JSON reports, checked, counted, and written as CSV and HTML.

Every file is validated against the report schema (``report_schema.json``) and then
against the lab's own rubric. A report is *tampered* when its numbers do not add up or do
not match the marking scheme: a score that is not the sum of the earned points, earned
points other than 0 or the goal's points, goals whose ids or points differ from the
lab's check.py, or a status that contradicts its goals. Such a file, and any file that is
not a valid report, is listed as rejected with the reason; it never counts.

Who a report belongs to comes from where it lies: ``DIR/NAME/...json`` is NAME's (one
folder per student, as ``gh run download -D DIR/NAME`` writes CI artifacts), and a file
directly in DIR is named by its stem.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

from checks import lab
from checks.errors import CheckError, LabError

SCHEMA_PATH = Path(__file__).with_name("report_schema.json")


@dataclass(frozen=True)
class Rejected:
    path: str
    reason: str


@dataclass(frozen=True)
class Entry:
    """One accepted exercise report."""

    student: str
    lab: str
    exercise: str
    status: str
    score: int
    max_score: int
    hints_used: int
    goals: tuple[tuple[str, str, bool], ...]  # (id, title, passed)

    @property
    def key(self) -> tuple[str, str]:
        return (self.lab, self.exercise)


@dataclass(frozen=True)
class GoalRate:
    lab: str
    exercise: str
    goal: str
    title: str
    passed: int
    attempted: int

    @property
    def rate(self) -> float:
        return self.passed / self.attempted if self.attempted else 0.0


@dataclass
class Gradebook:
    folder: Path
    entries: list[Entry] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    files: int = 0

    @property
    def students(self) -> list[str]:
        return sorted({e.student for e in self.entries})

    @property
    def exercises(self) -> list[tuple[str, str]]:
        return sorted({e.key for e in self.entries})

    def grid(self) -> dict[str, dict[tuple[str, str], Entry]]:
        """Each student's best report for each exercise (a student may submit several)."""
        best: dict[str, dict[tuple[str, str], Entry]] = {}
        for entry in self.entries:
            row = best.setdefault(entry.student, {})
            kept = row.get(entry.key)
            if kept is None or (entry.score, entry.status == "pass") > (kept.score, kept.status == "pass"):
                row[entry.key] = entry
        return best

    def goal_rates(self) -> list[GoalRate]:
        """Pass rate of every goal over the students who attempted it, lowest first."""
        counts: dict[tuple[str, str, str], list[int]] = {}
        titles: dict[tuple[str, str, str], str] = {}
        for row in self.grid().values():
            for entry in row.values():
                for goal_id, title, passed in entry.goals:
                    key = (entry.lab, entry.exercise, goal_id)
                    titles[key] = title
                    tally = counts.setdefault(key, [0, 0])
                    tally[0] += passed
                    tally[1] += 1
        rates = [GoalRate(*key, titles[key], p, n) for key, (p, n) in counts.items()]
        return sorted(rates, key=lambda r: (r.rate, r.lab, r.exercise, r.goal))

    def hints(self) -> dict[tuple[str, str], int]:
        """Hints taken across the class for each exercise (from the reports' hints_used)."""
        totals: dict[tuple[str, str], int] = {}
        for row in self.grid().values():
            for entry in row.values():
                totals[entry.key] = totals.get(entry.key, 0) + entry.hints_used
        return totals


def collect(folder: Path) -> Gradebook:
    """Read every ``*.json`` under ``folder``; accept valid reports, reject the rest."""
    if not folder.is_dir():
        raise CheckError("the reports folder does not exist", path=folder,
                         hint="collect the students' --json reports into one folder, one sub-folder each")
    book = Gradebook(folder)
    for path in sorted(folder.rglob("*.json")):
        book.files += 1
        relative = path.relative_to(folder)
        student = relative.parts[0] if len(relative.parts) > 1 else path.stem
        try:
            book.entries.extend(read_report(path, student))
        except ReportRejected as e:
            book.rejected.append(Rejected(str(relative), e.reason))
    return book


class ReportRejected(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def read_report(path: Path, student: str) -> list[Entry]:
    """The exercise entries of one report file; raises ReportRejected with the reason."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as e:
        raise ReportRejected(f"not UTF-8 text ({e.reason})") from e
    except json.JSONDecodeError as e:
        raise ReportRejected(f"not JSON: {e.msg} at line {e.lineno}") from e
    error = jsonschema.exceptions.best_match(_validator().iter_errors(data))
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "the top level"
        raise ReportRejected(f"does not match report format v1 at {where}: {error.message[:200]}")
    exercises = data.get("exercises", [data])
    if "exercises" in data:
        _check_totals(data, exercises, "lab report")
    return [_entry(student, report) for report in exercises]


def _entry(student: str, report: dict[str, Any]) -> Entry:
    _check_against_rubric(report)
    goals = report.get("goals", [])
    return Entry(
        student=student,
        lab=report["lab"],
        exercise=report["exercise"],
        status=report["status"],
        score=report["score"],
        max_score=report["max_score"],
        hints_used=report.get("hints_used", 0),
        goals=tuple((g["id"], g["title"], g["status"] == "pass") for g in goals),
    )


def _check_against_rubric(report: dict[str, Any]) -> None:
    name = f"{report['lab']} {report['exercise']}"
    goals = report.get("goals", [])
    if report["status"] == "error":
        if goals or "error" not in report or report["score"] or report["max_score"]:
            raise ReportRejected(f"tampered: {name} says error but carries goals or points")
        _rubric(report["lab"], report["exercise"])  # the exercise must still exist
        return
    if "error" in report:
        raise ReportRejected(f"tampered: {name} carries an error but its status is {report['status']}")
    expected = _rubric(report["lab"], report["exercise"])
    got = tuple((g["id"], g["points"]) for g in goals)
    if got != expected:
        raise ReportRejected(
            f"tampered: {name}'s goals {_pairs(got)} do not match the lab's rubric {_pairs(expected)}"
        )
    for g in goals:
        if g["earned"] not in (0, g["points"]):
            raise ReportRejected(
                f"tampered: goal {g['id']} earned {g['earned']} of its {g['points']} points "
                "(a goal gives all its points or none)"
            )
        if (g["status"] == "pass") != (g["earned"] == g["points"]):
            raise ReportRejected(f"tampered: goal {g['id']} is {g['status']} but earned {g['earned']}")
    _check_totals(report, goals, name, earned_key="earned", max_key="points")


def _check_totals(report: dict[str, Any], parts: list[dict[str, Any]], name: str, *,
                  earned_key: str = "score", max_key: str = "max_score") -> None:
    score = sum(p[earned_key] for p in parts)
    max_score = sum(p[max_key] for p in parts)
    if report["score"] != score:
        raise ReportRejected(
            f"tampered: {name} claims a score of {report['score']}, its parts add up to {score}"
        )
    if report["max_score"] != max_score:
        raise ReportRejected(
            f"tampered: {name} claims {report['max_score']} points possible, its parts add up to {max_score}"
        )
    statuses = [p["status"] for p in parts]
    status = "error" if "error" in statuses else "pass" if all(s == "pass" for s in statuses) else "fail"
    if report["status"] != status:
        raise ReportRejected(f"tampered: {name} says {report['status']}, its parts say {status}")


@cache
def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))


@cache
def _rubrics(lab_id: str) -> dict[str, tuple[tuple[str, int], ...]]:
    the_lab = lab.find(lab_id)
    if the_lab.id != lab_id:
        raise LabError(f"no lab is called {lab_id}")
    return {name: tuple((g.id, g.points) for g in goals) for name, goals in the_lab.rubric().items()}


def _rubric(lab_id: str, exercise: str) -> tuple[tuple[str, int], ...]:
    try:
        rubrics = _rubrics(lab_id)
    except LabError as e:
        raise ReportRejected(f"unknown lab {lab_id!r} ({e.message})") from e
    if exercise not in rubrics:
        raise ReportRejected(f"lab {lab_id} has no exercise {exercise!r}")
    return rubrics[exercise]


def _pairs(pairs: tuple[tuple[str, int], ...]) -> str:
    return "[" + ", ".join(f"{goal_id}:{points}" for goal_id, points in pairs) + "]"
