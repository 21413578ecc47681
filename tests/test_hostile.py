"""Grading under hostile conditions: the engine vanishing, a full disk, broken labs,
signals, two graders at once, and a student's own containers and images nearby."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import docker.errors
import pytest
from conftest import FIXTURES, ROOT, run_cli
from support.relay import EngineRelay

from checks import cli, lab
from checks.engine import LABEL_MANAGED, Engine

ENDLESS = Path(__file__).parent / "corpus" / "dockerfiles" / "endless-run.Dockerfile"


@pytest.mark.parametrize("builder", ["buildkit", "legacy"])
def test_the_engine_going_away_mid_build_exits_2(tmp_path: Path, builder: str) -> None:
    relay = EngineRelay(tmp_path / "engine.sock")
    env = {**os.environ, "DOCKER_HOST": relay.docker_host, "LAYERBYLAYER_BUILDER": builder, "COLUMNS": "200"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "checks", "grade", "08", "go", "--quiet", "--dockerfile", str(ENDLESS)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    time.sleep(6)
    relay.cut()
    output, _ = proc.communicate(timeout=120)
    assert proc.returncode == 2, output
    assert "the engine" in output and "during the build" in output
    assert "nox -s clean" in output and "Traceback" not in output


def test_a_full_disk_is_named_as_such(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def no_space(*_args: object, **_kwargs: object) -> None:
        raise docker.errors.APIError("write /var/lib/docker/tmp/docker-export: no space left on device")

    monkeypatch.setattr("docker.api.image.ImageApiMixin.get_image", no_space)
    code = cli.main(["grade", "08", "go", "--solution", "--quiet"])
    output = capsys.readouterr().out
    assert code == 2
    assert "the disk is full" in output and "nox -s clean" in output


def _write_lab(root: Path, toml: str | None) -> None:
    folder = root / "42-broken"
    folder.mkdir(parents=True)
    if toml is not None:
        (folder / "lab.toml").write_text(toml)


@pytest.mark.parametrize(
    ("toml", "words"),
    [(None, "no lab matches '42'"), ("format = 1\ntitle = [\n", "lab.toml is not valid TOML")],
)
def test_a_broken_lab_folder_exits_2(tmp_path: Path, toml: str | None, words: str) -> None:
    _write_lab(tmp_path, toml)
    result = run_cli("grade", "42", env={"LAYERBYLAYER_LABS_DIR": str(tmp_path)})
    assert result.code == 2 and words in result.output and "Traceback" not in result.output


def _labelled(client: docker.DockerClient) -> set[str]:
    selector = {"label": f"{LABEL_MANAGED}=true"}
    return {c.id for c in client.containers.list(all=True, filters=selector)} | {
        i.id for i in client.images.list(filters=selector)
    }


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_mid_build_stops_and_cleans_up(sig: signal.Signals) -> None:
    client = Engine().client
    before = _labelled(client)
    env = {**os.environ, "COLUMNS": "200"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "checks", "grade", "08", "go", "--dockerfile", str(ENDLESS)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(iter(proc.stdout.readline, "")), daemon=True).start()
    deadline = time.monotonic() + 120
    while not any("RUN sleep 100000" in line for line in lines):
        assert time.monotonic() < deadline, "".join(lines)
        time.sleep(0.2)
    proc.send_signal(sig)
    assert proc.wait(timeout=60) == 130
    assert "interrupted" in "".join(lines)
    assert _labelled(client) <= before
    deadline = time.monotonic() + 20  # the engine cancels the build step soon after
    while subprocess.run(["pgrep", "-f", "sleep 100000"], capture_output=True).stdout:
        assert time.monotonic() < deadline, "the build step outlived the grader"
        time.sleep(0.5)


def test_two_graders_at_once_both_finish_correctly() -> None:
    env = {**os.environ, "COLUMNS": "200"}
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "checks", "grade", "08", "go", "--solution", "--quiet"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        ),
        subprocess.Popen(
            [sys.executable, "-m", "checks", "grade", "08", "go", "--quiet"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        ),
        subprocess.Popen(
            [sys.executable, "-m", "checks", "grade", "08", "scratch", "--solution", "--quiet"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        ),
    ]
    outputs = [p.communicate(timeout=600)[0] for p in runs]
    assert [p.returncode for p in runs] == [0, 1, 0], outputs
    assert "PASS 10/10" in outputs[0] and "FAIL 3/10" in outputs[1] and "PASS 9/9" in outputs[2]


def test_grading_and_clean_never_touch_what_has_no_labels() -> None:
    client = Engine().client
    mine = client.containers.create("alpine:3.20", command=["true"], name=f"student-own-{os.getpid()}")
    client.images.get("alpine:3.20").tag(f"student/own:{os.getpid()}")
    try:
        assert run_cli("grade", "08", "scratch", "--solution", "--quiet").code == 0
        cleaned = run_cli("clean")
        assert cleaned.code == 0
        assert client.containers.get(mine.id).name == mine.name
        assert client.images.get(f"student/own:{os.getpid()}")
    finally:
        mine.remove(force=True)
        client.images.remove(f"student/own:{os.getpid()}", noprune=True)


def test_clean_removes_leftovers_and_says_so() -> None:
    engine = Engine()
    leftover = engine.client.containers.create("alpine:3.20", command=["true"], labels=engine.labels)
    result = run_cli("clean")
    assert result.code == 0 and f"container {leftover.name}" in result.output
    with pytest.raises(docker.errors.NotFound):
        engine.client.containers.get(leftover.id)


def test_a_dockerfile_fixture_still_names_its_line() -> None:
    result = run_cli(
        "grade", "08", "go", "--dockerfile", str(FIXTURES / "dockerfiles" / "unknown-instruction.Dockerfile")
    )
    assert result.code == 2 and ":3:" in result.output


def test_labs_without_a_lab_toml_are_not_graded_labs() -> None:
    assert all((the_lab.path / "lab.toml").is_file() for the_lab in lab.all_labs())
