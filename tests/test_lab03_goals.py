"""Lab 03's goal kinds and context handling, without an engine: WORKDIR, exec form, EXPOSE,
files kept out, and the copy of the context that gets the student's and the grader's files."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from checks import lab
from checks.dockerfile import Dockerfile, parse_bytes
from checks.engine import Builder, BuildOutcome
from checks.errors import CheckError, LabError
from checks.goals import GoalResult, ImageFacts, evaluate, goal
from checks.goals import image as image_goals
from checks.goals import static as static_goals
from checks.grade import _assemble_context
from checks.layers import FileEntry, FileIndex

GOOD = b'FROM python:3.11-slim\nWORKDIR /app\nCOPY . .\nEXPOSE 8080\nCMD ["python", "server.py"]\n'


@dataclass
class FakeSubject:
    dockerfile: Dockerfile
    exercise: lab.Exercise
    build: BuildOutcome = field(
        default_factory=lambda: BuildOutcome("sha256:1", "", (), 1.0, Builder("legacy"))
    )
    exposed: tuple[str, ...] = ("8080/tcp",)
    paths: tuple[str, ...] = ()

    def image(self) -> ImageFacts:
        return ImageFacts("sha256:1", 1, {"ExposedPorts": {p: {} for p in self.exposed}}, (), 1)

    def files(self) -> FileIndex:
        return FileIndex(files={p: FileEntry(p, 10, 0o644, "file", 1) for p in self.paths}, layer_count=2)

    def layer_origin(self, layer: int) -> str:
        return f"layer {layer + 1}"


def _check(check, data: bytes = GOOD, port: int | None = 8080, **kwargs: object) -> GoalResult:
    exercise = lab.Exercise(Path("/labs/03-x"), "webapp", "t", port=port)
    subject = FakeSubject(parse_bytes(data, Path("Dockerfile")), exercise, **kwargs)  # type: ignore[arg-type]
    return evaluate(goal("g", "goal", 1, check, "the hint"), subject)  # type: ignore[arg-type]


def test_workdir_passes_on_an_absolute_workdir() -> None:
    assert _check(static_goals.workdir()).status == "pass"


def test_workdir_reports_the_missing_workdir_and_every_cd() -> None:
    data = b"FROM python:3.11-slim\nCOPY . /app\nRUN cd /app && pip install .\nCMD cd /app; python s.py\n"
    result = _check(static_goals.workdir(), data)
    assert result.status == "fail"
    assert "expected a WORKDIR in the final stage, got none" in result.message
    assert "at line 3" in result.message and "at line 4" in result.message


def test_workdir_must_be_absolute_but_may_be_a_variable() -> None:
    relative = _check(static_goals.workdir(), b"FROM python:3.11-slim\nWORKDIR app\nCMD [\"python\"]\n")
    assert "expected an absolute WORKDIR path, got 'app' at line 2" in relative.message
    variable = b"FROM python:3.11-slim\nARG HOME=/srv\nWORKDIR $HOME\nCMD [\"python\"]\n"
    assert _check(static_goals.workdir(), variable).status == "pass"


def test_a_command_that_only_mentions_cd_is_not_a_cd() -> None:
    data = b"FROM python:3.11-slim\nWORKDIR /app\nRUN echo abcd && pip install cdlib\n"
    assert _check(static_goals.workdir(), data).status == "pass"


def test_exec_form_passes_on_a_json_array() -> None:
    assert _check(static_goals.exec_form_command()).status == "pass"


@pytest.mark.parametrize(
    ("tail", "words"),
    [
        (b"CMD python server.py\n", "got the shell form `CMD python server.py` at line 3"),
        (b"CMD [python, server.py]\n", "JSON array of double-quoted strings, got `[python, server.py]`"),
        (b"CMD ['python', 'server.py']\n", "JSON array of double-quoted strings"),
        (b"", "got neither"),
        (b'ENTRYPOINT python\nCMD ["server.py"]\n', "expected ENTRYPOINT in exec form"),
    ],
)
def test_exec_form_fails_on_what_docker_runs_through_a_shell(tail: bytes, words: str) -> None:
    result = _check(static_goals.exec_form_command(), b"FROM python:3.11-slim\nWORKDIR /app\n" + tail)
    assert result.status == "fail" and words in result.message


def test_exec_form_looks_at_the_last_cmd_only() -> None:
    data = b'FROM python:3.11-slim\nCMD python old.py\nCMD ["python", "server.py"]\n'
    assert _check(static_goals.exec_form_command(), data).status == "pass"


@pytest.mark.parametrize(
    ("exposed", "got"),
    [(("5000/tcp",), "got EXPOSE 5000"), (("8080/tcp", "9000/tcp"), "got EXPOSE 8080 9000"),
     ((), "got no EXPOSE"), (("8080/udp",), "got EXPOSE 8080/udp")],
)
def test_expose_must_be_the_apps_port_alone(exposed: tuple[str, ...], got: str) -> None:
    result = _check(image_goals.exposes_app_port(), exposed=exposed)
    assert result.status == "fail"
    assert result.message == f"expected EXPOSE 8080 (the app's port) and no other, {got}"


def test_expose_passes_on_the_apps_port() -> None:
    assert _check(image_goals.exposes_app_port()).status == "pass"


def test_expose_without_a_port_in_lab_toml_is_a_grading_error() -> None:
    with pytest.raises(CheckError):
        _check(image_goals.exposes_app_port(), port=None)


def test_files_absent_each_names_every_kind_left_in() -> None:
    groups = ((".git", ("**/.git", "**/.git/*")), ("secrets", ("**/secrets.env",)), ("tests", ("**/t.py",)))
    paths = ("app/.git/HEAD", "app/.git/config", "app/secrets.env", "app/server.py")
    result = _check(image_goals.files_absent_each(groups), paths=paths)
    assert result.message == ("expected no .git, got /app/.git/HEAD and 1 more; "
                              "expected no secrets, got /app/secrets.env")
    assert result.measured == {".git": 2, "secrets": 1, "tests": 0}
    assert _check(image_goals.files_absent_each(groups), paths=("app/server.py",)).status == "pass"


def _exercise(tmp_path: Path, **kwargs: object) -> lab.Exercise:
    app = tmp_path / "lab" / "ex" / "app"
    app.mkdir(parents=True)
    (app / "server.py").write_text("print('hi')\n")
    return lab.Exercise(tmp_path / "lab", "ex", "t", **kwargs)  # type: ignore[arg-type]


def test_the_context_copy_gets_the_students_files_and_the_planted_ones(tmp_path: Path) -> None:
    exercise = _exercise(tmp_path, context_files=(".dockerignore",),
                         plant=(("secrets.env", "TOKEN=x\n"), (".git/HEAD", "ref\n")))
    student = tmp_path / "mine"
    student.mkdir()
    (student / "Dockerfile").write_text("FROM scratch\n")
    (student / ".dockerignore").write_text("secrets.env\n")
    (tmp_path / "work").mkdir()
    built = _assemble_context(exercise, student / "Dockerfile", tmp_path / "work")
    copied = built.context
    assert copied != exercise.context and copied.is_relative_to(tmp_path / "work")
    assert (copied / ".dockerignore").read_text() == "secrets.env\n"
    assert (copied / "secrets.env").read_text() == "TOKEN=x\n" and (copied / ".git/HEAD").is_file()
    assert (copied / "server.py").is_file()
    assert sorted(p.name for p in exercise.context.iterdir()) == ["server.py"]


def test_a_missing_context_file_is_simply_not_copied(tmp_path: Path) -> None:
    exercise = _exercise(tmp_path, context_files=(".dockerignore",))
    (tmp_path / "work").mkdir()
    built = _assemble_context(exercise, tmp_path / "Dockerfile", tmp_path / "work")
    assert not (built.context / ".dockerignore").exists()


def test_without_context_files_the_context_is_used_where_it_is(tmp_path: Path) -> None:
    exercise = _exercise(tmp_path)
    assert _assemble_context(exercise, tmp_path / "Dockerfile", tmp_path) is exercise


def test_lab_03_declares_its_context_files_and_plants() -> None:
    webapp = lab.find("03").exercise("webapp")
    assert webapp.context_files == (".dockerignore",)
    assert {path for path, _ in webapp.plant} >= {"secrets.env", ".git/HEAD"}
    assert not (webapp.context / "secrets.env").exists(), "planted files never live in app/"


@pytest.mark.parametrize("bad", ["../outside", "/etc/passwd"])
def test_planted_paths_stay_inside_the_context(tmp_path: Path, bad: str) -> None:
    folder = tmp_path / "42-broken"
    folder.mkdir()
    (folder / "lab.toml").write_text(
        f'format = 1\ntitle = "t"\nchapter = 1\nminutes = 1\n[[exercises]]\nname = "e"\ntitle = "t"\n'
        f'[exercises.plant]\n"{bad}" = "x"\n'
    )
    with pytest.raises(LabError, match="relative path inside the build context"):
        lab.load(folder)
