"""Troubleshooting goals (lab 13): each one reproduces a classic failure from the outside,
the way the chapter diagnoses it, and reports the evidence a student would collect:

- ``entrypoint_loadable``: the entrypoint's ELF header (or ``#!`` line) names a loader
  that is in the image; "no such file or directory" for a binary that is there.
- ``answers_from_neighbour``: the app answers a request from another container, which a
  server bound to 127.0.0.1 never does (the in-namespace probe cannot tell).
- ``stays_up``: under a restart policy, the container is still running after a while,
  with no restarts; a crash loop shows up as a restart count.
- ``writes_to_fresh_volume``: the app, as its own user, can write to a new named volume.
- ``not_world_writable``: a directory is not mode o+w, the fix that undoes non-root.
"""

from __future__ import annotations

import posixpath
import struct
from collections import Counter

from checks.goals import Check, Subject, Verdict

PT_INTERP = 3
DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def program_interpreter(data: bytes) -> str | None:
    """What the kernel must open before it can run ``data``: the ``#!`` program of a script,
    or the PT_INTERP path (the dynamic loader) of an ELF executable. None when it needs
    nothing else (a static binary) or is neither."""
    if data.startswith(b"#!"):
        words = data[2:].split(b"\n", 1)[0].split()
        return words[0].decode(errors="replace") if words else None
    if len(data) < 0x34 or data[:4] != b"\x7fELF":
        return None
    wide = data[4] == 2  # EI_CLASS: 1 is 32-bit, 2 is 64-bit
    order = "<" if data[5] == 1 else ">"  # EI_DATA: 1 is little-endian
    if wide:
        phoff, = struct.unpack_from(order + "Q", data, 0x20)
        phentsize, phnum = struct.unpack_from(order + "HH", data, 0x36)
    else:
        phoff, = struct.unpack_from(order + "I", data, 0x1C)
        phentsize, phnum = struct.unpack_from(order + "HH", data, 0x2A)
    for number in range(phnum):
        at = phoff + number * phentsize
        if at + phentsize > len(data) or phentsize < (56 if wide else 32):
            return None
        p_type, = struct.unpack_from(order + "I", data, at)
        if p_type != PT_INTERP:
            continue
        if wide:
            offset, = struct.unpack_from(order + "Q", data, at + 8)
            size, = struct.unpack_from(order + "Q", data, at + 32)
        else:
            offset, = struct.unpack_from(order + "I", data, at + 4)
            size, = struct.unpack_from(order + "I", data, at + 16)
        return data[offset:offset + size].split(b"\0", 1)[0].decode(errors="replace") or None
    return None


def entrypoint_program(config: dict[str, object]) -> str | None:
    """The program the container starts: the first word of ENTRYPOINT, else of CMD."""
    argv = [str(a) for a in (config.get("Entrypoint") or config.get("Cmd") or [])]  # type: ignore[union-attr]
    return argv[0] if argv else None


def _candidates(program: str, config: dict[str, object]) -> list[str]:
    if program.startswith("/"):
        return [program]
    env = [str(e) for e in (config.get("Env") or [])]  # type: ignore[union-attr]
    path = next((e.split("=", 1)[1] for e in env if e.startswith("PATH=")), DEFAULT_PATH)
    if "/" in program:  # relative to the working directory
        return [posixpath.join(str(config.get("WorkingDir") or "/"), program)]
    return [posixpath.join(folder, program) for folder in path.split(":") if folder]


def entrypoint_loadable() -> Check:
    """The entrypoint is in the image, and so is the loader (or ``#!`` program) it names."""

    def run(subject: Subject) -> Verdict:
        verdict = Verdict()
        config = subject.image().config
        program = entrypoint_program(config)
        if program is None:
            verdict.failures.append("expected an ENTRYPOINT or CMD, got neither")
            return verdict
        found = next(((path, data) for path in _candidates(program, config)
                      if (data := subject.read_file(path)) is not None), None)
        if found is None:
            verdict.failures.append(f"expected the entrypoint {program} in the image, got no such file")
            return verdict
        path, data = found
        interpreter = program_interpreter(data)
        verdict.measured.update(entrypoint=path, interpreter=interpreter or "none (static)")
        if interpreter is None:
            return verdict
        present = subject.read_file(interpreter) is not None
        verdict.expect(present, f"{interpreter}, which {path} needs to start, in the image",
                       f"no such file (the kernel reports it as `exec {path}: no such file or directory`)")
        if not present and data.startswith(b"\x7fELF"):
            verdict.notes.append(
                f"{path} is dynamically linked: its ELF header names the loader {interpreter}, and "
                "the image has none. `docker cp` the binary out and run `file` on it to see this"
            )
        return verdict

    return Check(run)


def answers_from_neighbour(path: str = "/", within_s: float = 5.0) -> Check:
    """Another container on a shared network gets HTTP 200 on ``path`` within ``within_s``.

    This is the path a published port takes: to the container's interface, not its loopback.
    """

    def run(subject: Subject) -> Verdict:
        outside = subject.probe_from_neighbour(path, within_s)
        result = outside.result
        verdict = Verdict(measured={"status": result.status, "seconds": round(result.seconds, 2)})
        got = f"HTTP {result.status}" if result.status else "no answer"
        if result.problem:
            got += f" ({result.problem})"
        elif result.status is None and not result.app_running:
            got += f" (the app exited with code {result.app_exit_code})"
        elif result.status is None and "refused" in result.probe_output.lower():
            got += " (connection refused)"
        verdict.expect(result.status == 200, f"HTTP 200 on {path} from another container within "
                       f"{within_s:g} s", got)
        if verdict.failures:
            # 127.0.0.11 is the engine's embedded DNS resolver, not the app.
            listening = [line.strip() for line in outside.sockets.splitlines()
                         if "LISTEN" in line and "127.0.0.11:" not in line]
            if listening:
                verdict.notes.append("what the app listens on (netstat -ltn in its namespace):\n  "
                                     + "\n  ".join(listening))
            if any(" 127.0.0.1:" in f" {line}" for line in listening):
                verdict.notes.append(
                    "127.0.0.1 is the container's own loopback: no neighbour and no published port "
                    "can reach it. Listen on 0.0.0.0"
                )
            if result.app_logs.strip():
                verdict.notes.append("the app's last log lines (docker logs):\n" + result.app_logs.rstrip())
        return verdict

    return Check(run)


def stays_up(seconds: float = 3.0) -> Check:
    """Started as the image is configured, under ``--restart on-failure``, the container is
    still running after ``seconds`` and was never restarted."""

    def run(subject: Subject) -> Verdict:
        watched = subject.watch(seconds)
        verdict = Verdict(measured={"restarts": watched.restarts, "status": watched.status})
        got = f"{watched.status}, {watched.restarts} restart(s)"
        if watched.exit_code is not None:
            got += f", last exit code {watched.exit_code}"
        verdict.expect(watched.running and watched.restarts == 0,
                       f"still running after {seconds:g} s with no restart", got)
        if verdict.failures and watched.logs.strip():
            counted = Counter(line for line in watched.logs.splitlines() if line.strip())
            verdict.notes.append("docker logs, every attempt (count, line):\n" + "\n".join(
                f"  {count:>3} {line}" for line, count in counted.most_common(8)))
        return verdict

    return Check(run)


def writes_to_fresh_volume(
    mount: str, runs: int = 2, expect_in_last: str = "", timeout_s: float = 20
) -> Check:
    """The image's own command, run ``runs`` times on one new named volume at ``mount``,
    exits 0 each time (and the last run prints ``expect_in_last``: the data survived)."""

    def run(subject: Subject) -> Verdict:
        done = subject.runs_on_fresh_volume(mount, runs, timeout_s)
        codes = [r.exit_code for r in done.runs]
        verdict = Verdict(measured={"exit_codes": codes})
        verdict.expect(all(c == 0 for c in codes), f"{runs} runs on a new volume at {mount} to exit 0",
                       "exit codes " + ", ".join("still running" if c is None else str(c) for c in codes))
        last = done.runs[-1].output if done.runs else ""
        if expect_in_last and not verdict.failures:
            verdict.expect(expect_in_last in last, f"the last run to print {expect_in_last!r}",
                           repr(last.strip()[-200:]))
        if verdict.failures:
            failing = next((r.output for r in done.runs if r.exit_code != 0), last)
            if failing.strip():
                verdict.notes.append("the app said (docker logs):\n" + failing.rstrip())
            verdict.notes.append(f"the app runs as: {done.user}\nthe new volume at {mount}: {done.listing}")
        return verdict

    return Check(run)


def not_world_writable(path: str) -> Check:
    """``path`` in the image, if it is there, is not writable by every user (mode o+w)."""

    def run(subject: Subject) -> Verdict:
        entry = subject.files().get(path)
        verdict = Verdict()
        if entry is not None:
            verdict.measured["mode"] = oct(entry.mode & 0o7777)
            verdict.expect(not entry.mode & 0o002, f"{path} not writable by every user",
                           f"mode {entry.mode & 0o7777:o}")
        return verdict

    return Check(run)
