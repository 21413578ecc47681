"""The bad-input corpus (tests/corpus/cases.toml), graded as a student would run it.

Each case must end with its exit code and its words, name the file and line where it has
one, never show a traceback, and leave nothing behind. Each case's time is recorded in
build/corpus-times.json.
"""

from __future__ import annotations

import json
import time
import tomllib
from pathlib import Path

import pytest
from conftest import ROOT, run_cli

from checks import provision
from checks.engine import LABEL_MANAGED, Engine

CORPUS = Path(__file__).parent / "corpus"
CASES = tomllib.loads((CORPUS / "cases.toml").read_text())["case"]
TIMES = ROOT / "build" / "corpus-times.json"


@pytest.fixture(scope="module")
def times() -> dict[str, float]:
    recorded: dict[str, float] = {}
    yield recorded
    TIMES.parent.mkdir(parents=True, exist_ok=True)
    TIMES.write_text(json.dumps(recorded, indent=2))


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["name"])
def test_bad_input_gets_a_clear_outcome(case: dict, tmp_path: Path, times: dict[str, float]) -> None:
    if case["dockerfile"] == "fork-bomb.Dockerfile":
        assert provision.build_pids_limit(), (
            "the engine must cap build processes: start it with nox -s engine"
        )
    dockerfile = CORPUS / "dockerfiles" / case["dockerfile"]
    args = [
        "grade",
        "08",
        case.get("exercise", "go"),
        "--dockerfile",
        str(dockerfile),
        "--quiet",
        "--json",
        str(tmp_path / "report.json"),
    ]
    if "context" in case:
        args += ["--context", str(CORPUS / "contexts" / case["context"])]
    start = time.monotonic()
    result = run_cli(*args, env=case.get("env", {}))
    times[case["name"]] = round(time.monotonic() - start, 1)
    assert result.code == case["exit"], result.output[-3000:]
    report = tmp_path / "report.json"
    # The rubric table may wrap a long message; the JSON report holds it whole.
    said = result.output + (report.read_text() if report.exists() else "")
    for words in case["words"]:
        assert words in said or json.dumps(words)[1:-1] in said, result.output[-3000:]
    if "line" in case:
        assert f"{dockerfile}:{case['line']}" in result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    if "failed" in case:
        goals = {g["id"]: g["status"] for g in json.loads((tmp_path / "report.json").read_text())["goals"]}
        assert all(goals[goal] == "fail" for goal in case["failed"]), goals
    client = Engine().client
    assert client.containers.list(all=True, filters={"label": f"{LABEL_MANAGED}=true"}) == []


def test_the_corpus_is_large_and_covers_every_exit_code() -> None:
    assert len(CASES) >= 30
    assert {case["exit"] for case in CASES} == {0, 1, 2}
