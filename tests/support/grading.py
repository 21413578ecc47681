"""Grading one exercise from a test, the way the CLI does it: catalog images first."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from checks import images
from checks.engine import Engine
from checks.goals import Goal, GoalResult
from checks.grade import grade_exercise
from checks.lab import Lab
from checks.report import ExerciseReport


def grade(engine: Engine, the_lab: Lab, exercise: str, path: Path,
          goals: list[Goal] | None = None) -> ExerciseReport:
    """``path`` graded as ``exercise`` of ``the_lab``, against all its goals or just ``goals``."""
    standins = images.describe_standins(images.ensure(engine, [*the_lab.images, images.PROBE_IMAGE], print))
    chosen = the_lab.rubric()[exercise] if goals is None else goals
    return grade_exercise(engine, the_lab, the_lab.exercise(exercise), chosen, path, standins=standins)


def grade_both(engine: Engine, the_lab: Lab, names: Iterable[str]) -> dict[tuple[str, str], ExerciseReport]:
    """Each named exercise's solution and starter, keyed by (name, "solution" | "starter")."""
    return {(name, which): grade(engine, the_lab, name, getattr(the_lab.exercise(name), which))
            for name in names for which in ("solution", "starter")}


def goal_result(report: ExerciseReport, goal_id: str) -> GoalResult:
    return next(g for g in report.goals if g.id == goal_id)
