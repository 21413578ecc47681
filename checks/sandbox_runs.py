"""The runs behind lifecycle and volume goals (labs 04 and 05), composed from engine methods.

``LiveSubject`` calls these once per set of arguments and keeps the result, so goals that
read the same run see the same facts. Everything made here (containers, named volumes, a
host directory) is made for one run and removed when it ends.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

from checks import images
from checks.engine import CommandResult, ContainerWontStart, Engine, StateChange
from checks.goals.lifecycle import LifecycleRun, has_healthcheck
from checks.goals.volumes import BindRun, PersistRuns, WritableRun

READY_WITHIN_S = 5.0  # how long the app gets to answer before it is stopped anyway


def lifecycle(engine: Engine, tag: str, config: dict[str, object], port: int, path: str,
              watch_s: float, grace_s: float) -> LifecycleRun:
    """Create, start, wait for healthy (or just running, without a HEALTHCHECK), make sure the
    app answers, then stop it with ``grace_s`` and time that."""
    if not (config.get("Entrypoint") or config.get("Cmd")):
        return LifecycleRun(problem="an image that sets no ENTRYPOINT or CMD")
    declared = has_healthcheck(config)
    try:
        with engine.sandbox_created(tag) as app:
            since = time.perf_counter()
            timeline = [StateChange(0.0, engine.container_status(app))]
            engine.start_container(app)
            timeline += engine.watch_states(
                app, since=since, within_s=watch_s,
                until=lambda s: s.status != "running" or not declared or s.health == "healthy",
            )
            current = timeline[-1].state
            if current.status == "running" and current.health != "healthy":
                # The app must be listening (its signal handler set up) before the stop, or the
                # test would time the app's start-up rather than its shutdown.
                engine.probe_http(app, port, path, READY_WITHIN_S, images.PROBE_IMAGE)
                current = engine.container_status(app)
            if current.status != "running":
                timeline.append(StateChange(time.perf_counter() - since, current))
                return LifecycleRun(tuple(timeline), declared, None, current.exit_code,
                                    engine.container_logs(app), current.last_probe)
            stop = engine.stop_timed(app, grace_s)
            timeline.append(StateChange(time.perf_counter() - since, stop.state))
            return LifecycleRun(tuple(timeline), declared, stop.seconds, stop.state.exit_code, stop.logs,
                                current.last_probe)
    except ContainerWontStart as e:
        return LifecycleRun(has_healthcheck=declared, problem=f"a container that could not start: {e}")


def volume_runs(engine: Engine, tag: str, mount: str, runs: int, data_file: str,
                timeout_s: float) -> PersistRuns:
    """``runs`` containers in a row on one fresh named volume, then the volume's ``data_file``."""
    volume = engine.create_volume()
    try:
        results = tuple(_run(engine, tag, timeout_s, volumes={volume: mount}) for _ in range(runs))
        data = engine.read_from_volume(volume, data_file, images.PROBE_IMAGE)
    finally:
        engine.remove_volume(volume)
    return PersistRuns(results, data.decode(errors="replace") if data is not None else None)


def writable_run(engine: Engine, tag: str, volume_at: str | None, timeout_s: float) -> WritableRun:
    """One run with a writable root filesystem (and a fresh named volume on ``volume_at``)."""
    volume = engine.create_volume() if volume_at else None
    try:
        with engine.sandbox_created(tag, read_only=False,
                                    volumes={volume: volume_at} if volume and volume_at else None) as box:
            result = _started(engine, box, timeout_s)
            changes = tuple(engine.layer_changes(box))
    except ContainerWontStart as e:
        result, changes = CommandResult(127, f"the container could not start: {e}"), ()
    finally:
        if volume:
            engine.remove_volume(volume)
    return WritableRun(result, changes)


def bind_run(engine: Engine, tag: str, workdir: Path, mount: str, seed: tuple[tuple[str, str], ...],
             timeout_s: float) -> BindRun:
    """One run with a host directory the checker made (holding ``seed``) on ``mount``."""
    host = Path(tempfile.mkdtemp(prefix="bind-", dir=workdir))
    try:
        # The checker cannot know which uid the student's image runs as, and a grader without
        # root could not chown to it anyway: a folder anyone may write stands in for a host
        # folder prepared for the container.
        os.chmod(host, 0o777)
        for name, text in seed:
            (host / name).write_text(text, encoding="utf-8")
            os.chmod(host / name, 0o666)
        result = _run(engine, tag, timeout_s, binds={str(host): mount})
        files = {p.name: p.read_text(encoding="utf-8", errors="replace")
                 for p in sorted(host.iterdir()) if p.is_file()}
    finally:
        shutil.rmtree(host, ignore_errors=True)
    return BindRun(result, files)


def _run(engine: Engine, tag: str, timeout_s: float, **mounts: dict[str, str]) -> CommandResult:
    try:
        with engine.sandbox_created(tag, **mounts) as box:
            return _started(engine, box, timeout_s)
    except ContainerWontStart as e:
        return CommandResult(127, f"the container could not start: {e}")


def _started(engine: Engine, box: object, timeout_s: float) -> CommandResult:
    engine.start_container(box)
    return engine.wait_for_exit(box, timeout_s)
