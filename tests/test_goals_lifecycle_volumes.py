"""Lifecycle and volume goal kinds (labs 04, 05) on a fake Subject: no engine involved."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from checks.dockerfile import Dockerfile, parse_bytes
from checks.engine import Builder, BuildOutcome, CommandResult, ContainerState, StateChange
from checks.goals import Check, GoalResult, ImageFacts, evaluate, goal
from checks.goals import lifecycle as lifecycle_goals
from checks.goals import volumes as volume_goals
from checks.goals.lifecycle import LifecycleRun, has_healthcheck
from checks.goals.volumes import BindRun, PersistRuns, WritableRun, layer_changes_outside

PROBE = {"Test": ["CMD", "python", "-B", "/app/probe.py"], "Interval": 2_000_000_000}


def _life(*states: tuple[float, str, str | None, int | None], stop: float | None = 0.4,
          healthcheck: bool = True) -> LifecycleRun:
    timeline = tuple(StateChange(t, ContainerState(status, health, code))
                     for t, status, health, code in states)
    return LifecycleRun(timeline, healthcheck, stop, timeline[-1].state.exit_code, "pid 7 listening\n")


HEALTHY = _life((0.0, "created", None, None), (0.3, "running", "starting", None),
                (2.4, "running", "healthy", None), (2.9, "exited", "healthy", 0))
KILLED = _life((0.0, "created", None, None), (0.3, "running", None, None), (10.6, "exited", None, 137),
               stop=10.2, healthcheck=False)
SLOW = _life((0.0, "created", None, None), (0.3, "running", "starting", None),
             (10.9, "exited", "starting", 0))


@dataclass
class FakeSubject:
    dockerfile: Dockerfile = field(
        default_factory=lambda: parse_bytes(b"FROM alpine:3.20\n", Path("Dockerfile")))
    build: BuildOutcome = field(
        default_factory=lambda: BuildOutcome("sha256:1", "", (), 1.0, Builder("legacy")))
    exercise: object = None
    life: LifecycleRun = HEALTHY
    config: dict = field(default_factory=lambda: {"Healthcheck": PROBE})
    volume: PersistRuns = field(default_factory=lambda: PersistRuns((CommandResult(0, ""),) * 2, "a\nb\n"))
    writable: WritableRun = field(default_factory=lambda: WritableRun(CommandResult(0, ""), ()))
    bind: BindRun = field(
        default_factory=lambda: BindRun(CommandResult(0, ""), {"journal.log": "seed\nnew\n"}))

    def image(self) -> ImageFacts:
        return ImageFacts("sha256:1", 1, self.config, (), 1)

    def lifecycle(self, path: str, watch_s: float, grace_s: float) -> LifecycleRun:
        return self.life

    def volume_runs(self, mount: str, runs: int, data_file: str, timeout_s: float) -> PersistRuns:
        return self.volume

    def writable_run(self, volume_at: str | None, timeout_s: float) -> WritableRun:
        return self.writable

    def bind_run(self, mount: str, seed: tuple[tuple[str, str], ...], timeout_s: float) -> BindRun:
        return self.bind


def _check(check: Check, subject: FakeSubject) -> GoalResult:
    return evaluate(goal("g", "a goal", 1, check, hint="h"), subject)


def test_state_labels_read_like_the_lab_tells_them() -> None:
    assert ContainerState("created", None).label == "created"
    assert ContainerState("running", "starting").label == "running"
    assert ContainerState("running", "healthy").label == "healthy"
    assert ContainerState("exited", "healthy", 0).label == "exited (0)"


def test_states_are_listed_in_order_with_their_times() -> None:
    assert HEALTHY.states() == "created 0.0 s → running 0.3 s → healthy 2.4 s → exited (0) 2.9 s"
    assert HEALTHY.healthy_after() == 2.4 and KILLED.healthy_after() is None


def test_a_clean_fast_stop_passes_and_shows_the_states() -> None:
    result = _check(lifecycle_goals.stops_on_sigterm(), FakeSubject())
    assert result.status == "pass"
    assert result.measured == {"states": HEALTHY.states(), "stop_s": 0.4, "exit_code": 0}


def test_a_stop_that_waits_for_sigkill_fails_on_time_and_on_exit_code() -> None:
    result = _check(lifecycle_goals.stops_on_sigterm(max_s=2, grace_s=10), FakeSubject(life=KILLED))
    assert "expected a stop within 2 s, got 10.2 s (nothing answered SIGTERM" in result.message
    assert "expected exit code 0, got 137: killed by SIGKILL" in result.message
    assert result.notes[0] == "states seen: " + KILLED.states()


def test_an_app_that_exits_on_its_own_is_not_a_clean_stop() -> None:
    life = _life((0.0, "created", None, None), (0.5, "exited", None, 1), stop=None)
    result = _check(lifecycle_goals.stops_on_sigterm(), FakeSubject(life=life))
    assert "exited by itself with code 1" in result.message


def test_healthy_in_time_passes() -> None:
    result = _check(lifecycle_goals.becomes_healthy(within_s=10), FakeSubject())
    assert result.status == "pass" and result.measured["healthy_s"] == 2.4


def test_no_healthcheck_and_a_late_one_fail_with_what_was_seen() -> None:
    missing = _check(lifecycle_goals.becomes_healthy(), FakeSubject(life=KILLED))
    assert missing.message == "expected a HEALTHCHECK in the image, got none"
    late = _check(lifecycle_goals.becomes_healthy(within_s=10), FakeSubject(life=SLOW))
    assert late.message == "expected healthy within 10 s, got starting after 10 s"


def test_healthcheck_none_is_no_healthcheck() -> None:
    assert has_healthcheck({"Healthcheck": PROBE})
    assert not has_healthcheck({"Healthcheck": {"Test": ["NONE"]}}) and not has_healthcheck({})
    none = FakeSubject(config={"Healthcheck": {"Test": ["NONE"]}})
    result = _check(lifecycle_goals.healthcheck_declared(), none)
    assert result.message == "expected a HEALTHCHECK instruction, got HEALTHCHECK NONE"


def test_mount_points_and_their_parents_are_not_the_apps_writes() -> None:
    changes = (("A", "/srv"), ("A", "/srv/data"), ("A", "/srv/data/x"), ("C", "/var"), ("A", "/srv2"),
               ("A", "/var/lib/j.log"))
    assert layer_changes_outside(changes, "/srv/data") == ["C /var", "A /srv2", "A /var/lib/j.log"]
    assert layer_changes_outside(changes, None) == [f"{k} {p}" for k, p in changes]


def test_layer_writes_outside_the_volume_are_listed() -> None:
    writable = WritableRun(CommandResult(0, ""), (("C", "/var"), ("A", "/var/j.log"), ("A", "/data")))
    result = _check(volume_goals.layer_untouched("/data"), FakeSubject(writable=writable))
    assert result.message == ("expected no change to the container layer outside /data, "
                              "got C /var, A /var/j.log")


def test_data_lost_between_containers_fails_with_the_count() -> None:
    one = PersistRuns((CommandResult(0, ""), CommandResult(0, "")), "entry 1\n")
    result = _check(volume_goals.persists_in_volume("/data", "journal.log", runs=2), FakeSubject(volume=one))
    assert result.message == "expected 2 lines in /data/journal.log after 2 containers, got 1"
    denied = PersistRuns((CommandResult(1, "can't create: Permission denied"),) * 2, None)
    result = _check(volume_goals.persists_in_volume("/data", "journal.log"), FakeSubject(volume=denied))
    assert result.message.count("to exit 0, got exit code 1") == 2
    assert result.message.endswith("expected /data/journal.log in the volume, got no such file")
    assert "Permission denied" in result.notes[0]


def test_bind_mount_must_keep_the_hosts_line_and_add_one() -> None:
    check = volume_goals.shares_bind_mount("/data", "journal.log", "seed")
    assert _check(check, FakeSubject()).status == "pass"
    replaced = BindRun(CommandResult(0, ""), {"journal.log": "new\n"})
    message = _check(check, FakeSubject(bind=replaced)).message
    assert "expected the host's first line 'seed' kept, got 'new'" in message
    hidden = BindRun(CommandResult(127, "the container could not start: exec"), {"journal.log": "seed\n"})
    result = _check(check, FakeSubject(bind=hidden))
    assert "got exit code 127" in result.message
    assert "exactly one line added on the host, got 0" in result.message
