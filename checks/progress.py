"""A student's progress across labs, kept outside the repository so it survives `git pull`.

One JSON file in the XDG state directory (``~/.local/state/layer-by-layer/progress.json``,
or ``$LAYERBYLAYER_STATE_DIR``): best score per exercise, attempts, and the hint level
reached for each goal. Written atomically, so an interrupted grade never corrupts it.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

STATE_VERSION = 1


def state_dir() -> Path:
    if os.environ.get("LAYERBYLAYER_STATE_DIR"):
        return Path(os.environ["LAYERBYLAYER_STATE_DIR"])
    base = os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state"
    return Path(base) / "layer-by-layer"


def _path() -> Path:
    return state_dir() / "progress.json"


def _load() -> dict[str, Any]:
    try:
        data = json.loads(_path().read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {"version": STATE_VERSION, "exercises": {}}
    if data.get("version") != STATE_VERSION or not isinstance(data.get("exercises"), dict):
        return {"version": STATE_VERSION, "exercises": {}}
    return data


def _save(data: dict[str, Any]) -> None:
    path = _path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, suffix=".tmp") as handle:
        json.dump(data, handle, indent=2)
    Path(handle.name).replace(path)


def _entry(data: dict[str, Any], lab: str, exercise: str) -> dict[str, Any]:
    return data["exercises"].setdefault(f"{lab}/{exercise}", {"attempts": 0, "hints": {}})


def record(lab: str, exercise: str, score: int, max_score: int, passed: bool) -> None:
    """Remember one graded attempt at the student's own Dockerfile."""
    data = _load()
    entry = _entry(data, lab, exercise)
    entry["attempts"] += 1
    entry["max_score"] = max_score
    entry["best_score"] = max(score, entry.get("best_score", 0))
    entry["passed"] = passed or entry.get("passed", False)
    entry["last_graded"] = datetime.now(UTC).isoformat(timespec="seconds")
    _save(data)


def take_hint(lab: str, exercise: str, goal_id: str) -> int:
    """The next hint level (1, 2, ...) for a goal; the count is kept."""
    data = _load()
    hints = _entry(data, lab, exercise)["hints"]
    hints[goal_id] = hints.get(goal_id, 0) + 1
    _save(data)
    return int(hints[goal_id])


def hints_used(lab: str, exercise: str) -> int:
    entry = _load()["exercises"].get(f"{lab}/{exercise}", {})
    return int(sum(entry.get("hints", {}).values()))


@dataclass(frozen=True)
class Row:
    lab: str
    exercise: str
    best_score: int | None
    max_score: int | None
    passed: bool
    attempts: int
    hints: int


def rows(known: list[tuple[str, str]]) -> list[Row]:
    """One row per known exercise, graded or not, in course order."""
    entries = _load()["exercises"]
    result = []
    for lab, exercise in known:
        entry = entries.get(f"{lab}/{exercise}", {})
        result.append(Row(lab, exercise, entry.get("best_score"), entry.get("max_score"),
                          bool(entry.get("passed")), int(entry.get("attempts", 0)),
                          int(sum(entry.get("hints", {}).values()))))
    return result
