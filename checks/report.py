"""Reports: the rubric a student reads in the terminal, and the versioned JSON file.

JSON drops empty fields so that golden files stay short and stable.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from checks.goals import GoalResult

REPORT_VERSION = 1


@dataclass
class ExerciseReport:
    lab: str
    exercise: str
    dockerfile: str = ""
    builder: str = ""
    standins: list[str] = field(default_factory=list)
    goals: list[GoalResult] = field(default_factory=list)
    measured: dict[str, Any] = field(default_factory=dict)
    rebuilt_steps: list[str] = field(default_factory=list)
    error: str = ""
    hints_used: int = 0

    @property
    def status(self) -> str:
        if self.error:
            return "error"
        return "pass" if all(g.status == "pass" for g in self.goals) else "fail"

    @property
    def score(self) -> int:
        return sum(g.earned for g in self.goals)

    @property
    def max_score(self) -> int:
        return sum(g.points for g in self.goals)

    def to_dict(self) -> dict[str, Any]:
        data = {
            "version": REPORT_VERSION,
            "lab": self.lab,
            "exercise": self.exercise,
            "status": self.status,
            "score": self.score,
            "max_score": self.max_score,
            "error": self.error,
            "dockerfile": self.dockerfile,
            "builder": self.builder,
            "standins": self.standins,
            "hints_used": self.hints_used,
            "measured": self.measured,
            "goals": [asdict(g) for g in self.goals],
        }
        return _drop_empty(data)


def exit_code(reports: list[ExerciseReport]) -> int:
    if any(r.status == "error" for r in reports):
        return 2
    return 0 if all(r.status == "pass" for r in reports) else 1


def write_json(reports: list[ExerciseReport], path: Path) -> None:
    """One exercise: its report. Several: a lab report wrapping them."""
    if len(reports) == 1:
        data = reports[0].to_dict()
    else:
        data = {
            "version": REPORT_VERSION,
            "lab": reports[0].lab if reports else "",
            "status": {0: "pass", 1: "fail", 2: "error"}[exit_code(reports)],
            "score": sum(r.score for r in reports),
            "max_score": sum(r.max_score for r in reports),
            "exercises": [r.to_dict() for r in reports],
        }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def render(report: ExerciseReport, console: Console) -> None:
    title = f"lab {report.lab} · {report.exercise}"
    table = Table(
        title=title,
        title_justify="left",
        show_header=True,
        header_style="bold",
        expand=False,
        show_lines=False,
    )
    table.add_column("", width=1)
    table.add_column("goal")
    table.add_column("points", justify="right")
    table.add_column("result")
    for g in report.goals:
        mark = "[green]✓[/]" if g.status == "pass" else "[red]✗[/]"
        result = _measured_text(g) if g.status == "pass" else f"[red]{escape(g.message)}[/]"
        table.add_row(mark, escape(g.title), f"{g.earned}/{g.points}", result)
    console.print(table)
    for g in report.goals:
        if g.status != "pass":
            console.print(f"[red]✗[/] [bold]{escape(g.title)}[/]")
            console.print(f"  [yellow]hint:[/] {escape(g.hint)}")
            for note in g.notes:
                console.print("  " + escape(note).replace("\n", "\n  "), style="dim")
    colour = "green" if report.status == "pass" else "red"
    console.print(
        f"[bold {colour}]{report.status.upper()}[/] {report.score}/{report.max_score} points"
        f" · {escape(report.builder)}"
    )
    for standin in report.standins:
        console.print(f"  measured on a stand-in image: {escape(standin)}", style="dim")


def render_summary(reports: list[ExerciseReport], console: Console) -> None:
    table = Table(title="summary", title_justify="left", header_style="bold")
    for column in ("exercise", "status", "points"):
        table.add_column(column)
    for r in reports:
        colour = {"pass": "green", "fail": "red", "error": "yellow"}[r.status]
        table.add_row(r.exercise, f"[{colour}]{r.status}[/]", f"{r.score}/{r.max_score}")
    console.print(table)


def _measured_text(goal: GoalResult) -> str:
    shown = {k: v for k, v in goal.measured.items() if v not in (None, "")}
    return escape(", ".join(f"{k.replace('_', ' ')} {v}" for k, v in shown.items()))


def _drop_empty(value: Any) -> Any:
    if isinstance(value, dict):
        cleaned = {k: _drop_empty(v) for k, v in value.items()}
        return {k: v for k, v in cleaned.items() if v not in ("", None, [], {}, ())}
    if isinstance(value, list | tuple):
        return [_drop_empty(v) for v in value]
    return value
