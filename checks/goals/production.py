"""Production goals (lab 12): what an operator needs from an image and from its container.

Image and static checks read the config and the Dockerfile: OCI labels, a pinned base,
the form of the command. Runtime checks start the image on its own ENTRYPOINT/CMD, the
way a production host would (no ``--init`` flag, no extra options), and watch it: its
health check, what PID 1 does with orphans, where a request's log line goes, how it
stops on SIGTERM, and whether it lives under a memory limit.

Runtime checks keep the root filesystem writable (the sandbox's other limits stay): each
judges one practice, and an app that writes a log file would otherwise fail all of them
for that one reason; ``logs_to_stdout`` needs the writes to see them in ``docker diff``.
"""

from __future__ import annotations

import re
import time
import uuid
from typing import TYPE_CHECKING, Any, Protocol

from checks.goals import Check, Subject, Verdict

if TYPE_CHECKING:
    from checks.engine import CommandResult, ProbeResult

OCI = "org.opencontainers.image."
SHELLS = frozenset({"sh", "/bin/sh", "bash", "/bin/bash", "/usr/bin/sh", "/usr/bin/bash", "ash", "/bin/ash"})
_DIGEST = re.compile(r"@sha256:[0-9a-f]{64}$")
_EXACT_VERSION = re.compile(r"(?<![\d.])\d+\.\d+\.\d+")
START_S = 10.0  # how long a runtime goal waits for the app's first answer


class RunningApp(Protocol):
    """One running container of the graded image, as a goal may use it."""

    problem: str

    def get(self, path: str, within_s: float) -> ProbeResult: ...
    def run(self, argv: list[str]) -> CommandResult: ...
    def state(self) -> dict[str, Any]: ...
    def logs(self) -> str: ...
    def stop(self, timeout_s: int) -> float: ...
    def files_containing(self, text: str) -> list[str]: ...


# -- pure helpers ------------------------------------------------------------------------------


def split_reference(ref: str) -> tuple[str, str | None, str | None]:
    """``name[:tag][@digest]`` into its parts; a registry's ``host:port/`` stays in the name."""
    name, _, digest = ref.partition("@")
    repo, colon, tag = name.rpartition(":")
    if not colon or "/" in tag:
        return name, None, digest or None
    return repo, tag, digest or None


def is_pinned(ref: str) -> bool:
    """A digest, or a tag that names a full release (``3.11.2-slim``, ``1.22.5-alpine3.20``)."""
    if _DIGEST.search(ref):
        return True
    _, tag, _ = split_reference(ref)
    return tag is not None and bool(_EXACT_VERSION.search(tag))


def zombies(proc_stats: str) -> list[tuple[int, str]]:
    """(pid, command) of every process in state Z, from ``cat /proc/[0-9]*/stat``."""
    found = []
    for line in proc_stats.splitlines():
        # pid (comm) state ...: comm may hold spaces and parentheses, so split at the last ')'.
        head, _, rest = line.rpartition(")")
        pid, _, comm = head.partition(" (")
        if rest.split()[:1] == ["Z"] and pid.strip().isdigit():
            found.append((int(pid), comm))
    return found


def process_name(proc_stats: str, pid: int) -> str:
    for line in proc_stats.splitlines():
        head = line.rpartition(")")[0]
        number, _, comm = head.partition(" (")
        if number.strip() == str(pid):
            return comm
    return "unknown"


def shell_form(command: list[str]) -> bool:
    """True when the image's command runs through a shell: ``/bin/sh -c ...``."""
    return len(command) >= 2 and command[0] in SHELLS and command[1] == "-c"


def _no_answer(result: ProbeResult) -> str:
    if result.problem:
        return result.problem
    if not result.app_running:
        return f"no answer (the app exited with code {result.app_exit_code})"
    return f"HTTP {result.status}" if result.status else "no answer"


def _started(verdict: Verdict, app: RunningApp, path: str = "/") -> bool:
    """The app answers ``path`` within START_S; records a failure and returns False if not."""
    if app.problem:
        verdict.failures.append(f"expected the app to start, got {app.problem}")
        return False
    first = app.get(path, START_S)
    if first.status == 200:
        return True
    verdict.failures.append(f"expected HTTP 200 on {path} within {START_S:g} s, got {_no_answer(first)}")
    if first.app_logs.strip():
        verdict.notes.append("the app's last log lines:\n" + first.app_logs.rstrip())
    return False


# -- image and static goals -------------------------------------------------------------------


def oci_labels(*keys: str) -> Check:
    """The image carries a non-empty ``org.opencontainers.image.<key>`` label for each key."""

    def run(subject: Subject) -> Verdict:
        labels = subject.image().config.get("Labels") or {}
        present = sorted(k.removeprefix(OCI) for k in labels if k.startswith(OCI))
        verdict = Verdict(measured={"oci_labels": present})
        missing = [key for key in keys if not str(labels.get(OCI + key) or "").strip()]
        verdict.expect(not missing, f"non-empty labels {OCI}{{{', '.join(keys)}}}",
                       f"{'none' if len(missing) == len(keys) else 'no'} {', '.join(missing)}")
        return verdict

    return Check(run)


def pinned_bases() -> Check:
    """Every FROM that names an image (not a stage, not scratch) pins a full version or a
    digest. The FROM is read as written: an ARG in it cannot be judged, so it fails."""

    def run(subject: Subject) -> Verdict:
        dockerfile = subject.dockerfile
        verdict = Verdict()
        bases = [s for s in dockerfile.stages
                 if s.base != "scratch" and not _earlier_stage(subject, s.base, s.index)]
        verdict.measured["bases"] = [s.base for s in bases]
        for stage in bases:
            name, _, _ = split_reference(stage.base)
            verdict.expect(is_pinned(stage.base),
                           f"FROM {name} with an exact version (x.y.z) or an @sha256: digest",
                           f"FROM {stage.base} (line {stage.line})")
        return verdict

    return Check(run, needs_image=False)


def _earlier_stage(subject: Subject, ref: str, index: int) -> bool:
    stage = subject.dockerfile.stage(ref)
    return stage is not None and stage.index < index


# -- runtime goals ----------------------------------------------------------------------------


def healthcheck_healthy(within_s: float = 20.0, interval_s: float = 1.0) -> Check:
    """The image has a HEALTHCHECK, and running the image's check every ``interval_s``
    turns the container ``healthy`` within ``within_s``."""

    def run(subject: Subject) -> Verdict:
        health = subject.image().config.get("Healthcheck") or {}
        test = list(health.get("Test") or [])
        verdict = Verdict(measured={"healthcheck": test})
        if not test or test[0] == "NONE":
            verdict.failures.append("expected a HEALTHCHECK in the image, got none")
            return verdict
        with subject.run_app(writable=True, health_interval_s=interval_s) as app:
            if app.problem:
                verdict.failures.append(f"expected the app to start, got {app.problem}")
                return verdict
            start = time.perf_counter()
            state: dict[str, Any] = {}
            status = "starting"
            while time.perf_counter() - start < within_s:
                state = app.state()
                status = str((state.get("Health") or {}).get("Status") or "none")
                if status in ("healthy", "unhealthy") or not state.get("Running"):
                    break
                time.sleep(0.25)
            verdict.measured["status"] = status
            verdict.measured["seconds"] = round(time.perf_counter() - start, 2)
            if not state.get("Running"):
                status = f"the app exited with code {state.get('ExitCode')}"
            verdict.expect(status == "healthy", f"health status healthy within {within_s:g} s", status)
            checks = (state.get("Health") or {}).get("Log") or []
            if verdict.failures and checks:
                last = checks[-1]
                verdict.notes.append(f"the last health check exited {last.get('ExitCode')}; it printed:\n"
                                     + (str(last.get("Output") or "").strip() or "(nothing)"))
        return verdict

    return Check(run)


ORPHANS_SCRIPT = "i=0; while [ $i -lt {n} ]; do ( sleep 0.2 & ); i=$((i + 1)); done"


def init_reaps_orphans(orphans: int = 5, settle_s: float = 1.5) -> Check:
    """The command is in exec form, and PID 1 reaps orphans: ``orphans`` processes whose
    parent exited at once are re-parented to PID 1; after they exit, none is a zombie."""

    def run(subject: Subject) -> Verdict:
        config = subject.image().config
        command = list(config.get("Entrypoint") or []) + list(config.get("Cmd") or [])
        verdict = Verdict(measured={"command": command})
        verdict.expect(not shell_form(command), "an exec-form ENTRYPOINT/CMD (a JSON array)",
                       f"shell form: {' '.join(command)[:120]}")
        with subject.run_app(writable=True) as app:
            if not _started(verdict, app):
                return verdict
            spawned = app.run(["sh", "-c", ORPHANS_SCRIPT.format(n=orphans)])
            if spawned.exit_code != 0:
                verdict.failures.append(f"expected the grader's `sh -c` to leave {orphans} orphans, got exit "
                                        f"code {spawned.exit_code}: {spawned.output.strip()[:200]}")
                return verdict
            time.sleep(settle_s)  # each orphan sleeps 0.2 s, then exits
            stats = app.run(["sh", "-c", "cat /proc/[0-9]*/stat 2>/dev/null"]).output
        found = zombies(stats)
        pid1 = process_name(stats, 1)
        verdict.measured.update(zombies=len(found), pid1=pid1)
        verdict.expect(not found, f"the {orphans} orphans reaped by PID 1",
                       f"{len(found)} zombie processes (PID 1 is {pid1}, which never waits for them)")
        return verdict

    return Check(run)


def logs_to_stdout() -> Check:
    """A request's log line reaches ``docker logs``, and no file in the container holds it.

    The root filesystem stays writable for this goal (and /tmp is on it), so that a log
    file the app writes anywhere shows in ``docker diff`` instead of crashing the app.
    """

    def run(subject: Subject) -> Verdict:
        token = f"lbl-{uuid.uuid4().hex[:10]}"
        path = f"/?from={token}"
        verdict = Verdict()
        with subject.run_app(writable=True) as app:
            if not _started(verdict, app):
                return verdict
            answer = app.get(path, START_S)
            verdict.expect(answer.status == 200, f"HTTP 200 on {path}", _no_answer(answer))
            time.sleep(0.3)  # the line is written after the answer is sent
            logs = app.logs()
            files = app.files_containing(token)
        lines = logs.splitlines()
        verdict.measured.update(log_lines=len(lines), log_files=files)
        verdict.expect(token in logs, f"the request for {path} logged in `docker logs`",
                       f"{len(lines)} log lines, none with it")
        verdict.expect(not files, "no file in the container to hold the log line",
                       ", ".join(files))
        return verdict

    return Check(run)


def graceful_stop(within_s: float = 5.0) -> Check:
    """``docker stop`` (SIGTERM, or the image's STOPSIGNAL) ends the container within
    ``within_s`` with exit code 0: the app caught the signal and shut itself down."""

    def run(subject: Subject) -> Verdict:
        verdict = Verdict()
        kill_after = int(within_s) + 2
        with subject.run_app(writable=True) as app:
            if not _started(verdict, app):
                return verdict
            seconds = app.stop(kill_after)
            state = app.state()
            logs = app.logs()
        code = state.get("ExitCode")
        verdict.measured.update(seconds=round(seconds, 2), exit_code=code)
        killed = " (still running, so SIGKILL: exit 137)" if code == 137 else ""
        verdict.expect(seconds <= within_s, f"the container stopped within {within_s:g} s of SIGTERM",
                       f"{seconds:.1f} s{killed}")
        verdict.expect(code == 0, "exit code 0 (the app shut itself down)", f"exit code {code}")
        if verdict.failures and logs.strip():
            verdict.notes.append("the app's last log lines:\n" + "\n".join(logs.splitlines()[-5:]))
        return verdict

    return Check(run)


def survives_memory_limit(memory_mb: int, workload: str) -> Check:
    """Under ``--memory {memory_mb}m`` (no swap), the app serves ``workload``, is not
    OOM-killed, and still answers afterwards."""

    def run(subject: Subject) -> Verdict:
        verdict = Verdict(measured={"memory_mb": memory_mb})
        with subject.run_app(memory_mb=memory_mb, writable=True) as app:
            if not _started(verdict, app):
                return verdict
            work = app.get(workload, 5)
            state = app.state()
            after = app.get("/", 3) if state.get("Running") else None
        oom = bool(state.get("OOMKilled"))
        verdict.measured.update(oom_killed=oom, workload_status=work.status)
        verdict.expect(not oom, f"no OOM kill under --memory {memory_mb}m",
                       f"OOMKilled=true, exit code {state.get('ExitCode')}")
        verdict.expect(work.status == 200, f"HTTP 200 on {workload}", _no_answer(work))
        verdict.expect(after is not None and after.status == 200, "HTTP 200 on / after the workload",
                       _no_answer(after) if after else "the container had exited")
        return verdict

    return Check(run)
