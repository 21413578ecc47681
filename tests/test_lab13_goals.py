"""Lab 13's goal kinds on a fake Subject, and the ELF reader on hand-made headers."""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path

from checks.dockerfile import Dockerfile, parse_bytes
from checks.engine import (
    Builder,
    BuildOutcome,
    CommandResult,
    OutsideProbe,
    ProbeResult,
    VolumeRuns,
    WatchResult,
)
from checks.goals import ImageFacts, evaluate, goal
from checks.goals import troubleshooting as t
from checks.layers import FileEntry, FileIndex


def _elf64(interpreter: bytes | None) -> bytes:
    """A minimal little-endian ELF64 header with one program header (PT_INTERP or PT_LOAD)."""
    header = bytearray(64)
    header[:6] = b"\x7fELF\x02\x01"
    struct.pack_into("<Q", header, 0x20, 64)  # e_phoff
    struct.pack_into("<HH", header, 0x36, 56, 1)  # e_phentsize, e_phnum
    program = bytearray(56)
    payload = (interpreter or b"") + b"\0"
    struct.pack_into("<I", program, 0, 3 if interpreter else 1)
    struct.pack_into("<Q", program, 8, 120)
    struct.pack_into("<Q", program, 32, len(payload))
    return bytes(header + program + payload)


def _elf32(interpreter: bytes) -> bytes:
    header = bytearray(52)
    header[:6] = b"\x7fELF\x01\x01"
    struct.pack_into("<I", header, 0x1C, 52)
    struct.pack_into("<HH", header, 0x2A, 32, 1)
    program = bytearray(32)
    struct.pack_into("<I", program, 0, 3)
    struct.pack_into("<I", program, 4, 84)
    struct.pack_into("<I", program, 16, len(interpreter) + 1)
    return bytes(header + program + interpreter + b"\0")


def test_the_interpreter_of_a_dynamic_elf64_binary() -> None:
    assert t.program_interpreter(_elf64(b"/lib64/ld-linux-x86-64.so.2")) == "/lib64/ld-linux-x86-64.so.2"


def test_the_interpreter_of_an_elf32_binary() -> None:
    assert t.program_interpreter(_elf32(b"/lib/ld-musl-i386.so.1")) == "/lib/ld-musl-i386.so.1"


def test_a_static_binary_a_script_and_garbage() -> None:
    assert t.program_interpreter(_elf64(None)) is None
    assert t.program_interpreter(b"#!/bin/sh -eu\necho hi\n") == "/bin/sh"
    assert t.program_interpreter(b"\x7fELF\x02\x01" + b"\xff" * 100) is None  # headers out of range
    assert t.program_interpreter(b"plain text") is None


@dataclass
class FakeSubject:
    dockerfile: Dockerfile = field(default_factory=lambda: parse_bytes(b"FROM scratch\n", Path("D")))
    build: BuildOutcome = field(default_factory=lambda: BuildOutcome("s", "", (), 1, Builder("legacy")))
    exercise: object = None
    config: dict[str, object] = field(default_factory=lambda: {"Entrypoint": ["/app"]})
    image_files: dict[str, bytes] = field(default_factory=dict)
    outside: OutsideProbe = field(
        default_factory=lambda: OutsideProbe(ProbeResult(200, 0.1, True, None, "", ""), ""))
    watched: WatchResult = field(default_factory=lambda: WatchResult(True, 0, "running", None, ""))
    volume: VolumeRuns = field(default_factory=lambda: VolumeRuns(
        (CommandResult(0, "visit 1"), CommandResult(0, "visit 2")), "uid=10001(app)", "drwxr-xr-x /data"))
    modes: dict[str, int] = field(default_factory=dict)

    def image(self) -> ImageFacts:
        return ImageFacts("sha256:1", 1, self.config, (), 1)

    def files(self) -> FileIndex:
        return FileIndex(files={p: FileEntry(p, 0, m, "dir", 0) for p, m in self.modes.items()})

    def read_file(self, path: str) -> bytes | None:
        return self.image_files.get(path)

    def probe_from_neighbour(self, path: str, within_s: float) -> OutsideProbe:
        return self.outside

    def watch(self, seconds: float) -> WatchResult:
        return self.watched

    def runs_on_fresh_volume(self, mount: str, runs: int, timeout: float) -> VolumeRuns:
        return self.volume


def _check(check, subject: FakeSubject):
    return evaluate(goal("g", "goal", 3, check, "the hint"), subject)


def test_loadable_fails_on_a_missing_loader_and_passes_once_it_is_there() -> None:
    subject = FakeSubject(image_files={"/app": _elf64(b"/lib/ld.so")})
    result = _check(t.entrypoint_loadable(), subject)
    assert result.status == "fail" and "expected /lib/ld.so" in result.message
    assert "dynamically linked" in result.notes[0]
    subject.image_files["/lib/ld.so"] = b"\x7fELF"
    assert _check(t.entrypoint_loadable(), subject).status == "pass"


def test_loadable_searches_path_for_a_bare_command() -> None:
    subject = FakeSubject(config={"Cmd": ["app"], "Env": ["PATH=/opt/bin:/bin"]},
                          image_files={"/opt/bin/app": _elf64(None)})
    result = _check(t.entrypoint_loadable(), subject)
    assert result.status == "pass" and result.measured["entrypoint"] == "/opt/bin/app"
    nothing = _check(t.entrypoint_loadable(), FakeSubject(config={}))
    assert nothing.message.startswith("expected an ENTRYPOINT")


def test_a_neighbour_refused_points_at_the_loopback_socket() -> None:
    sockets = ("tcp 0 0 127.0.0.11:41147 0.0.0.0:* LISTEN\n"
               "tcp 0 0 127.0.0.1:8080 0.0.0.0:* LISTEN\n")
    refused = ProbeResult(None, 5.0, True, None, "listening on 127.0.0.1:8080", "Connection refused")
    result = _check(t.answers_from_neighbour(), FakeSubject(outside=OutsideProbe(refused, sockets)))
    assert result.status == "fail" and "(connection refused)" in result.message
    assert "127.0.0.11" not in result.notes[0] and "127.0.0.1:8080" in result.notes[0]
    assert "0.0.0.0" in result.notes[1]


def test_a_crash_loop_reports_restarts_and_counts_log_lines() -> None:
    looping = WatchResult(False, 4, "restarting", 1, "APP_ENV is not set\n" * 4)
    result = _check(t.stays_up(3), FakeSubject(watched=looping))
    assert result.message == ("expected still running after 3 s with no restart, "
                              "got restarting, 4 restart(s), last exit code 1")
    assert "  4 APP_ENV is not set" in result.notes[0]
    assert _check(t.stays_up(3), FakeSubject()).status == "pass"


def test_fresh_volume_needs_every_run_to_succeed_and_the_data_to_survive() -> None:
    assert _check(t.writes_to_fresh_volume("/data", expect_in_last="visit 2"), FakeSubject()).status == "pass"
    denied = VolumeRuns((CommandResult(1, "Permission denied"), CommandResult(1, "Permission denied")),
                        "uid=10001(app)", "drwxr-xr-x 2 0 0 /data")
    result = _check(t.writes_to_fresh_volume("/data"), FakeSubject(volume=denied))
    assert "got exit codes 1, 1" in result.message
    assert any("uid=10001" in n and "2 0 0 /data" in n for n in result.notes)
    forgetful = VolumeRuns((CommandResult(0, "visit 1"), CommandResult(0, "visit 1")), "", "")
    check = t.writes_to_fresh_volume("/data", expect_in_last="visit 2")
    result = _check(check, FakeSubject(volume=forgetful))
    assert "the last run to print 'visit 2'" in result.message


def test_world_writable_directories_fail_and_absent_ones_pass() -> None:
    assert _check(t.not_world_writable("/data"), FakeSubject(modes={"data": 0o777})).message == \
        "expected /data not writable by every user, got mode 777"
    assert _check(t.not_world_writable("/data"), FakeSubject(modes={"data": 0o755})).status == "pass"
    assert _check(t.not_world_writable("/data"), FakeSubject()).status == "pass"
