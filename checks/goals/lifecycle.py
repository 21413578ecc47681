"""Lifecycle goals: watch one container go from created to exited, and judge how it went.

The Subject runs the whole life once (create, start, wait for health, stop with a grace
period, inspect) and every goal here reads that one run, so the states a student sees in
one goal's result are the same ones another goal judged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from checks.engine import StateChange
from checks.goals import Check, Subject, Verdict


@dataclass(frozen=True)
class LifecycleRun:
    """One container's life as the checker saw it."""

    timeline: tuple[StateChange, ...] = ()
    has_healthcheck: bool = False
    stop_seconds: float | None = None  # None when it was never stopped (it had exited already)
    exit_code: int | None = None
    logs: str = ""
    last_probe: str = ""  # the last health probe's output, as the daemon kept it
    problem: str = ""  # why there was no life to watch (no command, could not start)

    def states(self) -> str:
        """The observed states, in order, with the time each was first seen."""
        return " → ".join(f"{c.state.label} {c.seconds:.1f} s" for c in self.timeline)

    def healthy_after(self) -> float | None:
        return next((c.seconds for c in self.timeline if c.state.health == "healthy"), None)

    def ran_until_stopped(self) -> bool:
        return self.stop_seconds is not None


def has_healthcheck(config: dict[str, Any]) -> bool:
    """The image config declares a health probe (``HEALTHCHECK NONE`` does not count)."""
    test = (config.get("Healthcheck") or {}).get("Test") or []
    return bool(test) and test[0] != "NONE"


def stops_on_sigterm(
    max_s: float = 2.0, grace_s: float = 10.0, path: str = "/", watch_s: float = 10.0
) -> Check:
    """Stopped with a ``grace_s`` grace period, the container is gone within ``max_s`` with exit
    code 0: the app itself received the stop signal and shut down. The container is stopped
    once healthy (at most ``watch_s`` after the start) and answering on ``path``."""

    def run(subject: Subject) -> Verdict:
        life = subject.lifecycle(path, watch_s, grace_s)
        verdict = _start(life)
        if life.problem:
            verdict.failures.append(f"expected a running container to stop, got {life.problem}")
            return verdict
        if not life.ran_until_stopped():
            verdict.failures.append(f"expected the app still running when stopped, got it exited by itself "
                                    f"with code {life.exit_code}")
        else:
            assert life.stop_seconds is not None
            verdict.measured["stop_s"] = round(life.stop_seconds, 2)
            verdict.measured["exit_code"] = life.exit_code
            got = f"{life.stop_seconds:.1f} s"
            if life.stop_seconds >= grace_s - 0.5:
                got += f" (nothing answered SIGTERM, so SIGKILL came after the {grace_s:g} s grace period)"
            verdict.expect(life.stop_seconds <= max_s, f"a stop within {max_s:g} s", got)
            verdict.expect(life.exit_code == 0, "exit code 0", _explain_exit(life.exit_code))
        if verdict.failures:
            verdict.notes.append("states seen: " + life.states())
            if life.logs.strip():
                verdict.notes.append("the app's last log lines:\n" + life.logs.rstrip())
        return verdict

    return Check(run)


def becomes_healthy(within_s: float = 10.0, grace_s: float = 10.0, path: str = "/") -> Check:
    """The image's HEALTHCHECK reports ``healthy`` within ``within_s`` of the start."""

    def run(subject: Subject) -> Verdict:
        life = subject.lifecycle(path, within_s, grace_s)
        verdict = _start(life)
        if life.problem:
            verdict.failures.append(f"expected a container to watch, got {life.problem}")
            return verdict
        if not life.has_healthcheck:
            verdict.failures.append("expected a HEALTHCHECK in the image, got none")
            return verdict
        after = life.healthy_after()
        verdict.measured["healthy_s"] = round(after, 2) if after is not None else None
        running = [c.state for c in life.timeline if c.state.status == "running"]
        if after is None:
            got = f"{running[-1].health} after {within_s:g} s" if running else "a container that never ran"
        else:
            got = f"{after:.1f} s"
        verdict.expect(after is not None and after <= within_s, f"healthy within {within_s:g} s", got)
        if verdict.failures:
            verdict.notes.append("states seen: " + life.states())
            if life.last_probe:
                verdict.notes.append("the last health probe printed:\n" + life.last_probe)
        return verdict

    return Check(run)


def healthcheck_declared() -> Check:
    """The image config has a HEALTHCHECK (read from the built image, so a base's counts too)."""

    def run(subject: Subject) -> Verdict:
        config = subject.image().config
        test = (config.get("Healthcheck") or {}).get("Test") or []
        verdict = Verdict(measured={"healthcheck": " ".join(test[1:])[:60] if test else None})
        verdict.expect(has_healthcheck(config), "a HEALTHCHECK instruction",
                       "HEALTHCHECK NONE" if test[:1] == ["NONE"] else "none")
        return verdict

    return Check(run)


def _start(life: LifecycleRun) -> Verdict:
    # Every lifecycle goal shows the same observed states, passed or not.
    return Verdict(measured={"states": life.states()} if life.timeline else {})


def _explain_exit(code: int | None) -> str:
    meaning = {
        137: "137: killed by SIGKILL",
        143: "143: ended by SIGTERM without handling it, so nothing was cleaned up",
    }
    return meaning.get(code or 0, str(code))
