"""Measurements for the chapters' notebooks: the labs' own starters and solutions, built
and graded through the same engine and grader a student uses, then read for sizes,
timings and layers.

A notebook opens one ``Measurement``, asks it for what it needs, records the figures a
chapter prints with ``fact``, and ends with ``save``: that writes the facts (read by the
site's ``measured`` hook) and the tables and figures into ``docs/measured/``, which is
generated and never committed.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checks import images, lab
from checks.engine import Engine
from checks.errors import CheckError
from checks.goals import MB
from checks.grade import grade_exercise
from checks.layers import FileIndex, scan_saved_image
from checks.report import ExerciseReport

OUTPUT = Path(os.environ.get("LAYERBYLAYER_MEASURED") or lab.REPO_ROOT / "docs" / "measured")


@dataclass(frozen=True)
class Graded:
    """One exercise's starter or solution as the grader saw it, plus what the chapter reads."""

    report: ExerciseReport
    layers: tuple[tuple[float, str], ...]  # (MB, what made it), oldest first
    files: FileIndex

    @property
    def image_mb(self) -> float:
        return float(self.report.measured["image_mb"])

    @property
    def build_seconds(self) -> float:
        return float(self.report.measured["build_seconds"])

    def goal(self, goal_id: str) -> dict[str, Any]:
        return next(g.measured for g in self.report.goals if g.id == goal_id)


@dataclass
class Measurement:
    """One measuring session on this machine's engine, for one chapter."""

    chapter: str  # "ch08": the name of the facts file and the hook's namespace
    engine: Engine = field(default_factory=Engine)
    facts: dict[str, str] = field(default_factory=dict)
    _standins: dict[str, list[str]] = field(default_factory=dict)

    def environment(self) -> str:
        """One line every table carries: engine, builder, and whether stand-ins were measured."""
        standins = sorted({ref for found in self._standins.values() for ref in found})
        used = (f"the course's stand-in images, built from Debian packages ({', '.join(standins)}); "
                "the public images differ") if standins else "the official images"
        return (f"Measured with Docker Engine {self.engine.version()}, "
                f"builder {self.engine.builder().description}, on {used}.")

    def grade(self, lab_ref: str, exercise: str, which: str = "solution") -> Graded:
        """Grade the exercise's ``which`` file (``starter`` or ``solution``) and read the image
        it built before anything else replaces it."""
        the_lab = lab.find(lab_ref)
        ex = the_lab.exercise(exercise)
        statuses = images.ensure(self.engine, [*the_lab.images, images.PROBE_IMAGE], lambda _m: None)
        self._standins[the_lab.id] = [s.ref for s in statuses if s.standin and s.ref in the_lab.images]
        path = ex.solution if which == "solution" else ex.starter
        report = grade_exercise(self.engine, the_lab, ex, the_lab.rubric()[exercise], path,
                                standins=images.describe_standins(statuses))
        tag = f"lbl/{the_lab.number}-{ex.name}:{self.engine.run_id}"
        history = list(reversed(self.engine.history(tag)))
        layers = tuple((int(h.get("Size", 0)) / MB, str(h.get("CreatedBy", ""))) for h in history)
        archive = self.engine.save(tag, Path(tempfile.gettempdir()) / f"lbl-measure-{self.engine.run_id}.tar")
        try:
            files = scan_saved_image(archive)
        finally:
            archive.unlink()
        return Graded(report, layers, files)

    def build(self, context: Path, dockerfile: Path, target: str | None = None,
              fresh: tuple[str, str] | None = None) -> tuple[float, float]:
        """Build one target of a lab file that is not an exercise (a chapter example): its size
        in MB and the build's seconds. ``fresh`` = (file, comment prefix) builds from a copy of
        the context with a unique comment in that file, so every step from its COPY on runs."""
        tag = f"lbl/measure-{target or 'image'}:{self.engine.run_id}"
        with tempfile.TemporaryDirectory(prefix="lbl-measure-") as tmp:
            if fresh is not None:
                copy = Path(tmp) / "context"
                shutil.copytree(context, copy, symlinks=True)
                with (copy / fresh[0]).open("a", encoding="utf-8") as handle:
                    handle.write(f"\n{fresh[1]} measured build {uuid.uuid4().hex}\n")
                context = copy
            outcome = self.engine.build(context, dockerfile, tag, target=target)
        if outcome.image_id is None:
            raise CheckError(f"the measurement build failed: {outcome.error}", path=dockerfile)
        return self.image_mb(tag), outcome.seconds

    def image_mb(self, ref: str) -> float:
        return int(self.engine.inspect_image(ref).get("Size", 0)) / MB

    def fact(self, name: str, value: float, unit: str = "MB", digits: int = 1) -> str:
        """Record a figure a chapter prints as ``{{ measured.CHAPTER.NAME }}``; returns its text."""
        text = f"{value:,.{digits}f}" + (f" {unit}" if unit else "")
        self.facts[name] = text
        return text

    def write(self, name: str, text: str) -> Path:
        """A generated table or note, included by the chapter with a snippet."""
        OUTPUT.mkdir(parents=True, exist_ok=True)
        path = OUTPUT / name
        path.write_text(text, encoding="utf-8")
        return path

    def figure_path(self, name: str) -> Path:
        OUTPUT.mkdir(parents=True, exist_ok=True)
        return OUTPUT / name

    def save(self) -> Path:
        """Write the facts, and remove every image and container this session made."""
        path = self.write(f"{self.chapter}.json", json.dumps(self.facts, indent=2, sort_keys=True) + "\n")
        self.engine.cleanup()
        return path


def markdown_table(header: list[str], rows: list[list[object]], note: str) -> str:
    """A Markdown table, right-aligning numbers, followed by the measurement note."""
    align = ["---:" if rows and isinstance(rows[0][i], int | float) else "---" for i in range(len(header))]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"]
    for row in rows:
        lines.append("| " + " | ".join(_cell(v) for v in row) + " |")
    return "\n".join(lines) + f"\n\n<small>{note}</small>\n"


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.1f}"
    return str(value)
