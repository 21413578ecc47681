"""Every command a person runs: `nox -l` lists them, `nox -s NAME -- ARGS` runs one."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import nox

ROOT = Path(__file__).parent
PYPROJECT = nox.project.load_toml(ROOT / "pyproject.toml")
RUNTIME_DEPS = PYPROJECT["project"]["dependencies"]

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_venv = "yes"
nox.options.sessions = ["tests"]


def _course_env(session: nox.Session, *groups: str) -> None:
    """Install what the grader needs (the repo itself runs from the checkout)."""
    extras = [dep for group in groups for dep in nox.project.dependency_groups(PYPROJECT, group)]
    session.install(*RUNTIME_DEPS, *extras)


def _checks(session: nox.Session, *args: str, **kwargs: object) -> None:
    session.run("python", "-m", "checks", *args, **kwargs)  # type: ignore[arg-type]


@nox.session
def engine(session: nox.Session) -> None:
    """Make sure a Docker engine answers; as root on Debian, install and start one."""
    _course_env(session)
    _checks(session, "engine")


@nox.session
def images(session: nox.Session) -> None:
    """Make every catalog image available: pull it, or build its stand-in."""
    _course_env(session)
    _checks(session, "engine")
    _checks(session, "images", *session.posargs)


@nox.session
def progress(session: nox.Session) -> None:
    """Show exercises passed and points across all labs (kept outside the repository)."""
    _course_env(session)
    _checks(session, "progress")


@nox.session
def clean(session: nox.Session) -> None:
    """Remove every container, network, volume and image left with the course's labels."""
    _course_env(session)
    _checks(session, "clean")


@nox.session
def tests(session: nox.Session) -> None:
    """Lint, then run the whole test suite against a real Docker engine and browser."""
    _course_env(session, "test", "lint")
    session.run("ruff", "check", "checks", "tests", "labs", "tools", "noxfile.py")
    _checks(session, "engine")
    # From Debian: the browser for the site tests, Compose for chapter 7, and the tools
    # the chapter examples and the offline browser test call (jq, curl, ip).
    _checks(session, "provision", "chromium", "docker-compose", "jq", "curl", "iproute2")
    _checks(session, "images")
    session.run("python", "tools/mermaid.py")
    session.run("python", "-m", "pytest", *session.posargs)


@nox.session
def docs(session: nox.Session) -> None:
    """Build the site into site/ (`-- serve` serves it on 127.0.0.1:8000 instead)."""
    session.install(*nox.project.dependency_groups(PYPROJECT, "docs"))
    session.run("python", "tools/mermaid.py")
    if session.posargs[:1] == ["serve"]:
        session.run("mkdocs", "serve", "--dev-addr", "127.0.0.1:8000", *session.posargs[1:])
    else:
        session.run("mkdocs", "build", "--strict", *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """Measure grading latency, peers, image floors and the site into bench/ (`-- --quick`)."""
    # The peers (container-structure-test, dive; hadolint is a runtime dependency) and mkdocs.
    _course_env(session, "bench", "docs")
    _checks(session, "engine")
    _checks(session, "images")
    session.run("python", "tools/mermaid.py")
    session.run("python", "-m", "checks.bench", *session.posargs)


def _register_lab(folder: Path) -> None:
    number = folder.name[:2]
    title = tomllib.loads((folder / "lab.toml").read_text(encoding="utf-8"))["title"]

    def grade_lab(session: nox.Session) -> None:
        _course_env(session)
        _checks(session, "engine")
        _checks(session, "grade", number, *session.posargs)

    grade_lab.__doc__ = f"Grade lab {number}, {title.lower()} (`-- --solution` grades the reference)."
    nox.session(name=f"lab-{number}")(grade_lab)


for _folder in sorted((ROOT / "labs").iterdir()):
    if re.fullmatch(r"\d\d-[a-z0-9-]+", _folder.name) and (_folder / "lab.toml").is_file():
        _register_lab(_folder)
