"""Shared fixtures. Engine tests use the real Docker engine: they fail, never skip, without one."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from checks.engine import Engine

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"


@dataclass(frozen=True)
class CliResult:
    code: int
    output: str


def run_cli(*args: str, env: dict[str, str] | None = None, timeout: float = 900) -> CliResult:
    """Run `python -m checks ...` as a student would, with a wide terminal for stable text."""
    full_env = {**os.environ, "COLUMNS": "200", "TERM": "dumb", **(env or {})}
    done = subprocess.run(
        [sys.executable, "-m", "checks", *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return CliResult(done.returncode, done.stdout + done.stderr)


@pytest.fixture
def engine() -> Engine:
    """An engine scoped to one test; everything the test creates with it is removed."""
    eng = Engine()
    eng.version()  # fail loudly, not skip, when no engine answers
    yield eng
    eng.cleanup()


ARTIFACTS = ROOT / "build" / "site-test"


@pytest.fixture(scope="session")
def built_site() -> Path:
    """The site, built once per test run with --strict from what is on disk now."""
    subprocess.run([sys.executable, "tools/mermaid.py"], cwd=ROOT, check=True, capture_output=True)
    out = ARTIFACTS / "site"
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return out
