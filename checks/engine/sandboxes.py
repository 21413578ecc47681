"""Sandbox runs for the lifecycle, volume and troubleshooting labs (04, 05, 13)."""

from __future__ import annotations

import contextlib
import io
import re
import tarfile
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import docker
import docker.errors
import docker.utils
import requests.exceptions
from docker.types import LogConfig

from checks.engine.core import (
    _PROBE_SCRIPT,
    CommandResult,
    ContainerState,
    ContainerWontStart,
    EngineCore,
    OutsideProbe,
    ProbeResult,
    StateChange,
    StopResult,
    VolumeRuns,
    WatchResult,
    _oci_reason,
)


class Sandboxes(EngineCore):
    # -- troubleshooting (lab 13) --

    def _limited(self, image: str, **overrides: Any) -> Any:
        """Start a detached container under the same limits as ``sandboxed``; the caller
        removes it. Lab 13's goals need what ``sandboxed`` does not offer: a volume, a
        restart policy, or a neighbour on a shared network."""
        options: dict[str, Any] = {
            "detach": True,
            "labels": self.labels,
            "name": f"lbl-{self.run_id}-{uuid.uuid4().hex[:6]}",
            "network_mode": "none",
            "read_only": True,
            "tmpfs": {"/tmp": "size=16m"},
            "mem_limit": "256m",
            "pids_limit": 256,
            "nano_cpus": 1_000_000_000,
            "cap_drop": ["ALL"],
            "security_opt": ["no-new-privileges"],
            "log_config": LogConfig(type="json-file", config={"max-size": "1m", "max-file": "1"}),
        }
        options.update(overrides)
        try:
            return self.client.containers.run(image, **options)
        except docker.errors.APIError as e:
            if "oci runtime" not in str(e).lower():
                raise
            # runc could not start the process: the image's fault, not the engine's.
            with contextlib.suppress(docker.errors.DockerException):
                self.client.api.remove_container(options["name"], force=True)
            raise ContainerWontStart(_oci_reason(str(e))) from e

    @staticmethod
    def _remove_quietly(container: Any) -> None:
        with contextlib.suppress(docker.errors.DockerException):
            container.remove(force=True, v=True)  # and its anonymous volumes (an image's VOLUME)

    def _run_helper(
        self, image: str, argv: list[str], timeout: float, *, network: str = "none",
        volumes: dict[str, dict[str, str]] | None = None, entrypoint: list[str] | None = None,
    ) -> str:
        """A short-lived helper container (a probe, `ls`, `netstat`), limited like a probe."""
        helper = self.client.containers.run(
            image, command=argv, entrypoint=entrypoint, detach=True, labels=self.labels,
            name=f"lbl-{self.run_id}-{uuid.uuid4().hex[:6]}", network_mode=network, read_only=True,
            mem_limit="64m", pids_limit=64, cap_drop=["ALL"], security_opt=["no-new-privileges"],
            volumes=volumes or {},
        )
        try:
            helper.wait(timeout=timeout)
            return str(helper.logs().decode(errors="replace"))
        except requests.exceptions.RequestException:
            return "status=none (the helper container timed out)"
        finally:
            self._remove_quietly(helper)

    def probe_http_from_neighbour(
        self, image: str, port: int, path: str, within_s: float, probe_image: str
    ) -> OutsideProbe:
        """Ask the app for ``path`` from ANOTHER container on a user-defined network.

        ``probe_http`` asks over the app's own loopback, which a server bound to 127.0.0.1
        answers; a published port or a neighbour reaches the container's interface instead,
        and this probe takes that path. The network is this run's, and removed afterwards.
        """
        network_name = f"lbl-{self.run_id}-net-{uuid.uuid4().hex[:6]}"
        with self._timed("runtime"), self._translate("probe the app from a neighbour container"):
            network = self.client.networks.create(network_name, driver="bridge", labels=self.labels)
            try:
                app = self._limited(image, network_mode=network_name)
                try:
                    script = _PROBE_SCRIPT.format(url=f"http://{app.name}:{port}{path}",
                                                  seconds=int(within_s * 10))
                    start = time.perf_counter()
                    output = self._run_helper(probe_image, ["sh", "-c", script], within_s + 10,
                                              network=network_name)
                    seconds = time.perf_counter() - start
                    app.reload()
                    state = app.attrs.get("State", {})
                    running = bool(state.get("Running"))
                    logs = app.logs(tail=20).decode(errors="replace")
                    sockets = ""
                    if running:  # the chapter's sidecar: netstat from inside the app's namespace
                        sockets = self._run_helper(probe_image, ["netstat", "-ltn"], 10,
                                                   network=f"container:{app.id}")
                finally:
                    self._remove_quietly(app)
            finally:
                with contextlib.suppress(docker.errors.DockerException):
                    network.remove()
        match = re.search(r"status=(\d{3})", output)
        result = ProbeResult(
            int(match.group(1)) if match else None, seconds, running,
            None if running else state.get("ExitCode"), logs, output,
        )
        return OutsideProbe(result, sockets)

    def watch_restarts(self, image: str, seconds: float, max_restarts: int = 10) -> WatchResult:
        """Run the image as it is configured, under ``--restart on-failure``, and look at it
        after ``seconds``: running or not, and how often the engine restarted it. The retry
        cap keeps a crash loop bounded even if the container outlived us."""
        with self._timed("runtime"), self._translate(f"watch a container of {image}"):
            container = self._limited(
                image, restart_policy={"Name": "on-failure", "MaximumRetryCount": max_restarts}
            )
            try:
                time.sleep(seconds)
                container.reload()
                state = container.attrs.get("State", {})
                running = bool(state.get("Running")) and not state.get("Restarting")
                restarts = int(container.attrs.get("RestartCount") or 0)
                logs = container.logs(tail=40).decode(errors="replace")
            finally:
                self._remove_quietly(container)
        return WatchResult(running, restarts, str(state.get("Status", "")),
                           None if running else state.get("ExitCode"), logs)

    def run_on_fresh_volume(
        self, image: str, mount: str, runs: int, timeout: float, probe_image: str
    ) -> VolumeRuns:
        """Run the image's own command ``runs`` times, each to its exit, on one new named
        volume at ``mount``. A new volume is filled from the image's directory at ``mount``
        (contents, owner and mode), which is what a first ``docker run -v NAME:PATH`` meets."""
        with self._timed("runtime"), self._translate(f"run {image} on a new volume"):
            volume = self.client.volumes.create(
                f"lbl-{self.run_id}-vol-{uuid.uuid4().hex[:6]}", labels=self.labels
            )
            binding = {volume.name: {"bind": mount, "mode": "rw"}}
            try:
                results = tuple(self._run_once(image, binding, timeout) for _ in range(runs))
                try:
                    user = self._run_helper(image, [], 20, entrypoint=["id"])
                except docker.errors.APIError:
                    user = "(the image has no `id` to ask)"
                listing = self._run_helper(probe_image, ["ls", "-lnd", mount], 20, volumes=binding)
            finally:
                with contextlib.suppress(docker.errors.DockerException):
                    volume.remove(force=True)
        return VolumeRuns(results, user.strip(), listing.strip())

    def _run_once(self, image: str, volumes: dict[str, dict[str, str]], timeout: float) -> CommandResult:
        try:
            container = self._limited(image, volumes=volumes)
        except ContainerWontStart as e:
            return CommandResult(127, f"the container could not start: {e}")
        try:
            try:
                code: int | None = int(container.wait(timeout=timeout).get("StatusCode", -1))
            except requests.exceptions.RequestException:
                code = None
            return CommandResult(code, container.logs(tail=40).decode(errors="replace"))
        finally:
            self._remove_quietly(container)

    # -- lifecycle and volumes (labs 04, 05) --

    @contextlib.contextmanager
    def sandbox_created(
        self,
        image: str,
        *,
        read_only: bool = True,
        volumes: dict[str, str] | None = None,
        binds: dict[str, str] | None = None,
    ) -> Iterator[Any]:
        """A container under the same limits as ``sandboxed``, created but not started, so the
        caller sees it in the ``created`` state. ``volumes`` maps named volumes and ``binds``
        host directories to paths in the container. Removed, with any anonymous volume an
        image's VOLUME made for it, on the way out."""
        name = f"lbl-{self.run_id}-{uuid.uuid4().hex[:6]}"
        mounts = {source: {"bind": target, "mode": "rw"}
                  for source, target in {**(volumes or {}), **(binds or {})}.items()}
        with self._timed("runtime"), self._translate(f"create a container from {image}"):
            container = self.client.containers.create(
                image,
                labels=self.labels,
                name=name,
                network_mode="none",
                read_only=read_only,
                volumes=mounts,
                tmpfs={"/tmp": "size=16m"},
                mem_limit="256m",
                pids_limit=256,
                nano_cpus=1_000_000_000,
                cap_drop=["ALL"],
                security_opt=["no-new-privileges"],
                log_config=LogConfig(type="json-file", config={"max-size": "1m", "max-file": "1"}),
            )
        try:
            yield container
        finally:
            with self._timed("runtime"), contextlib.suppress(docker.errors.DockerException):
                # v=True: a VOLUME in the student's image makes an anonymous volume, which
                # carries no label of ours and would otherwise outlive the run.
                container.remove(force=True, v=True)

    def start_container(self, container: Any) -> None:
        """Start a created container; a process runc cannot exec is the image's fault."""
        with self._timed("runtime"), self._translate("start the container"):
            try:
                container.start()
            except docker.errors.APIError as e:
                if "oci runtime" not in str(e).lower():
                    raise
                raise ContainerWontStart(_oci_reason(str(e))) from e

    def container_status(self, container: Any) -> ContainerState:
        with self._timed("runtime"), self._translate("inspect the container"):
            container.reload()
        state = container.attrs.get("State") or {}
        health = state.get("Health") or {}
        log = health.get("Log") or []
        return ContainerState(
            status=str(state.get("Status", "unknown")),
            health=str(health["Status"]) if health.get("Status") else None,
            exit_code=int(state.get("ExitCode", 0)) if state.get("Status") == "exited" else None,
            last_probe=str(log[-1].get("Output", "")).strip() if log else "",
        )

    def watch_states(
        self, container: Any, *, since: float, within_s: float, until: Callable[[ContainerState], bool],
        every_s: float = 0.1,
    ) -> list[StateChange]:
        """Poll the container's state until ``until`` holds or ``within_s`` passes, keeping each
        change with its time since ``since`` (a ``time.perf_counter()`` reading)."""
        seen: list[StateChange] = []
        deadline = time.perf_counter() + within_s
        while True:
            state = self.container_status(container)
            if not seen or seen[-1].state.label != state.label:
                seen.append(StateChange(time.perf_counter() - since, state))
            if until(state) or time.perf_counter() >= deadline:
                return seen
            time.sleep(every_s)

    def stop_timed(self, container: Any, grace_s: float) -> StopResult:
        """``docker stop -t grace_s``, timed: SIGTERM (or the image's STOPSIGNAL), then SIGKILL."""
        with self._timed("runtime"), self._translate("stop the container"):
            start = time.perf_counter()
            container.stop(timeout=int(grace_s))
            seconds = time.perf_counter() - start
        return StopResult(seconds, self.container_status(container), self.container_logs(container))

    def wait_for_exit(self, container: Any, timeout: float) -> CommandResult:
        """Wait for a started container's process to exit; None as the code if it did not."""
        with self._timed("runtime"), self._translate("wait for the container"):
            try:
                code: int | None = int(container.wait(timeout=timeout).get("StatusCode", -1))
            except requests.exceptions.RequestException:
                code = None
            output = container.logs(tail=40).decode(errors="replace")
        return CommandResult(code, output)

    def layer_changes(self, container: Any) -> list[tuple[str, str]]:
        """``docker diff``: (A, C or D, path) for each change in the container's writable layer.
        Mounts (volumes, binds, tmpfs) are not part of that layer and never show."""
        with self._timed("runtime"), self._translate("list the container's changes"):
            changes = container.diff() or []
        kinds = {0: "C", 1: "A", 2: "D"}
        return [(kinds.get(int(c.get("Kind", 0)), "?"), str(c.get("Path", ""))) for c in changes]

    def create_volume(self) -> str:
        """A named volume with our labels and a name no other grader can pick."""
        name = f"lbl-{self.run_id}-{uuid.uuid4().hex[:6]}"
        with self._timed("runtime"), self._translate("create a volume"):
            self.client.api.create_volume(name=name, labels=self.labels)
        return name

    def remove_volume(self, name: str) -> None:
        with self._timed("cleanup"), self._translate(f"remove volume {name}"), \
                contextlib.suppress(docker.errors.NotFound):
            self.client.api.remove_volume(name, force=True)

    def read_from_volume(self, volume: str, path: str, reader_image: str) -> bytes | None:
        """One file from a named volume, read through a container that is never started."""
        with self._timed("runtime"), self._translate(f"read {path} from volume {volume}"):
            container = self.client.containers.create(
                reader_image, command=["/nonexistent"], labels=self.labels, network_mode="none",
                volumes={volume: {"bind": "/volume", "mode": "ro"}},
            )
            try:
                stream, _ = container.get_archive(f"/volume/{path.lstrip('/')}")
                with tarfile.open(fileobj=io.BytesIO(b"".join(stream))) as tar:
                    member = tar.next()
                    handle = tar.extractfile(member) if member is not None and member.isfile() else None
                    return handle.read() if handle else None
            except docker.errors.NotFound:
                return None
            finally:
                container.remove(force=True, v=True)  # and its anonymous volumes (an image's VOLUME)
