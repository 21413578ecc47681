"""Running containers under the course's sandbox, and asking them for HTTP."""

from __future__ import annotations

import contextlib
import io
import re
import tarfile
import time
import uuid
from collections.abc import Iterator
from typing import Any

import docker
import docker.errors
import docker.utils
import requests.exceptions
from docker.types import LogConfig

from checks.engine.core import (
    _PROBE_SCRIPT,
    CommandResult,
    ContainerWontStart,
    EngineCore,
    ProbeResult,
    _oci_reason,
)


class Running(EngineCore):
    # -- running ------------------------------------------------------------------------------

    @contextlib.contextmanager
    def sandboxed(
        self,
        image: str,
        *,
        read_only: bool = True,
        command: list[str] | None = None,
        entrypoint: list[str] | None = None,
        network: str = "none",
    ) -> Iterator[Any]:
        """A container under the course's safety limits, removed on the way out."""
        name = f"lbl-{self.run_id}-{uuid.uuid4().hex[:6]}"
        with self._timed("runtime"), self._translate(f"start a container from {image}"):
            try:
                container = self._run_sandboxed(image, name, read_only, command, entrypoint, network)
            except docker.errors.APIError as e:
                if "oci runtime" not in str(e).lower():
                    raise
                # runc could not start the process: the image's fault, not the engine's.
                with contextlib.suppress(docker.errors.DockerException):
                    self.client.api.remove_container(name, force=True)
                raise ContainerWontStart(_oci_reason(str(e))) from e
        try:
            yield container
        finally:
            with self._timed("runtime"), contextlib.suppress(docker.errors.DockerException):
                container.remove(force=True, v=True)  # and its anonymous volumes (an image's VOLUME)

    def _run_sandboxed(self, image: str, name: str, read_only: bool, command: list[str] | None,
                       entrypoint: list[str] | None, network: str) -> Any:
        return self.client.containers.run(
                image,
                command=command,
                entrypoint=entrypoint,
                detach=True,
                labels=self.labels,
                name=name,
                network_mode=network,
                read_only=read_only,
                tmpfs={"/tmp": "size=16m"},
                mem_limit="256m",
                pids_limit=256,
                nano_cpus=1_000_000_000,
                cap_drop=["ALL"],
                security_opt=["no-new-privileges"],
                # An app that prints megabytes a second must not fill the disk with its log.
                log_config=LogConfig(type="json-file", config={"max-size": "1m", "max-file": "1"}),
            )

    def run_to_exit(self, image: str, argv: list[str] | None, timeout: float) -> CommandResult:
        """Run ``argv`` (in place of the image's entrypoint; None keeps the image's own
        command) in the sandbox until it exits."""
        override = {"entrypoint": argv[:1], "command": argv[1:]} if argv else {}
        with (
            self.sandboxed(image, **override) as container,
            self._timed("runtime"),
            self._translate(f"run {image}"),
        ):
            try:
                status = container.wait(timeout=timeout)
                code: int | None = int(status.get("StatusCode", -1))
            except requests.exceptions.RequestException:
                code = None  # still running at the deadline: the sandbox removes it
            output = container.logs(tail=40).decode(errors="replace")
        return CommandResult(code, output)

    def probe_http(self, app: Any, port: int, path: str, within_s: float, probe_image: str) -> ProbeResult:
        """Ask the app for ``path`` over loopback inside its own network namespace."""
        url = f"http://127.0.0.1:{port}{path}"
        script = _PROBE_SCRIPT.format(url=url, seconds=int(within_s * 10))
        with self._timed("runtime"), self._translate("probe the app"):
            start = time.perf_counter()
            output = "status=none (the app had already exited)"
            probe: Any = None
            try:
                # Created, then started: a probe that cannot start (the app is gone) still
                # exists, and must be removed here rather than left "Created".
                probe = self.client.containers.create(
                    probe_image,
                    command=["sh", "-c", script],
                    labels=self.labels,
                    network_mode=f"container:{app.id}",
                    read_only=True,
                    mem_limit="64m",
                    pids_limit=64,
                    cap_drop=["ALL"],
                    security_opt=["no-new-privileges"],
                )
                probe.start()
            except docker.errors.APIError as e:
                if probe is not None:
                    with contextlib.suppress(docker.errors.DockerException):
                        probe.remove(force=True, v=True)
                if e.status_code != 409:  # 409: no namespace to join, the app is gone
                    raise
                probe = None
            if probe is not None:
                try:
                    probe.wait(timeout=within_s + 10)
                    output = probe.logs().decode(errors="replace")
                except requests.exceptions.RequestException:
                    output = "status=none (the probe itself timed out)"
                finally:
                    with contextlib.suppress(docker.errors.DockerException):
                        probe.remove(force=True, v=True)
            seconds = time.perf_counter() - start
            app.reload()
            state = app.attrs.get("State", {})
            running = bool(state.get("Running"))
            logs = app.logs(tail=20).decode(errors="replace")
        match = re.search(r"status=(\d{3})", output)
        return ProbeResult(
            int(match.group(1)) if match else None,
            seconds,
            running,
            None if running else state.get("ExitCode"),
            logs,
            output,
        )

    # -- production runtime (lab 12) --

    @contextlib.contextmanager
    def production_container(
        self,
        image: str,
        *,
        memory_mb: int = 256,
        writable: bool = False,
        health_interval_s: float | None = None,
    ) -> Iterator[Any]:
        """The image run as production would run it, under the sandbox's limits otherwise.

        ``memory_mb`` is the memory limit, with swap equal to it (none on top), so an app
        that outgrows it is OOM-killed rather than slowed down. ``writable`` keeps the root
        filesystem writable and /tmp on it, so that ``files_containing`` sees every file
        the app writes. ``health_interval_s`` runs the image's own HEALTHCHECK command
        that often, instead of waiting out its production interval. Removed on the way out.
        """
        name = f"lbl-{self.run_id}-{uuid.uuid4().hex[:6]}"
        limit = f"{memory_mb}m"
        options: dict[str, Any] = {}
        if health_interval_s is not None:
            # No test given: the engine keeps the image's command and changes the timing only.
            nanos = int(health_interval_s * 1e9)
            options["healthcheck"] = {"interval": nanos, "start_period": nanos}
        with self._timed("runtime"), self._translate(f"start a container from {image}"):
            try:
                container = self.client.containers.run(
                    image,
                    detach=True,
                    labels=self.labels,
                    name=name,
                    network_mode="none",
                    read_only=not writable,
                    tmpfs={} if writable else {"/tmp": "size=16m"},
                    mem_limit=limit,
                    memswap_limit=limit,
                    pids_limit=256,
                    nano_cpus=1_000_000_000,
                    cap_drop=["ALL"],
                    security_opt=["no-new-privileges"],
                    log_config=LogConfig(type="json-file", config={"max-size": "1m", "max-file": "1"}),
                    **options,
                )
            except docker.errors.APIError as e:
                if "oci runtime" not in str(e).lower():
                    raise
                with contextlib.suppress(docker.errors.DockerException):
                    self.client.api.remove_container(name, force=True)
                raise ContainerWontStart(_oci_reason(str(e))) from e
        try:
            yield container
        finally:
            with self._timed("runtime"), contextlib.suppress(docker.errors.DockerException):
                container.remove(force=True, v=True)  # and its anonymous volumes (an image's VOLUME)

    def container_state(self, container: Any) -> dict[str, Any]:
        """``State`` from ``docker inspect``: Running, ExitCode, OOMKilled, Health ..."""
        with self._timed("runtime"), self._translate("inspect the app's container"):
            container.reload()
            return dict(container.attrs.get("State") or {})

    def container_logs(self, container: Any, tail: int = 200) -> str:
        """What the app wrote to stdout and stderr, as ``docker logs`` shows it."""
        with self._timed("runtime"), self._translate("read the app's logs"):
            return container.logs(tail=tail).decode(errors="replace")

    def stop_container(self, container: Any, timeout_s: int) -> float:
        """``docker stop -t timeout_s``: SIGTERM (or the image's STOPSIGNAL), then SIGKILL
        after ``timeout_s``. Returns the seconds it took."""
        with self._timed("runtime"), self._translate("stop the app's container"):
            start = time.perf_counter()
            container.stop(timeout=timeout_s)
            return time.perf_counter() - start

    def files_containing(self, container: Any, needle: bytes, limit: int = 64) -> list[str]:
        """Files the container added or changed (``docker diff``) whose first MB holds
        ``needle``; at most ``limit`` of the changed paths are read."""
        found: list[str] = []
        with self._timed("runtime"), self._translate("read the files the app wrote"):
            changed = sorted(c["Path"] for c in container.diff() or [] if c.get("Kind") in (0, 1))
            # Only leaves: a path with another under it is a folder, and archiving a folder
            # such as /usr streams all of it. Compiled bytecode holds no log lines.
            leaves = [p for i, p in enumerate(changed)
                      if not (i + 1 < len(changed) and changed[i + 1].startswith(p + "/"))
                      and not p.endswith(".pyc")]
            for path in leaves[:limit]:
                try:
                    stream, stat = container.get_archive(path)
                    if int(stat.get("mode", 0)) & (1 << 31):  # Go's os.ModeDir: a folder
                        continue
                    data = b"".join(stream)
                except docker.errors.NotFound:
                    continue  # written, then removed again
                with tarfile.open(fileobj=io.BytesIO(data)) as tar:
                    member = tar.next()
                    handle = tar.extractfile(member) if member is not None and member.isfile() else None
                    if handle is not None and needle in handle.read(1 << 20):
                        found.append(path)
        return found
