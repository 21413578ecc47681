"""The only module that talks to Docker.

Builds go through BuildKit where this machine offers it (``docker buildx``, or a CLI
older than 23 with native BuildKit) and otherwise through docker-py's legacy builder.
Everything else (inspect, save, run, cleanup) goes through docker-py. Everything this
module creates carries our labels and this run's id, and only that is ever removed.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import docker
import docker.errors
import docker.utils
import requests.exceptions
import urllib3.exceptions
from docker.types import LogConfig

from checks import buildlog
from checks.buildlog import BuildStep
from checks.errors import BuildFailed, CheckError, EngineUnavailable, ImageUnavailable, Timeout

LABEL_MANAGED = "org.layerbylayer.managed"
LABEL_RUN = "org.layerbylayer.run"
LABEL_STANDIN = "org.layerbylayer.standin"
LABEL_PROVIDES = "org.layerbylayer.provides"
LABEL_RECIPE = "org.layerbylayer.recipe"

BUILD_TIMEOUT_S = float(os.environ.get("LAYERBYLAYER_BUILD_TIMEOUT", "600"))
# Everything that means "the engine did not answer as it should", whichever layer noticed:
# docker-py, requests, urllib3 (a stream cut mid-read), or the socket itself.
TRANSPORT_ERRORS = (
    docker.errors.DockerException,
    requests.exceptions.RequestException,
    urllib3.exceptions.HTTPError,
    OSError,
)
ENGINE_HINT = "start one with `nox -s engine` (root on Debian/Ubuntu), or start Docker Desktop"

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Builder:
    kind: str  # "buildx", "buildkit" (a CLI with native BuildKit) or "legacy"
    cli: str | None = None

    @property
    def description(self) -> str:
        return {
            "buildx": "BuildKit (docker buildx)",
            "buildkit": "BuildKit (native, DOCKER_BUILDKIT=1)",
            "legacy": "legacy builder (docker-py)",
        }[self.kind]


@dataclass(frozen=True)
class BuildRequest:
    """One build, whichever builder runs it."""

    context: Path
    dockerfile: Path
    tag: str
    target: str | None
    network: str
    progress: Progress | None
    timeout: float
    labels: dict[str, str]

    def timed_out(self) -> Timeout:
        return Timeout(
            f"the build ran past {self.timeout:.0f} s and was stopped",
            path=self.dockerfile,
            hint="look for a RUN step that never ends",
        )


@dataclass(frozen=True)
class BuildOutcome:
    """What one build produced. ``image_id`` is None when a step failed."""

    image_id: str | None
    log: str
    steps: tuple[BuildStep, ...]
    seconds: float
    builder: Builder
    failed_step: str | None = None
    error: str | None = None
    fresh_images: tuple[str, ...] = ()  # legacy builder: intermediates this build created


class ContainerWontStart(Exception):
    """The runtime refused to start the image's process (a missing or unrunnable entrypoint)."""


@dataclass(frozen=True)
class CommandResult:
    exit_code: int | None  # None when it did not exit before its timeout
    output: str


@dataclass(frozen=True)
class ScriptResult:
    exit_code: int | None  # None when it was killed at its deadline
    output: str
    seconds: float


@dataclass(frozen=True)
class NamedObjects:
    """What a graded script left on the engine, each as ``docker inspect`` describes it."""

    containers: tuple[dict[str, Any], ...] = ()
    networks: tuple[dict[str, Any], ...] = ()
    volumes: tuple[dict[str, Any], ...] = ()
    images: tuple[str, ...] = ()

    def describe(self) -> list[str]:
        return ([f"container {c['Name'].lstrip('/')}" for c in self.containers]
                + [f"network {n['Name']}" for n in self.networks]
                + [f"volume {v['Name']}" for v in self.volumes]
                + [f"image {i}" for i in self.images])


@dataclass(frozen=True)
class ProbeResult:
    status: int | None  # the HTTP status, or None when nothing answered
    seconds: float
    app_running: bool
    app_exit_code: int | None
    app_logs: str
    probe_output: str
    problem: str = ""  # why nothing could be asked at all


@dataclass
class Engine:
    """A connection to the engine, scoped to one grading run."""

    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    builder_preference: str = field(default_factory=lambda: os.environ.get("LAYERBYLAYER_BUILDER", "auto"))
    timings: dict[str, float] = field(default_factory=dict)
    _client: Any = None
    _disposable: list[str] = field(default_factory=list)

    # -- connection -------------------------------------------------------------------------

    @property
    def client(self) -> docker.DockerClient:
        if self._client is None:
            try:
                client = docker.from_env(timeout=120)
                client.ping()
            except TRANSPORT_ERRORS as e:
                raise EngineUnavailable(f"no Docker engine answers ({_short(e)})", hint=ENGINE_HINT) from e
            self._client = client
        return self._client

    def _answers(self) -> bool:
        try:
            return bool(docker.APIClient(timeout=10, **docker.utils.kwargs_from_env()).ping())
        except TRANSPORT_ERRORS:
            return False

    def version(self) -> str:
        with self._translate("ask the engine its version"):
            return str(self.client.version().get("Version", "unknown"))

    @property
    def labels(self) -> dict[str, str]:
        return {LABEL_MANAGED: "true", LABEL_RUN: self.run_id}

    @contextlib.contextmanager
    def _timed(self, what: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.timings[what] = self.timings.get(what, 0.0) + time.perf_counter() - start

    @contextlib.contextmanager
    def _translate(self, doing: str) -> Iterator[None]:
        try:
            yield
        except docker.errors.ImageNotFound as e:
            raise ImageUnavailable(f"could not {doing}: image not found ({_short(e)})") from e
        except TRANSPORT_ERRORS as e:
            if _looks_like_disk_full(str(e)):
                raise CheckError(
                    f"could not {doing}: the disk is full",
                    hint="free space, then run `nox -s clean` and `docker system prune`",
                ) from e
            raise EngineUnavailable(f"could not {doing}: {_short(e)}", hint=ENGINE_HINT) from e

    # -- builder choice ---------------------------------------------------------------------

    def builder(self) -> Builder:
        self.client  # noqa: B018 - fail early and clearly when there is no engine
        return choose_builder(self.builder_preference)

    # -- building ---------------------------------------------------------------------------

    def build(
        self,
        context: Path,
        dockerfile: Path,
        tag: str,
        *,
        target: str | None = None,
        network: str = "none",
        progress: Progress | None = None,
        timeout: float = BUILD_TIMEOUT_S,
        builder: Builder | None = None,
        labels: dict[str, str] | None = None,
        disposable: bool = False,
    ) -> BuildOutcome:
        """Build and tag an image. A failing step is an outcome; a broken engine raises.

        Images are labelled with this run's id unless ``labels`` says otherwise (stand-ins
        are kept across runs, so they carry their own labels instead).
        """
        request = BuildRequest(
            context, dockerfile, tag, target, network, progress, timeout,
            self.labels if labels is None else labels,
        )
        builder = builder or self.builder()
        with self._timed("build"):
            if builder.kind == "legacy":
                outcome = self._build_legacy(request)
            else:
                outcome = self._build_cli(builder, request)
        if disposable:
            # A one-off build (an edited copy of the context): its legacy intermediates
            # would never be a cache hit again, so they go at cleanup instead of piling up.
            self._disposable.extend(outcome.fresh_images)
        return outcome

    def build_from_bytes(self, dockerfile: bytes, tag: str, labels: dict[str, str]) -> str:
        """Build a Dockerfile that needs no context (metadata-only steps), return the id."""
        with self._timed("build"), self._translate(f"build {tag}"):
            image, _ = self.client.images.build(
                fileobj=io.BytesIO(dockerfile), tag=tag, labels=labels, rm=True, forcerm=True
            )
            return str(image.id)

    def _build_cli(self, builder: Builder, r: BuildRequest) -> BuildOutcome:
        assert builder.cli is not None
        with tempfile.TemporaryDirectory(prefix="lbl-build-") as tmp:
            iidfile = Path(tmp) / "iid"
            verb = ["buildx", "build", "--load"] if builder.kind == "buildx" else ["build"]
            argv = [builder.cli, *verb, "--progress=plain", f"--network={r.network}"]
            argv += ["-f", str(r.dockerfile), "-t", r.tag, "--iidfile", str(iidfile)]
            for key, value in r.labels.items():
                argv += ["--label", f"{key}={value}"]
            if r.target:
                argv += ["--target", r.target]
            argv.append(str(r.context))
            start = time.perf_counter()
            proc = subprocess.Popen(
                argv,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                env={**os.environ, "DOCKER_BUILDKIT": "1"},
                start_new_session=True,
                errors="replace",
            )
            timer = threading.Timer(r.timeout, _kill_group, args=(proc,))
            timer.start()
            lines = buildlog.LogBuffer()
            try:
                assert proc.stdout is not None
                for line in proc.stdout:
                    lines.add(line)
                    header = buildlog.buildkit_step_header(line)
                    if header and r.progress:
                        r.progress(header)
                code = proc.wait()
            except BaseException:
                # Ctrl-C or SIGTERM: the CLI runs in its own session, so it would outlive us and
                # the build would go on. Killing it makes BuildKit cancel the build.
                _kill_group(proc)
                proc.wait()
                raise
            finally:
                timer.cancel()
            seconds = time.perf_counter() - start
            if seconds >= r.timeout:
                raise r.timed_out()
            log = lines.text()
            steps = tuple(buildlog.parse_buildkit(log))
            if code == 0 and iidfile.exists():
                return BuildOutcome(iidfile.read_text().strip(), log, steps, seconds, builder)
            return self._failed(log, list(steps), seconds, builder, r.dockerfile)

    def _build_legacy(self, r: BuildRequest) -> BuildOutcome:
        builder = Builder("legacy")
        api = docker.APIClient(timeout=int(r.timeout), **docker.utils.kwargs_from_env())
        # Closing the connection makes the engine cancel the build and remove its
        # intermediate container (forcerm), which is how a timeout stops a legacy build.
        timer = threading.Timer(r.timeout, api.close)
        lines = buildlog.LogBuffer()
        image_id: str | None = None
        error: str | None = None
        start = time.perf_counter()
        timer.start()
        try:
            stream = api.build(
                path=str(r.context),
                dockerfile=str(r.dockerfile.resolve()),
                tag=r.tag,
                target=r.target,
                network_mode=r.network,
                labels=r.labels,
                rm=True,
                forcerm=True,
                decode=True,
            )
            for chunk in stream:
                if "stream" in chunk:
                    text = chunk["stream"]
                    lines.add(text)
                    if r.progress and text.startswith("Step "):
                        r.progress(text.strip())
                elif "aux" in chunk and "ID" in chunk["aux"]:
                    image_id = chunk["aux"]["ID"]
                elif "error" in chunk:
                    error = chunk["error"].strip()
                    lines.add(f"ERROR: {error}\n")
        except TRANSPORT_ERRORS as e:
            if time.perf_counter() - start >= r.timeout:
                raise r.timed_out() from e
            if isinstance(e, docker.errors.APIError) and e.status_code and e.status_code < 500:
                error = _short(e)
                lines.add(f"ERROR: {error}\n")
            else:
                raise EngineUnavailable(
                    f"the engine failed during the build: {_short(e)}", path=r.dockerfile, hint=ENGINE_HINT
                ) from e
        finally:
            timer.cancel()
            api.close()
        seconds = time.perf_counter() - start
        log = lines.text()
        steps = tuple(buildlog.parse_legacy(log))
        if error is None and image_id:
            self.client.api.tag(image_id, *_split_tag(r.tag))
            fresh = tuple(buildlog.legacy_fresh_images(log))
            return BuildOutcome(image_id, log, steps, seconds, builder, fresh_images=fresh)
        return self._failed(log, list(steps), seconds, builder, r.dockerfile)

    def _failed(
        self, log: str, steps: list[BuildStep], seconds: float, builder: Builder, dockerfile: Path
    ) -> BuildOutcome:
        """Sort a failed build into the student's mistake (an outcome) or ungradable (raise)."""
        if not self._answers():
            raise EngineUnavailable("the engine went away during the build", path=dockerfile,
                                    hint=ENGINE_HINT + "; then run `nox -s clean`")
        parse_error = buildlog.parse_error_line(log)
        if parse_error:
            line, message = parse_error
            raise BuildFailed(
                f"the builder cannot parse the Dockerfile: {message}",
                log,
                path=dockerfile,
                line=line,
                hint="fix the syntax on that line",
            )
        summary = buildlog.error_summary(log)
        lowered = log.lower()
        if _looks_like_disk_full(lowered):
            raise CheckError(
                "the build stopped because the disk is full",
                path=dockerfile,
                hint="free space, then run `nox -s clean` and `docker system prune`",
            )
        if any(
            s in lowered
            for s in (
                "pull access denied",
                "failed to resolve source metadata",
                "manifest unknown",
                "no such host",
                "failed to do request",
                "repository does not exist",
            )
        ):
            raise ImageUnavailable(
                f"a base image is not available: {summary}",
                path=dockerfile,
                hint="use an image from the lab's catalog (see lab.toml), or run `nox -s images`",
            )
        if "cannot connect to the docker daemon" in lowered or "connection refused" in lowered:
            raise EngineUnavailable(
                "the engine went away during the build", path=dockerfile, hint=ENGINE_HINT
            )
        failed = buildlog.failing_step(steps, log)
        return BuildOutcome(None, log, tuple(steps), seconds, builder, failed, summary)

    # -- images -------------------------------------------------------------------------------

    def inspect_image(self, ref: str) -> dict[str, Any]:
        with self._timed("inspect"), self._translate(f"inspect image {ref}"):
            return self.client.api.inspect_image(ref)

    def image_exists(self, ref: str) -> bool:
        try:
            with self._timed("inspect"):  # the engine's work, not the checker's
                self.client.api.inspect_image(ref)
            return True
        except docker.errors.ImageNotFound:
            return False
        except TRANSPORT_ERRORS as e:
            raise EngineUnavailable(f"could not look up image {ref}: {_short(e)}", hint=ENGINE_HINT) from e

    def history(self, ref: str) -> list[dict[str, Any]]:
        with self._timed("inspect"), self._translate(f"read the history of {ref}"):
            return self.client.api.history(ref)

    def save(self, ref: str, dest: Path) -> Path:
        """Write ``docker save`` of one image to ``dest``, for reading its layers."""
        with self._timed("save"), self._translate(f"save image {ref}"), dest.open("wb") as out:
            for chunk in self.client.api.get_image(ref, chunk_size=1 << 20):
                out.write(chunk)
        return dest

    def prune_build_cache(self) -> int:
        """Empty BuildKit's build cache (images stay); returns the bytes freed."""
        with self._translate("prune the build cache"):
            return int(self.client.api.prune_builds().get("SpaceReclaimed") or 0)

    def pull(self, ref: str) -> None:
        with self._timed("pull"), self._translate(f"pull {ref}"):
            self.client.api.pull(ref)

    def tag(self, image_id: str, ref: str) -> None:
        with self._translate(f"tag {ref}"):
            self.client.api.tag(image_id, *_split_tag(ref))

    def untag(self, ref: str) -> None:
        with self._translate(f"untag {ref}"), contextlib.suppress(docker.errors.ImageNotFound):
            self.client.api.remove_image(ref, noprune=True)

    def import_rootfs(self, tarball: Path, ref: str, changes: list[str]) -> str:
        with self._translate(f"import {ref}"):
            repo, tag = _split_tag(ref)
            self.client.api.import_image_from_file(str(tarball), repository=repo, tag=tag, changes=changes)
        return str(self.inspect_image(ref)["Id"])

    def create_and_read(self, ref: str, path: str) -> bytes | None:
        """Read one file from an image without running it (works without a shell)."""
        with self._translate(f"read {path} from {ref}"):
            container = self.client.containers.create(
                ref, command=["/nonexistent"], labels=self.labels, network_mode="none"
            )
            try:
                for _ in range(8):  # follow symlinks such as /etc/os-release -> ../usr/lib/os-release
                    stream, _ = container.get_archive(path)
                    with tarfile.open(fileobj=io.BytesIO(b"".join(stream))) as tar:
                        member = tar.next()
                        if member is None:
                            return None
                        if not member.issym():
                            handle = tar.extractfile(member)
                            return handle.read() if handle else None
                        path = os.path.normpath(os.path.join(os.path.dirname(path), member.linkname))
                return None
            except docker.errors.NotFound:
                return None
            finally:
                container.remove(force=True)

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
                container.remove(force=True)

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
            try:
                probe = self.client.containers.run(
                    probe_image,
                    command=["sh", "-c", script],
                    detach=True,
                    labels=self.labels,
                    network_mode=f"container:{app.id}",
                    read_only=True,
                    mem_limit="64m",
                    pids_limit=64,
                    cap_drop=["ALL"],
                    security_opt=["no-new-privileges"],
                )
            except docker.errors.APIError as e:
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
                        probe.remove(force=True)
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

    # -- scripts and compose files (labs 06, 07, 09) -------------------------------------------
    #
    # There the student writes what runs Docker (a run script, a compose file), so the grader
    # runs it with a name prefix unique to this run and then looks at what it made. Objects are
    # found by that prefix (or by Compose's project label), not by our labels, which the
    # student's commands cannot carry.

    @property
    def prefix(self) -> str:
        """The name prefix a graded script gives everything it creates (``$LBL_PREFIX``)."""
        return f"lbl-{self.run_id}"

    def run_script(self, argv: list[str], cwd: Path, env: dict[str, str], timeout: float) -> ScriptResult:
        """Run a student's script to its end; at the deadline its whole process group is killed."""
        start = time.perf_counter()
        full_env = {**os.environ, "LBL_PREFIX": self.prefix, "COMPOSE_PROJECT_NAME": self.prefix, **env}
        with self._timed("script"):
            try:
                proc = subprocess.Popen(argv, cwd=cwd, env=full_env, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True,
                                        errors="replace", start_new_session=True)
            except OSError as e:
                raise CheckError(f"could not run {argv[0]}: {e.strerror}", path=Path(argv[-1])) from e
            # Read as it comes, into a bounded buffer: a script may print without end.
            log = buildlog.LogBuffer(head_bytes=16 * 1024, tail_bytes=64 * 1024)
            assert proc.stdout is not None
            reader = threading.Thread(target=lambda: [log.add(line) for line in proc.stdout], daemon=True)
            reader.start()
            try:
                code: int | None = proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                code = None
            _kill_group(proc)  # a background child of the script must not outlive it
            reader.join(5)
        return ScriptResult(code, log.text(), time.perf_counter() - start)

    def compose_command(self) -> list[str]:
        """`docker compose` where the plugin exists, else Debian's `docker-compose`."""
        for argv in (["docker", "compose"], ["docker-compose"]):
            with contextlib.suppress(OSError, subprocess.TimeoutExpired):
                if subprocess.run([*argv, "version"], capture_output=True, timeout=30).returncode == 0:
                    return argv
        raise CheckError("neither `docker compose` nor `docker-compose` is installed",
                         hint="install Docker's compose plugin, or on Debian: apt-get install docker-compose")

    def named_objects(self, prefix: str | None = None) -> NamedObjects:
        """Containers, networks, volumes and images named with ``prefix`` (default: this run's),
        or made by a Compose project of that name."""
        prefix = prefix or self.prefix
        api = self.client.api
        project = {"label": f"com.docker.compose.project={prefix}"}

        def ours(names: list[str]) -> bool:
            return any(n.lstrip("/").startswith(prefix) for n in names)

        with self._translate("list what the script created"):
            containers = {c["Id"]: c for c in api.containers(all=True) if ours(c.get("Names") or [])}
            containers.update({c["Id"]: c for c in api.containers(all=True, filters=project)})
            networks = {n["Id"]: n for n in api.networks() if ours([n["Name"]])}
            networks.update({n["Id"]: n for n in api.networks(filters=project)})
            all_volumes = api.volumes().get("Volumes") or []
            volumes = {v["Name"]: v for v in all_volumes if ours([v["Name"]])}
            volumes.update({v["Name"]: v for v in api.volumes(filters=project).get("Volumes") or []})
            images = [i for i in api.images() if ours(i.get("RepoTags") or [])]
        return NamedObjects(
            containers=tuple(api.inspect_container(i) for i in containers),
            networks=tuple(api.inspect_network(i) for i in networks),
            volumes=tuple(volumes.values()),
            images=tuple(t for i in images for t in i.get("RepoTags") or [] if t.startswith(prefix)),
        )

    def remove_named(self, prefix: str | None = None) -> list[str]:
        """Remove what ``named_objects`` finds: the grader's own cleanup after a script."""
        found = self.named_objects(prefix)
        api = self.client.api
        removed: list[str] = []
        gone = (docker.errors.NotFound, docker.errors.APIError)
        with self._timed("cleanup"), self._translate("clean up after the script"):
            for c in found.containers:
                with contextlib.suppress(*gone):
                    api.remove_container(c["Id"], force=True, v=True)
                    removed.append(f"container {c['Name'].lstrip('/')}")
            for n in found.networks:
                with contextlib.suppress(*gone):
                    api.remove_network(n["Id"])
                    removed.append(f"network {n['Name']}")
            for v in found.volumes:
                with contextlib.suppress(*gone):
                    api.remove_volume(v["Name"], force=True)
                    removed.append(f"volume {v['Name']}")
            for ref in found.images:
                with contextlib.suppress(*gone):
                    api.remove_image(ref, force=True, noprune=True)
                    removed.append(f"image {ref}")
        return removed

    def exec_in(self, container: str, argv: list[str], timeout: float = 20) -> CommandResult:
        """Run ``argv`` inside a running container (``docker exec``) and wait for it."""
        with self._timed("runtime"), self._translate(f"run a command in {container}"):
            api = self.client.api
            exec_id = api.exec_create(container, argv)["Id"]
            result: list[bytes] = []
            reader = threading.Thread(target=lambda: result.append(api.exec_start(exec_id)), daemon=True)
            reader.start()
            reader.join(timeout)
            if reader.is_alive():
                return CommandResult(None, "")
            code = api.exec_inspect(exec_id).get("ExitCode")
        return CommandResult(code, (result[0] if result else b"").decode(errors="replace"))

    # -- a private registry on loopback (lab 09) -------------------------------------------------

    def start_registry(self, image: str, htpasswd: Path | None = None, within_s: float = 30) -> str:
        """Start ``image`` (a registry:2) on a network of our own, published on a free port of
        127.0.0.1 only, and return its address. Its storage is a tmpfs: pushed data dies with it."""
        name = f"lbl-{self.run_id}-registry"
        env: dict[str, str] = {}
        volumes: dict[str, dict[str, str]] = {}
        if htpasswd is not None:
            env = {"REGISTRY_AUTH": "htpasswd", "REGISTRY_AUTH_HTPASSWD_REALM": "layer-by-layer",
                   "REGISTRY_AUTH_HTPASSWD_PATH": "/auth/htpasswd"}
            volumes = {str(htpasswd.parent): {"bind": "/auth", "mode": "ro"}}
        with self._timed("runtime"), self._translate(f"start a registry from {image}"):
            # The engine has no default bridge: a published port needs a network of our own.
            network = self.client.networks.create(name, labels=self.labels)
            container = self.client.containers.run(
                image, detach=True, name=name, labels=self.labels, network=network.name,
                ports={"5000/tcp": ("127.0.0.1", None)}, environment=env, volumes=volumes,
                tmpfs={"/var/lib/registry": "size=512m"}, mem_limit="256m", pids_limit=256,
                cap_drop=["ALL"], security_opt=["no-new-privileges"], read_only=True,
                log_config=LogConfig(type="json-file", config={"max-size": "1m", "max-file": "1"}),
            )
            container.reload()
            port = container.attrs["NetworkSettings"]["Ports"]["5000/tcp"][0]["HostPort"]
        address = f"127.0.0.1:{port}"
        deadline = time.monotonic() + within_s
        while time.monotonic() < deadline:
            # docker-proxy accepts connections before the registry listens: ask for /v2/ itself.
            try:
                no_proxy = urllib.request.build_opener(urllib.request.ProxyHandler({}))
                no_proxy.open(f"http://{address}/v2/", timeout=2).close()
                return address
            except urllib.error.HTTPError as e:
                if e.code == 401:  # answering, and asking for the credentials it should
                    return address
            except OSError:
                pass
            time.sleep(0.2)
        raise CheckError(f"the course's registry did not answer on {address} within {within_s:g} s",
                         hint="see `docker logs " + name + "`; is registry:2 a working image here?")

    def stop_registry(self) -> None:
        """Remove the registry ``start_registry`` made, with its network and its data."""
        name = f"lbl-{self.run_id}-registry"
        api = self.client.api
        with self._timed("cleanup"), self._translate("remove the course's registry"):
            for remove in (lambda: api.remove_container(name, force=True, v=True),
                           lambda: api.remove_network(name)):
                with contextlib.suppress(docker.errors.NotFound, docker.errors.APIError):
                    remove()

    def remove_images_named(self, repository_prefix: str) -> list[str]:
        """Remove every tag and digest reference starting with ``repository_prefix`` (what a
        script pushed to, or pulled from, the course's registry)."""
        api = self.client.api
        removed: list[str] = []
        with self._timed("cleanup"), self._translate("remove the registry's images"):
            for image in api.images():
                refs = [*(image.get("RepoTags") or []), *(image.get("RepoDigests") or [])]
                for ref in refs:
                    if ref.startswith(repository_prefix):
                        with contextlib.suppress(docker.errors.NotFound, docker.errors.APIError):
                            api.remove_image(ref, noprune=True)
                            removed.append(f"image {ref}")
        return removed

    # -- cleanup ------------------------------------------------------------------------------

    def cleanup(self, *, everything: bool = False, keep_images: bool = False) -> list[str]:
        """Remove what carries our labels: this run's, or every run's with ``everything``.

        Lists come from the raw API (one request each): docker-py's ``.list()`` fetches every
        object again, and another grader removing its own things meanwhile would make that
        fail. Anything gone by the time we remove it is simply gone.
        """
        selector = LABEL_MANAGED + "=true" if everything else f"{LABEL_RUN}={self.run_id}"
        removed: list[str] = []
        api = self.client.api
        gone = (docker.errors.NotFound, docker.errors.APIError)
        with self._timed("cleanup"), self._translate("clean up after grading"):
            for container in api.containers(all=True, filters={"label": selector}):
                with contextlib.suppress(*gone):
                    api.remove_container(container["Id"], force=True, v=True)
                    removed.append(f"container {container['Names'][0].lstrip('/')}")
            for network in api.networks(filters={"label": selector}):
                with contextlib.suppress(*gone):
                    api.remove_network(network["Id"])
                    removed.append(f"network {network['Name']}")
            for volume in api.volumes(filters={"label": selector}).get("Volumes") or []:
                with contextlib.suppress(*gone):
                    api.remove_volume(volume["Name"], force=True)
                    removed.append(f"volume {volume['Name']}")
            if keep_images:
                return removed
            for image in api.images(filters={"label": selector}):
                for ref in image.get("RepoTags") or [image["Id"]]:
                    if ref == "<none>:<none>":
                        ref = image["Id"]
                    # noprune keeps the parent layers, which are the next build's cache.
                    with contextlib.suppress(*gone):
                        api.remove_image(ref, force=True, noprune=True)
                        removed.append(f"image {ref}")
            for image_id in reversed(self._disposable):
                with contextlib.suppress(*gone):
                    if api.inspect_image(image_id).get("RepoTags"):
                        continue  # tagged: somebody's image, never ours to remove
                    api.remove_image(image_id, noprune=True)
                    removed.append(f"image {image_id[:12]} (one-off build step)")
            self._disposable.clear()
            # The legacy builder applies labels one step at a time, so a graded image's
            # parent carries our first label but not the run id. Once the graded image is
            # gone that parent is dangling (no tag, no child) and is ours to remove; one
            # still under another run's image has a child and is not listed.
            for image in api.images(filters={"label": f"{LABEL_MANAGED}=true", "dangling": True}):
                owner = (image.get("Labels") or {}).get(LABEL_RUN)
                if owner and owner != self.run_id and not everything:
                    continue  # another grader's image, untagged for a moment while it is built
                with contextlib.suppress(*gone):
                    api.remove_image(image["Id"], noprune=True)
                    removed.append(f"image {image['Id'][7:19]} (intermediate)")
        return removed


# BusyBox wget's own -T timeout crashes in Debian's static build; `timeout` bounds it instead.
_PROBE_SCRIPT = """\
i=0
while [ "$i" -lt {seconds} ]; do
  out=$(timeout 2 wget -S -O /dev/null "{url}" 2>&1)
  code=$(echo "$out" | sed -n 's/.*HTTP\\/[0-9.]* \\([0-9][0-9][0-9]\\).*/\\1/p' | tail -n 1)
  if [ -n "$code" ]; then echo "status=$code"; exit 0; fi
  i=$((i + 1))
  sleep 0.1
done
echo "status=none"
echo "$out"
"""


@cache
def choose_builder(preference: str = "auto") -> Builder:
    """The best builder this machine offers, or the one asked for by name."""
    if preference == "legacy":
        return Builder("legacy")
    for cli in _docker_clis():
        if _has_buildx(cli) and preference in ("auto", "buildx"):
            return Builder("buildx", cli)
        if _native_buildkit(cli) and preference in ("auto", "buildkit"):
            return Builder("buildkit", cli)
    if preference not in ("auto", "legacy"):
        raise CheckError(
            f"LAYERBYLAYER_BUILDER={preference} was asked for, but this machine has no such builder",
            hint="unset LAYERBYLAYER_BUILDER to let the grader choose",
        )
    return Builder("legacy")


def _docker_clis() -> list[str]:
    seen: dict[str, str] = {}
    paths = [*os.environ.get("PATH", "").split(os.pathsep), "/usr/bin"]
    for folder in paths:
        candidate = shutil.which("docker", path=folder)
        if candidate and os.path.realpath(candidate) not in seen:
            seen[os.path.realpath(candidate)] = candidate
    return list(seen.values())


def _has_buildx(cli: str) -> bool:
    try:
        return subprocess.run([cli, "buildx", "version"], capture_output=True, timeout=20).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def _native_buildkit(cli: str) -> bool:
    """CLIs from 18.09 to 22.x build with BuildKit themselves; 23+ hand it to buildx."""
    try:
        out = subprocess.run([cli, "--version"], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.TimeoutExpired):
        return False
    match = re.search(r"version (\d+)\.(\d+)", out)
    if not match:
        return False
    major, minor = int(match.group(1)), int(match.group(2))
    return (major, minor) >= (18, 9) and major < 23


def _kill_group(proc: subprocess.Popen[str]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, 9)


def _split_tag(ref: str) -> tuple[str, str]:
    name, _, tag = ref.rpartition(":")
    if not name or "/" in tag:
        return ref, "latest"
    return name, tag


def _short(error: BaseException) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return text[:300]


def _oci_reason(message: str) -> str:
    """The useful end of runc's message, e.g. 'exec: "/app": stat /app: no such file or directory'."""
    match = re.search(r"(exec: .*?)(?:: unknown|\"\)|$)", message)
    return (match.group(1) if match else message).strip()[:200]


def _looks_like_disk_full(text: str) -> bool:
    return "no space left on device" in text.lower()
