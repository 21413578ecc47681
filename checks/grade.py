"""Grading one exercise: build the Dockerfile, hand the goals a Subject, collect results."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from checks import dockerfile as dockerfile_module
from checks import images
from checks.dockerfile import Dockerfile
from checks.engine import BuildOutcome, CommandResult, Engine, ProbeResult, Progress
from checks.errors import CheckError
from checks.goals import Goal, GoalResult, ImageFacts, evaluate
from checks.lab import Exercise, Lab
from checks.layers import FileIndex, scan_saved_image
from checks.report import ExerciseReport


@dataclass
class LiveSubject:
    """What goals see of one build. Expensive facts are fetched once, on first use."""

    engine: Engine
    exercise: Exercise
    dockerfile: Dockerfile
    build: BuildOutcome
    tag: str
    workdir: Path
    progress: Progress | None = None
    _image: ImageFacts | None = None
    _files: FileIndex | None = None
    _stage: ImageFacts | None = None
    _base_layers: dict[str, int] = field(default_factory=dict)

    def image(self) -> ImageFacts:
        if self._image is None:
            self._image = self._facts(self.tag)
        return self._image

    def files(self) -> FileIndex:
        if self._files is None:
            archive = self.engine.save(self.tag, self.workdir / "image.tar")
            self._files = scan_saved_image(archive)
            archive.unlink()
        return self._files

    def layer_origin(self, layer: int) -> str:
        base = self.dockerfile.final.base
        if base != "scratch" and self.dockerfile.stage(base) is None:
            if base not in self._base_layers:
                info = self.engine.inspect_image(base)
                self._base_layers[base] = len(info.get("RootFS", {}).get("Layers", []))
            if layer < self._base_layers[base]:
                return f"the base image {base} (FROM at line {self.dockerfile.final.line})"
        origins = self.files().layer_origins
        created_by = origins[layer] if layer < len(origins) else "an unknown step"
        text = " ".join(created_by.replace("/bin/sh -c #(nop) ", "").split()).removesuffix(" # buildkit")
        return f"layer {layer + 1}: {text[:100]}"

    def build_stage_image(self) -> ImageFacts:
        if self._stage is None:
            stage = self.dockerfile.build_stage()
            if stage is self.dockerfile.final:
                self._stage = self.image()
            else:
                tag = f"{self.tag}-stage"
                outcome = self.engine.build(
                    self.exercise.context,
                    self.dockerfile.path,
                    tag,
                    target=stage.label,
                    network=self.exercise.build_network,
                    progress=self.progress,
                )
                if outcome.image_id is None:
                    raise CheckError(
                        f"the build stage {stage.label!r} did not build on its own: {outcome.error}",
                        path=self.dockerfile.path,
                        line=stage.line,
                    )
                self._stage = self._facts(tag)
        return self._stage

    def probe(self, path: str, within_s: float) -> ProbeResult:
        if self.exercise.port is None:
            raise CheckError(
                f"exercise {self.exercise.name} has a runtime goal but no port",
                path=self.exercise.lab_dir / "lab.toml",
            )
        with self.engine.sandboxed(self.tag) as app:
            return self.engine.probe_http(app, self.exercise.port, path, within_s, images.PROBE_IMAGE)

    def run_command(self, argv: list[str], timeout: float) -> CommandResult:
        return self.engine.run_to_exit(self.tag, argv, timeout)

    def _facts(self, ref: str) -> ImageFacts:
        info = self.engine.inspect_image(ref)
        return ImageFacts(
            id=info["Id"],
            size=int(info.get("Size", 0)),
            config=info.get("Config") or {},
            history=tuple(self.engine.history(ref)),
            layer_count=len(info.get("RootFS", {}).get("Layers", [])),
        )


def grade_exercise(
    engine: Engine,
    lab: Lab,
    exercise: Exercise,
    goals: list[Goal],
    dockerfile_path: Path,
    *,
    standins: list[str],
    progress: Progress | None = None,
) -> ExerciseReport:
    dockerfile = dockerfile_module.parse(dockerfile_path)
    tag = f"lbl/{lab.number}-{exercise.name}:{engine.run_id}"
    builder = engine.builder()
    build = engine.build(
        exercise.context,
        dockerfile_path,
        tag,
        network=exercise.build_network,
        progress=progress,
        builder=builder,
    )
    workdir = Path(tempfile.mkdtemp(prefix=f"lbl-{engine.run_id}-"))
    try:
        subject = LiveSubject(engine, exercise, dockerfile, build, tag, workdir, progress)
        results: list[GoalResult] = [evaluate(g, subject) for g in goals]
        measured = {}
        if build.image_id is not None:
            measured["image_mb"] = round(subject.image().size_mb, 1)
            if subject._stage is not None:
                measured["build_stage_mb"] = round(subject._stage.size_mb, 1)
        measured["build_seconds"] = round(build.seconds, 2)
        return ExerciseReport(
            lab=lab.id,
            exercise=exercise.name,
            dockerfile=str(dockerfile_path),
            builder=builder.description,
            standins=list(standins),
            goals=results,
            measured=measured,
            rebuilt_steps=[s.label() for s in build.steps if not s.cached],
        )
    finally:
        with contextlib.suppress(OSError):
            shutil.rmtree(workdir)
