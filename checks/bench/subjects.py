"""Graded subjects for in-process measurements: an exercise's Dockerfile built once, the
way ``grade_exercise`` builds it, then handed to goals as often as a measurement needs."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from checks import dockerfile as dockerfile_module
from checks.bench.latency import BenchError
from checks.dockerfile import Dockerfile
from checks.engine import BuildOutcome, Engine
from checks.goals import Goal, GoalResult, Subject, evaluate
from checks.grade import LiveSubject
from checks.lab import Exercise, Lab


@dataclass(frozen=True)
class StaticSubject:
    """What a static goal reads: the parsed Dockerfile, and nothing built."""

    dockerfile: Dockerfile
    exercise: Exercise
    build: BuildOutcome | None = None


def static_goals(goals: list[Goal]) -> list[Goal]:
    """The rubric's goals from ``checks.goals.static``: read from the Dockerfile alone."""
    return [g for g in goals if g.check.run.__module__ == "checks.goals.static"]


def evaluate_static(path: Path, exercise: Exercise, goals: list[Goal]) -> list[GoalResult]:
    """Parse ``path`` and evaluate ``goals`` on it, as the grader does before building."""
    subject = StaticSubject(dockerfile_module.parse(path), exercise)
    return [evaluate(g, cast(Subject, subject)) for g in goals]


@dataclass
class Built:
    """One build of an exercise's Dockerfile, kept tagged until the context manager ends."""

    engine: Engine
    lab: Lab
    exercise: Exercise
    dockerfile: Dockerfile
    build: BuildOutcome
    tag: str
    workdir: Path

    def fresh_subject(self) -> LiveSubject:
        """A subject with nothing fetched yet: goals pay for inspect, save and runs again."""
        return LiveSubject(self.engine, self.exercise, self.dockerfile, self.build, self.tag, self.workdir)

    def evaluate(self, goals: list[Goal]) -> list[GoalResult]:
        subject: Any = self.fresh_subject()
        return [evaluate(g, subject) for g in goals]


@contextlib.contextmanager
def built(engine: Engine, the_lab: Lab, exercise: Exercise, path: Path, name: str) -> Iterator[Built]:
    """Build ``path`` for ``exercise`` (warm: the grader's own build settings) and tag it."""
    parsed = dockerfile_module.parse(path)
    tag = f"lbl/bench-{the_lab.number}-{exercise.name}-{name}:{engine.run_id}"
    workdir = Path(tempfile.mkdtemp(prefix=f"lbl-{engine.run_id}-bench-"))
    try:
        outcome = engine.build(exercise.context, path, tag, network=exercise.build_network)
        if outcome.image_id is None:
            raise BenchError(f"{path} did not build: {outcome.error}")
        yield Built(engine, the_lab, exercise, parsed, outcome, tag, workdir)
    finally:
        engine.untag(tag)
        shutil.rmtree(workdir, ignore_errors=True)
