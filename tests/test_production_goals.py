"""Lab 12's production goals: the pure parts, with no engine."""

from __future__ import annotations

import pytest

from checks.goals import production


@pytest.mark.parametrize(("ref", "pinned"), [
    ("python:3.11.2-slim", True),
    ("golang:1.22.5-alpine3.20", True),
    ("alpine:3.20.3", True),
    ("python:3.11-slim", False),
    ("alpine:3.20", False),
    ("alpine", False),
    ("alpine:latest", False),
    ("localhost:5000/app:1.0", False),
    ("localhost:5000/app:1.0.2", True),
    ("alpine:3.20@sha256:" + "a" * 64, True),
    ("alpine@sha256:" + "a" * 63, False),
    ("${BASE}", False),
])
def test_a_base_is_pinned_by_a_full_version_or_a_digest(ref: str, pinned: bool) -> None:
    assert production.is_pinned(ref) is pinned


def test_a_registry_port_is_not_a_tag() -> None:
    assert production.split_reference("localhost:5000/app") == ("localhost:5000/app", None, None)
    assert production.split_reference("app:1@sha256:ab") == ("app", "1", "sha256:ab")


def test_zombies_are_read_from_proc_stat_even_with_odd_names() -> None:
    stats = "\n".join([
        "1 (tini) S 0 1 1 0 -1 4194560",
        "7 (python) S 1 7 7 0 -1 4194560",
        "13 (sleep) Z 1 6 6 0 -1 4227340",
        "15 (a (b) c) Z 1 6 6 0 -1 4227340",
        "16 (Z) S 1 6 6 0 -1 4227340",
    ])
    assert production.zombies(stats) == [(13, "sleep"), (15, "a (b) c")]
    assert production.process_name(stats, 1) == "tini"
    assert production.process_name("", 1) == "unknown"


@pytest.mark.parametrize(("command", "shell"), [
    (["/bin/sh", "-c", "python server.py"], True),
    (["sh", "-c", "exec python server.py"], True),
    (["/usr/bin/tini", "--", "python", "server.py"], False),
    (["python", "server.py"], False),
    ([], False),
])
def test_shell_form_is_told_from_the_config(command: list[str], shell: bool) -> None:
    assert production.shell_form(command) is shell
