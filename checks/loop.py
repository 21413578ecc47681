"""The student loop around grading: progressive hints, reset, and the side-by-side diff."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.syntax import Syntax
from rich.table import Table

from checks.errors import CheckError
from checks.goals import Goal
from checks.lab import REPO_ROOT, Exercise, Lab
from checks.progress import state_dir


def hint_levels(goal: Goal, student: Path, solution: Path) -> list[str]:
    """Nudge first, then the specific hint where the rubric has one, then the solution's lines."""
    levels = [goal.hint]
    if goal.more:
        levels.append(goal.more)
    missing = solution_lines_missing(student, solution)
    shown = "\n".join(f"  {line}" for line in missing) if missing else "  (none: compare the order of steps)"
    levels.append(f"lines of the reference solution that your file does not have yet:\n{shown}")
    return levels


def solution_lines_missing(student: Path, solution: Path) -> list[str]:
    """The solution's instruction lines (continuations joined) absent from the student's file."""
    have = {_normal(line) for line in _instruction_lines(student)}
    return [line for line in _instruction_lines(solution) if _normal(line) not in have]


def _instruction_lines(path: Path) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8-sig", errors="replace")
    except OSError:
        return []
    joined, current = [], ""
    for raw in text.splitlines():
        stripped = raw.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        current = f"{current} {stripped.removesuffix(chr(92)).strip()}".strip()
        if not stripped.endswith("\\"):
            joined.append(current)
            current = ""
    if current:
        joined.append(current)
    return joined


def _normal(line: str) -> str:
    return " ".join(line.split()).lower()


def watch_changes(paths: list[Path]) -> Iterator[set[str]]:
    """Yield the names of changed files, debounced; idle (no polling) while nothing changes."""
    from watchfiles import watch  # imported here: only --watch needs it

    for changes in watch(*(p for p in paths if p.exists()), debounce=800, step=100):
        yield {Path(changed).name for _kind, changed in changes}


def render_side_by_side(student: Path, solution: Path, console: Console) -> None:
    table = Table(show_header=True, header_style="bold", expand=True, show_lines=False)
    table.add_column(f"yours: {student}", ratio=1)
    table.add_column(f"solution: {solution}", ratio=1)
    table.add_row(
        Syntax(student.read_text(encoding="utf-8", errors="replace"), "docker", word_wrap=True),
        Syntax(solution.read_text(encoding="utf-8", errors="replace"), "docker", word_wrap=True),
    )
    console.print(table)


def reset(lab: Lab, exercise: Exercise, confirm: Callable[[str], bool], repo: Path = REPO_ROOT) -> str:
    """Restore the shipped starter (the committed one), after backing up the student's copy."""
    relative = exercise.starter.relative_to(repo)
    shipped = _committed(repo, relative)
    current = exercise.starter.read_bytes() if exercise.starter.exists() else b""
    if current == shipped:
        return f"{relative} is already the starter as shipped; nothing to do"
    if not confirm(f"{relative} has your changes. Replace it with the starter as shipped?"):
        return "left as it is"
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    backup = state_dir() / "backups" / lab.id / exercise.name / f"{exercise.file}.{stamp}"
    backup.parent.mkdir(parents=True, exist_ok=True)
    if exercise.starter.exists():
        shutil.copy2(exercise.starter, backup)
    exercise.starter.write_bytes(shipped)
    return f"restored {relative}; your version is saved at {backup}"


def _committed(repo: Path, relative: Path) -> bytes:
    try:
        done = subprocess.run(["git", "-C", str(repo), "show", f"HEAD:{relative.as_posix()}"],
                              capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise CheckError("--reset needs git to find the starter as shipped", path=relative,
                         hint="install git, or restore the file from the course's archive") from e
    if done.returncode != 0:
        raise CheckError("--reset needs the course as a git checkout; the shipped starter was not "
                         "found in it", path=relative,
                         hint="clone the course with git, or restore the file by hand")
    return done.stdout
