"""The site and the suite: ``mkdocs build --strict`` time, the heaviest page, and the last
recorded time of the full test suite (never invented: "not recorded" when there is none)."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from checks.lab import REPO_ROOT

MERMAID = REPO_ROOT / "docs" / "assets" / "javascripts" / "mermaid.min.js"
SUITE_XML = REPO_ROOT / "bench" / "suite.xml"  # pytest --junitxml=bench/suite.xml writes it


@dataclass(frozen=True)
class SiteBuild:
    seconds: float | None
    largest_page: str = ""
    largest_page_bytes: int = 0
    pages: int = 0
    skipped: str = ""


@dataclass(frozen=True)
class SuiteTime:
    seconds: float | None
    tests: int = 0
    failures: int = 0
    recorded: str = ""  # when the suite ran (ISO 8601), or why there is no figure
    source: str = ""


def site_build() -> SiteBuild:
    """Build the site into a temporary folder and weigh its pages (HTML bytes)."""
    if importlib.util.find_spec("mkdocs") is None:
        return SiteBuild(None, skipped="mkdocs is not installed here (the docs dependency group)")
    if not MERMAID.exists():
        return SiteBuild(None, skipped="docs/assets/javascripts/mermaid.min.js is missing: "
                                       "run `python tools/mermaid.py` first")
    with tempfile.TemporaryDirectory(prefix="lbl-bench-site-") as tmp:
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", tmp],
                              cwd=REPO_ROOT, capture_output=True, text=True,
                              env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
        seconds = time.perf_counter() - start
        if done.returncode != 0:
            return SiteBuild(None, skipped="mkdocs build --strict failed: " + done.stderr.strip()[-300:])
        pages = [p for p in Path(tmp).rglob("*.html") if p.name != "404.html"]
        heaviest = max(pages, key=lambda p: p.stat().st_size)
        return SiteBuild(seconds, str(heaviest.relative_to(tmp)), heaviest.stat().st_size, len(pages))


def suite_time(path: Path = SUITE_XML) -> SuiteTime:
    """The last full suite's time, from the JUnit XML pytest wrote (``--junitxml``)."""
    if not path.is_file():
        return SuiteTime(None, recorded=f"not recorded ({_shown(path)} is absent)")
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as e:
        return SuiteTime(None, recorded=f"not recorded ({_shown(path)} is not valid XML: {e})")
    suite = root if root.tag == "testsuite" else root.find("testsuite")
    if suite is None or suite.get("time") is None:
        return SuiteTime(None, recorded=f"not recorded ({_shown(path)} has no suite time)")
    stamp = suite.get("timestamp") or datetime.fromtimestamp(path.stat().st_mtime, UTC).isoformat()
    return SuiteTime(float(suite.get("time") or 0), int(suite.get("tests") or 0),
                     int(suite.get("failures") or 0) + int(suite.get("errors") or 0), stamp, _shown(path))


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(REPO_ROOT))
    except ValueError:
        return str(path)
