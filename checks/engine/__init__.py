"""The only package that talks to Docker.

``Engine`` is one connection to the engine, scoped to one grading run. Its parts live in
one module each (building, the image store, running, scripts, sandboxes, cleanup), all on
the shared core: the connection, the labels every object carries, and the translation of
docker-py's errors into the course's own."""

from __future__ import annotations

from dataclasses import dataclass

from checks.engine.building import Building
from checks.engine.cleanup import Cleanup
from checks.engine.core import (  # noqa: F401 - the package's public names
    _PROBE_SCRIPT,
    BUILD_TIMEOUT_S,
    ENGINE_HINT,
    LABEL_MANAGED,
    LABEL_PROVIDES,
    LABEL_RECIPE,
    LABEL_RUN,
    LABEL_STANDIN,
    TRANSPORT_ERRORS,
    Builder,
    BuildOutcome,
    BuildRequest,
    CommandResult,
    ContainerState,
    ContainerWontStart,
    EngineCore,
    HostAnswer,
    NamedObjects,
    OutsideProbe,
    ProbeResult,
    Progress,
    ScriptResult,
    StateChange,
    StopResult,
    VolumeRuns,
    WatchResult,
    _buildkit_turn,
    _compose_argv,
    _CountingReader,
    _docker_clis,
    _has_buildx,
    _kill_group,
    _looks_like_disk_full,
    _native_buildkit,
    _oci_reason,
    _short,
    _split_tag,
    choose_builder,
)
from checks.engine.running import Running
from checks.engine.sandboxes import Sandboxes
from checks.engine.scripts import Scripts
from checks.engine.store import ImageStore


@dataclass
class Engine(Building, ImageStore, Running, Scripts, Sandboxes, Cleanup):
    """A connection to the engine, scoped to one grading run."""
