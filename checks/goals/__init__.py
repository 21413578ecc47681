"""What every goal kind shares: the Goal a rubric declares, and what a check sees and says.

A check receives a ``Subject`` (the parsed Dockerfile, the build, and lazy access to the
image, its files and a sandboxed run) and never a Docker client. It returns a ``Verdict``
that lists every failure as "expected X, got Y" instead of stopping at the first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from checks.dockerfile import Dockerfile
    from checks.engine import BuildOutcome, CommandResult, OutsideProbe, ProbeResult, VolumeRuns, WatchResult
    from checks.goals.lifecycle import LifecycleRun
    from checks.goals.production import RunningApp
    from checks.goals.volumes import BindRun, PersistRuns, WritableRun
    from checks.lab import Exercise
    from checks.layers import ByteHit, FileIndex

MB = 1_000_000  # the unit `docker images` prints


@dataclass(frozen=True)
class ImageFacts:
    """One built image as the engine describes it. Size is the uncompressed sum of layers."""

    id: str
    size: int
    config: dict[str, Any]
    history: tuple[dict[str, Any], ...]
    layer_count: int
    diff_ids: tuple[str, ...] = ()  # RootFS.Layers, bottom first: what two images can share

    def shared_layers(self, other: ImageFacts) -> int:
        """How many layers, counted from the bottom, this image and ``other`` have in common.

        Only a common prefix counts: a layer is stored and pulled as a diff on top of the
        ones below it, so the same diff over a different stack is not the same layer.
        """
        count = 0
        for mine, theirs in zip(self.diff_ids, other.diff_ids, strict=False):
            if mine != theirs:
                break
            count += 1
        return count

    @property
    def size_mb(self) -> float:
        return self.size / MB


@dataclass(frozen=True)
class LayerInfo:
    """One layer of the final image: its size, what made it, and the line that did."""

    size: int
    created_by: str
    line: int | None  # None for layers of the base image
    base: str | None = None  # the base image's name, for its layers

    def describe(self) -> str:
        if self.base:
            return f"from the base image {self.base}"
        text = " ".join(self.created_by.replace("/bin/sh -c #(nop) ", "").split()).removesuffix(" # buildkit")
        text = text.replace("/bin/sh -c ", "")
        text = text[:80] + ("…" if len(text) > 80 else "")
        return f"line {self.line}: {text}" if self.line else text


@dataclass(frozen=True)
class Variant:
    """The exercise built again under changed conditions, for build-behaviour goals."""

    target: str | None = None
    edit: str | None = None  # a file in the context that gets one new comment line
    add_files: tuple[tuple[str, str], ...] = ()  # (path in the context, content)
    strip_cache_mounts: bool = False  # the control for "does the cache mount help?"
    build_args: tuple[tuple[str, str], ...] = ()  # (name, value): `--build-arg NAME=VALUE`


class Subject(Protocol):
    dockerfile: Dockerfile
    build: BuildOutcome
    exercise: Exercise

    def image(self) -> ImageFacts: ...
    def files(self) -> FileIndex: ...
    def layer_origin(self, layer: int) -> str: ...
    def layers(self) -> list[LayerInfo]: ...
    def build_stage_image(self) -> ImageFacts: ...
    def probe(self, path: str, within_s: float) -> ProbeResult: ...
    def run_command(self, argv: list[str], timeout: float) -> CommandResult: ...
    def build_stage_files(self) -> FileIndex: ...
    def variant(self, variant: Variant) -> BuildOutcome: ...
    def variant_image(self, variant: Variant) -> ImageFacts | None: ...
    def base_image(self) -> ImageFacts | None: ...
    def search_image(self, needle: bytes, variant: Variant | None = None) -> list[ByteHit]: ...
    def run_app(
        self, *, memory_mb: int = 256, writable: bool = False, health_interval_s: float | None = None
    ) -> AbstractContextManager[RunningApp]: ...
    # lab 13: troubleshooting
    def read_file(self, path: str) -> bytes | None: ...
    def probe_from_neighbour(self, path: str, within_s: float) -> OutsideProbe: ...
    def watch(self, seconds: float) -> WatchResult: ...
    def runs_on_fresh_volume(self, mount: str, runs: int, timeout: float) -> VolumeRuns: ...

    # -- lifecycle and volumes (labs 04, 05) --
    def lifecycle(self, path: str, watch_s: float, grace_s: float) -> LifecycleRun: ...
    def volume_runs(self, mount: str, runs: int, data_file: str, timeout_s: float) -> PersistRuns: ...
    def writable_run(self, volume_at: str | None, timeout_s: float) -> WritableRun: ...
    def bind_run(self, mount: str, seed: tuple[tuple[str, str], ...], timeout_s: float) -> BindRun: ...
    def variant_command(self, variant: Variant, argv: list[str], timeout: float) -> CommandResult: ...
    def unique(self) -> str: ...
    def secret_values(self) -> dict[str, bytes]: ...
    def find_in_image(self, needle: bytes) -> list[ByteHit]: ...


@dataclass
class Verdict:
    failures: list[str] = field(default_factory=list)
    measured: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def expect(self, ok: bool, expected: str, got: str) -> None:
        if not ok:
            self.failures.append(f"expected {expected}, got {got}")


@dataclass(frozen=True)
class Check:
    """A goal kind's test. ``needs_image`` says it cannot run when the build failed."""

    run: Callable[[Subject], Verdict]
    needs_image: bool = True


@dataclass(frozen=True)
class Goal:
    id: str
    title: str
    points: int
    check: Check
    hint: str
    more: str = ""  # a second, more specific hint for --hint


@dataclass(frozen=True)
class GoalResult:
    id: str
    title: str
    status: str  # "pass" or "fail"
    points: int
    earned: int
    message: str = ""
    hint: str = ""
    measured: dict[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()


def goal(id: str, title: str, points: int, check: Check, hint: str, more: str = "") -> Goal:
    """Declare one line of a marking scheme (used by each lab's check.py).

    ``hint`` nudges; ``more`` is the next, more specific hint that ``--hint`` gives.
    """
    return Goal(id, title, points, check, hint, more)


def evaluate(goal: Goal, subject: Subject) -> GoalResult:
    if goal.check.needs_image and (subject.build is None or subject.build.image_id is None):
        return GoalResult(
            goal.id, goal.title, "fail", goal.points, 0, "not checked: the image did not build", goal.hint
        )
    verdict = goal.check.run(subject)
    passed = not verdict.failures
    return GoalResult(
        goal.id,
        goal.title,
        "pass" if passed else "fail",
        goal.points,
        goal.points if passed else 0,
        "; ".join(verdict.failures),
        "" if passed else goal.hint,
        verdict.measured,
        tuple(verdict.notes),
    )
