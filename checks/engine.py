"""The only module that talks to Docker.

Builds go through BuildKit where this machine offers it (``docker buildx``, or a CLI
older than 23 with native BuildKit) and otherwise through docker-py's legacy builder.
Everything else (inspect, save, run, cleanup) goes through docker-py. Everything this
module creates carries our labels and this run's id, and only that is ever removed.
"""

from __future__ import annotations

import contextlib
import http.client
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
from checks.errors import BuildFailed, CheckError, EngineUnavailable, ImageUnavailable, NeedsBuildKit, Timeout

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
    secrets: tuple[tuple[str, Path], ...] = ()  # (id, file): `--secret id=ID,src=FILE`, BuildKit only
    build_args: tuple[tuple[str, str], ...] = ()
    no_cache: bool = False

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
    errors: str = ""  # its stderr, when asked to keep it apart from ``output``


@dataclass(frozen=True)
class HostAnswer:
    """What a published port on the host's loopback answered."""

    status: int | None  # None when nothing answered in time
    body: str
    seconds: float
    problem: str = ""  # the last connection error, when nothing answered


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


@dataclass(frozen=True)
class OutsideProbe:
    """A probe from a neighbour container on a network shared with the app (lab 13)."""

    result: ProbeResult
    sockets: str  # `netstat -ltn` read from inside the app's namespace, for the diagnosis


@dataclass(frozen=True)
class WatchResult:
    """How a container under a restart policy looked after a while (lab 13)."""

    running: bool
    restarts: int
    status: str  # the engine's State.Status: running, restarting, exited ...
    exit_code: int | None
    logs: str


@dataclass(frozen=True)
class VolumeRuns:
    """The image's own command run, one after another, on one fresh named volume (lab 13)."""

    runs: tuple[CommandResult, ...]
    user: str  # the uid/gid the app ran as, from `id` in the image
    listing: str  # `ls -lnd` of the mount point, seen by a second container on the volume


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
        secrets: dict[str, Path] | None = None,
        build_args: dict[str, str] | None = None,
        no_cache: bool = False,
    ) -> BuildOutcome:
        """Build and tag an image. A failing step is an outcome; a broken engine raises.

        Images are labelled with this run's id unless ``labels`` says otherwise (stand-ins
        are kept across runs, so they carry their own labels instead). ``secrets`` maps a
        secret's id to the file holding it; only BuildKit can pass one, so the legacy
        builder refuses such a build instead of building without it.
        """
        request = BuildRequest(
            context, dockerfile, tag, target, network, progress, timeout,
            self.labels if labels is None else labels,
            tuple(sorted((secrets or {}).items())), tuple(sorted((build_args or {}).items())), no_cache,
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
            for secret_id, source in r.secrets:
                argv += ["--secret", f"id={secret_id},src={source}"]
            for key, value in r.build_args:
                argv += ["--build-arg", f"{key}={value}"]
            if r.no_cache:
                argv.append("--no-cache")
            argv.append(str(r.context))
            with contextlib.ExitStack() as turn:
                if builder.kind == "buildkit":
                    turn.enter_context(_buildkit_turn(r.progress))
                return self._run_build_cli(argv, r, iidfile, builder)

    def _run_build_cli(self, argv: list[str], r: BuildRequest, iidfile: Path,
                       builder: Builder) -> BuildOutcome:
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
        if r.secrets:
            raise NeedsBuildKit(
                f"this build needs the secret {', '.join(i for i, _ in r.secrets)}, and only BuildKit "
                "can pass a build secret (--secret); the legacy builder is the one here",
                path=r.dockerfile,
                hint="install docker buildx (or use a Docker CLI before 23.0, which has BuildKit built in)",
            )
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
                buildargs=dict(r.build_args) or None,
                nocache=r.no_cache,
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

    def save_images(self, refs: list[str], dest: Path, progress: Callable[[int], None] | None = None) -> Path:
        """Write ``docker save`` of several images to one tar (shared layers once); ``progress``
        gets the bytes written so far after each chunk."""
        api = self.client.api
        written = 0
        with self._timed("save"), self._translate(f"save {', '.join(refs)}"), dest.open("wb") as out:
            # docker-py's get_image takes one name; the endpoint takes several.
            response = api._get(api._url("/images/get"), params={"names": refs}, stream=True)
            api._raise_for_status(response)
            for chunk in response.iter_content(chunk_size=1 << 20):
                out.write(chunk)
                written += len(chunk)
                if progress:
                    progress(written)
        return dest

    def load_images(self, source: Path, progress: Callable[[int], None] | None = None) -> list[str]:
        """``docker load`` a tar; returns what the engine says it loaded (tags, or ids)."""
        loaded: list[str] = []
        with self._timed("load"), self._translate(f"load images from {source}"), source.open("rb") as f:
            for message in self.client.api.load_image(_CountingReader(f, progress)):
                if "error" in message or "errorDetail" in message:
                    detail = message.get("error") or message["errorDetail"].get("message", "")
                    raise CheckError(f"the engine refused the images: {detail}", path=source)
                text = str(message.get("stream", "")).strip()
                for prefix in ("Loaded image: ", "Loaded image ID: "):
                    if text.startswith(prefix):
                        loaded.append(text.removeprefix(prefix))
        return loaded

    def image_id(self, ref: str) -> str | None:
        """The image's id (the digest of its config, the same on every engine), or None."""
        if not self.image_exists(ref):
            return None
        return str(self.inspect_image(ref)["Id"])

    def registry_has(self, ref: str) -> bool:
        """Whether a registry answers for ``ref`` (its manifest, without pulling any layer)."""
        try:
            self.client.api.inspect_distribution(ref)
            return True
        except TRANSPORT_ERRORS:
            return False

    def info(self) -> dict[str, Any]:
        """`docker info` as the engine reports it."""
        with self._translate("ask the engine for its details"):
            return dict(self.client.api.info())

    def image_store(self) -> str:
        """"containerd" when images live in containerd's snapshotters, else the classic driver name."""
        info = self.info()
        status = dict((str(k), str(v)) for k, v in info.get("DriverStatus") or [])
        if status.get("driver-type") == "io.containerd.snapshotter.v1":
            return "containerd"
        return f"classic ({info.get('Driver', 'unknown')})"

    def default_network(self) -> str:
        """What `docker run` without --network gets: "bridge" when the default bridge exists,
        else "none" (loopback only, as the course's daemon.json sets it up)."""
        with self._translate("list the engine's networks"):
            names = {n["Name"] for n in self.client.api.networks()}
        return "bridge" if "bridge" in names else "none"

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
                        probe.remove(force=True)
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

    def run_script(self, argv: list[str], cwd: Path, env: dict[str, str], timeout: float, *,
                   separate_stderr: bool = False) -> ScriptResult:
        """Run a student's script to its end; at the deadline its whole process group is killed.

        With ``separate_stderr``, ``output`` is stdout alone (a document to parse, say) and
        stderr goes to ``errors``."""
        start = time.perf_counter()
        full_env = {**os.environ, "LBL_PREFIX": self.prefix, "COMPOSE_PROJECT_NAME": self.prefix, **env}
        with self._timed("script"):
            try:
                proc = subprocess.Popen(argv, cwd=cwd, env=full_env, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE if separate_stderr else subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, text=True,
                                        errors="replace", start_new_session=True)
            except OSError as e:
                raise CheckError(f"could not run {argv[0]}: {e.strerror}", path=Path(argv[-1])) from e
            # Read as it comes, into a bounded buffer: a script may print without end.
            log = buildlog.LogBuffer(head_bytes=16 * 1024, tail_bytes=64 * 1024)
            errors = buildlog.LogBuffer(head_bytes=16 * 1024, tail_bytes=16 * 1024)
            readers = [threading.Thread(target=lambda: [log.add(line) for line in proc.stdout], daemon=True)]
            if proc.stderr is not None:
                readers.append(threading.Thread(target=lambda: [errors.add(line) for line in proc.stderr],
                                                daemon=True))
            for reader in readers:
                reader.start()
            try:
                code: int | None = proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                code = None
            _kill_group(proc)  # a background child of the script must not outlive it
            for reader in readers:
                reader.join(5)
        return ScriptResult(code, log.text(), time.perf_counter() - start, errors.text())

    def fetch_published(self, port: int, path: str, within_s: float) -> HostAnswer:
        """GET ``path`` from a port published on the host's 127.0.0.1, retrying until it answers.

        Loopback only, and past any proxy the environment names: the answer must come from
        the container behind the port, never from somewhere else."""
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        start = time.perf_counter()
        problem = ""
        last_error: HostAnswer | None = None  # the last 5xx, reported if nothing better comes
        with self._timed("runtime"):
            while True:
                # Each try may take what is left of the time: an app can be slow to say no (a
                # name that does not resolve takes the resolver's full timeout, 10 s by default).
                wait = max(3.0, within_s - (time.perf_counter() - start))
                try:
                    with opener.open(f"http://127.0.0.1:{port}{path}", timeout=wait) as response:
                        body = response.read(64 * 1024).decode(errors="replace")
                        return HostAnswer(response.status, body, time.perf_counter() - start)
                except urllib.error.HTTPError as e:
                    body = e.read(64 * 1024).decode(errors="replace")
                    last_error = HostAnswer(e.code, body, time.perf_counter() - start)
                    if e.code < 500:
                        return last_error
                except (OSError, http.client.HTTPException) as e:
                    problem = str(getattr(e, "reason", e)) or type(e).__name__
                if time.perf_counter() - start >= within_s:
                    if last_error is not None:
                        return last_error
                    return HostAnswer(None, "", time.perf_counter() - start, problem)
                time.sleep(0.3)

    def inspect_container(self, ref: str) -> dict[str, Any] | None:
        """``docker inspect`` of one container, or None when it is gone."""
        with self._translate(f"inspect container {ref}"):
            try:
                return self.client.api.inspect_container(ref)
            except docker.errors.NotFound:
                return None

    def compose_command(self) -> list[str]:
        """`docker compose` where the plugin exists, else Debian's `docker-compose`."""
        # Asked once per process: `docker-compose version` alone takes over a second.
        argv = _compose_argv()
        if argv:
            return list(argv)
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

    def exec_in(self, container: Any, argv: list[str], timeout: float = 20) -> CommandResult:
        """Run ``argv`` inside a running container (``docker exec``, as its USER) and wait for it.
        ``container`` is a name, an id or a container object; a stopped one gives 126."""
        ref = getattr(container, "id", container)
        with self._timed("runtime"), self._translate("run a command in a container"):
            api = self.client.api
            try:
                exec_id = api.exec_create(ref, argv)["Id"]
            except docker.errors.APIError as e:
                if e.status_code not in (404, 409):  # gone, or no longer running
                    raise
                return CommandResult(126, f"the container is not running ({_short(e)})")
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
                container.remove(force=True)

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
            container.remove(force=True)

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
                container.remove(force=True)

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



class _CountingReader:
    """A file wrapper that reports how many bytes have been read (a load's progress)."""

    def __init__(self, f: Any, progress: Callable[[int], None] | None) -> None:
        self._f = f
        self._progress = progress
        self.count = 0
        self._size = os.fstat(f.fileno()).st_size

    def __len__(self) -> int:  # lets requests send a Content-Length instead of chunks
        return self._size

    def read(self, size: int = -1) -> bytes:
        data = self._f.read(size)
        self.count += len(data)
        if self._progress:
            self._progress(self.count)
        return data

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
def _compose_argv() -> tuple[str, ...]:
    for argv in (("docker", "compose"), ("docker-compose",)):
        with contextlib.suppress(OSError, subprocess.TimeoutExpired):
            if subprocess.run([*argv, "version"], capture_output=True, timeout=30).returncode == 0:
                return argv
    return ()


@contextlib.contextmanager
def _buildkit_turn(progress: Progress | None) -> Iterator[None]:
    """One native BuildKit build at a time on this machine. Docker 20.10's BuildKit can panic
    on concurrent builds that share steps ("failed to get edge", moby/moby#42414), and the
    panic takes the whole daemon down with every other grader's work."""
    import fcntl  # POSIX only, like the CLIs before 23.0 that need this

    with (Path(tempfile.gettempdir()) / "layer-by-layer-buildkit.lock").open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if progress:
                progress("waiting for another grader's build on this machine to finish")
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


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


# -- lifecycle and volumes (labs 04, 05) --


@dataclass(frozen=True)
class ContainerState:
    status: str  # created, running, exited, ... as `docker inspect` says
    health: str | None  # starting, healthy, unhealthy; None without a HEALTHCHECK
    exit_code: int | None = None  # once exited
    last_probe: str = ""  # the output of the last health probe

    @property
    def label(self) -> str:
        """How the lab reports it: a health verdict stands in for "running" once there is one."""
        if self.status == "running" and self.health in ("healthy", "unhealthy"):
            return self.health
        if self.status == "exited":
            return f"exited ({self.exit_code})"
        return self.status


@dataclass(frozen=True)
class StateChange:
    seconds: float  # since the container was created
    state: ContainerState


@dataclass(frozen=True)
class StopResult:
    seconds: float
    state: ContainerState  # after the stop
    logs: str
