"""What every part of the engine package shares: the connection and the labels, the
translation of docker-py's errors into the course's own, the results the parts hand back,
and the choice of builder (``docker buildx``, a CLI older than 23 with native BuildKit, or
docker-py's legacy builder). Everything the package creates carries our labels and this
run's id, and only that is ever removed.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import tempfile
import time
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

from checks.buildlog import BuildStep
from checks.errors import CheckError, EngineUnavailable, ImageUnavailable, Timeout

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
class EngineCore:
    """The state every part shares: the connection, this run's id and labels, and timings."""

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
