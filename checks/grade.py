"""Grading one exercise: build the Dockerfile, hand the goals a Subject, collect results."""

from __future__ import annotations

import contextlib
import dataclasses
import re
import shutil
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from checks import dockerfile as dockerfile_module
from checks import images
from checks.dockerfile import Dockerfile, lines_for_history
from checks.engine import BuildOutcome, CommandResult, ContainerWontStart, Engine, ProbeResult, Progress
from checks.errors import CheckError, ImageUnavailable, NeedsBuildKit
from checks.goals import Goal, GoalResult, ImageFacts, LayerInfo, Variant, evaluate
from checks.lab import Exercise, Lab
from checks.layers import ByteHit, FileIndex, scan_saved_image, search_saved_image
from checks.report import ExerciseReport

MAX_SCAN_BYTES = 3_000_000_000  # larger images are refused, not read: no goal needs that much
COMMENT_PREFIX = {".go": "//", ".js": "//", ".ts": "//", ".java": "//", ".py": "#"}


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
    _variants: dict[Variant, BuildOutcome] = field(default_factory=dict)
    _stage_files: FileIndex | None = None
    _layers: list[LayerInfo] | None = None

    def image(self) -> ImageFacts:
        if self._image is None:
            self._image = self._facts(self.tag)
        return self._image

    def files(self) -> FileIndex:
        if self._files is None:
            if self.image().size > MAX_SCAN_BYTES:
                raise CheckError(
                    f"the image is {self.image().size_mb:,.0f} MB; the grader reads layers of at most "
                    f"{MAX_SCAN_BYTES / 1e6:,.0f} MB", path=self.dockerfile.path,
                    hint="look for a RUN that downloads or makes large files: `docker history` shows which",
                )
            archive = self.engine.save(self.tag, self.workdir / "image.tar")
            self._files = scan_saved_image(archive)
            archive.unlink()
        return self._files

    def layers(self) -> list[LayerInfo]:
        """Every history entry of the final image, oldest first, traced to its line."""
        if self._layers is None:
            history = list(reversed(self.engine.history(self.tag)))  # the API gives newest first
            chain = self.dockerfile.stage_chain(self.dockerfile.final)
            root = chain[0].base
            base_count = len(self.engine.history(root)) if root != "scratch" else 0
            instructions = [i for stage in chain for i in stage.instructions]
            made_by = [str(h.get("CreatedBy", "")) for h in history[base_count:]]
            lines = lines_for_history(instructions, made_by)
            text_at = {i.line: i.text for i in instructions}
            self._layers = [
                LayerInfo(int(h.get("Size", 0)), str(h.get("CreatedBy", "")), None, root)
                for h in history[:base_count]
            ] + [
                # Where the line is known, show the instruction as the student wrote it.
                LayerInfo(int(h.get("Size", 0)), text_at.get(line, made) if line else made, line)
                for h, made, line in zip(history[base_count:], made_by, lines, strict=True)
            ]
        return self._layers

    def layer_origin(self, layer: int) -> str:
        """What brought in the files of layer number ``layer`` of the saved image."""
        position = self.files().history_index(layer)
        layers = self.layers()
        if position is None or position >= len(layers):
            return f"layer {layer + 1}"
        return f"layer {layer + 1}, {layers[position].describe()}"

    def base_size(self) -> int:
        """Bytes of the image the final stage is built on (0 on scratch)."""
        root = self.dockerfile.stage_chain(self.dockerfile.final)[0].base
        return 0 if root == "scratch" else int(self.engine.inspect_image(root).get("Size", 0))

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

    def build_stage_files(self) -> FileIndex:
        if self._stage_files is None:
            if self.dockerfile.build_stage() is self.dockerfile.final:
                self._stage_files = self.files()
            else:
                self.build_stage_image()
                archive = self.engine.save(f"{self.tag}-stage", self.workdir / "stage.tar")
                self._stage_files = scan_saved_image(archive)
                archive.unlink()
        return self._stage_files

    def variant(self, variant: Variant) -> BuildOutcome:
        """Build a changed copy of the context (and Dockerfile); each variant is built once."""
        if variant not in self._variants:
            number = len(self._variants) + 1
            context = self.workdir / f"variant-{number}"
            shutil.copytree(self.exercise.context, context, symlinks=True)
            if variant.edit:
                edited = context / variant.edit
                prefix = COMMENT_PREFIX.get(edited.suffix, "#")
                # Unique to this build, so no earlier build (another exercise on the same app
                # in this run, say) can have put the edited file in the cache already.
                with edited.open("a", encoding="utf-8") as handle:
                    handle.write(f"\n{prefix} edited by the grader: {uuid.uuid4().hex}\n")
            for relative, content in variant.add_files:
                (context / relative).parent.mkdir(parents=True, exist_ok=True)
                (context / relative).write_text(content, encoding="utf-8")
            dockerfile = self.dockerfile.path
            if variant.strip_cache_mounts:
                dockerfile = self.workdir / f"variant-{number}.Dockerfile"
                dockerfile.write_text(_without_cache_mounts(self.dockerfile.path.read_text()))
            self._variants[variant] = self.engine.build(
                context, dockerfile, f"{self.tag}-v{number}", target=variant.target,
                network=self.exercise.build_network, progress=self.progress, disposable=True,
            )
        return self._variants[variant]

    def variant_image(self, variant: Variant) -> ImageFacts | None:
        """The image a variant built (another --target, say), or None when it did not build."""
        outcome = self.variant(variant)
        return self._facts(outcome.image_id) if outcome.image_id else None

    def base_image(self) -> ImageFacts | None:
        """The image the final stage is built on; None on scratch."""
        root = self.dockerfile.stage_chain(self.dockerfile.final)[0].base
        return None if root == "scratch" else self._facts(root)
    def search_image(self, needle: bytes, variant: Variant | None = None) -> list[ByteHit]:
        """Every place the image (or a variant's, built first) stores ``needle``: each file of
        each layer, the history and the config."""
        ref = self.tag
        if variant is not None:
            ref = self.variant(variant).image_id or ""
            if not ref:
                raise CheckError("the variant did not build, so there is no image to search",
                                 path=self.dockerfile.path)
        archive = self.engine.save(ref, self.workdir / "search.tar")
        try:
            return search_saved_image(archive, needle)
        finally:
            archive.unlink()

    def probe(self, path: str, within_s: float) -> ProbeResult:
        if self.exercise.port is None:
            raise CheckError(
                f"exercise {self.exercise.name} has a runtime goal but no port",
                path=self.exercise.lab_dir / "lab.toml",
            )
        config = self.image().config
        if not (config.get("Entrypoint") or config.get("Cmd")):
            return ProbeResult(None, 0.0, False, None, "", "", problem="the image sets no ENTRYPOINT or CMD")
        try:
            with self.engine.sandboxed(self.tag) as app:
                return self.engine.probe_http(app, self.exercise.port, path, within_s, images.PROBE_IMAGE)
        except ContainerWontStart as e:
            problem = f"the container could not start: {e}"
            return ProbeResult(None, 0.0, False, None, str(e), "", problem=problem)

    def run_command(self, argv: list[str], timeout: float) -> CommandResult:
        try:
            return self.engine.run_to_exit(self.tag, argv, timeout)
        except ContainerWontStart as e:
            return CommandResult(127, f"the container could not start: {e}")

    def _facts(self, ref: str) -> ImageFacts:
        info = self.engine.inspect_image(ref)
        return ImageFacts(
            id=info["Id"],
            size=int(info.get("Size", 0)),
            config=info.get("Config") or {},
            history=tuple(self.engine.history(ref)),
            layer_count=len(info.get("RootFS", {}).get("Layers", [])),
            diff_ids=tuple(info.get("RootFS", {}).get("Layers", [])),
        )


def _without_cache_mounts(text: str) -> str:
    return re.sub(r"--mount=type=cache[^\s]*\s+", "", text)


def _assemble_context(exercise: Exercise, dockerfile_path: Path, workdir: Path) -> Exercise:
    """The exercise, built from a copy of its context that holds the student's context files
    (taken from beside the graded Dockerfile) and the grader's planted files.

    Without either, the context is used where it is. The copy is the context of every build
    of this grading, variants included; the exercise's own folder is never written to.
    """
    if not (exercise.context_files or exercise.plant):
        return exercise
    context = workdir / "context"
    shutil.copytree(exercise.context, context, symlinks=True)
    for name in exercise.context_files:
        beside = dockerfile_path.parent / name
        if beside.is_file():
            shutil.copyfile(beside, context / name)
    for relative, content in exercise.plant:
        (context / relative).parent.mkdir(parents=True, exist_ok=True)
        (context / relative).write_text(content, encoding="utf-8")
    return dataclasses.replace(exercise, context_override=context)


def _require_local_bases(engine: Engine, dockerfile: Dockerfile) -> None:
    """Every FROM names a stage, scratch, or an image on this machine.

    A missing image would make the builder go to a registry; unless pulling is enabled
    (LAYERBYLAYER_PULL=missing), the grader stops first and says which line.
    """
    if images.PULL_POLICY == "missing":
        return
    for stage in dockerfile.stages:
        base = stage.base
        if base == "scratch" or "$" in base or dockerfile.stage(base) is not None:
            continue
        if not engine.image_exists(base):
            known = ", ".join(sorted(images.catalog()))
            raise ImageUnavailable(
                f"FROM {base}: that image is not on this machine, and pulling is off",
                path=dockerfile.path, line=stage.line,
                hint=f"use an image from the course catalog ({known}), or run `nox -s images`",
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
    if exercise.kind != "dockerfile":
        from checks.scripted import grade_scripted  # it needs this module's neighbours, not this one

        return grade_scripted(engine, lab, exercise, goals, dockerfile_path, standins=standins,
                              progress=progress)
    dockerfile = dockerfile_module.parse(dockerfile_path)
    tag = f"lbl/{lab.number}-{exercise.name}:{engine.run_id}"
    builder = engine.builder()
    if exercise.needs_buildkit and builder.kind == "legacy":
        raise NeedsBuildKit(
            f"exercise {exercise.name} needs BuildKit, and only the legacy builder is here",
            path=exercise.lab_dir / "lab.toml",
            hint="install docker buildx (or use a Docker CLI before 23.0, which has BuildKit built in)",
        )
    _require_local_bases(engine, dockerfile)
    workdir = Path(tempfile.mkdtemp(prefix=f"lbl-{engine.run_id}-"))
    try:
        exercise = _assemble_context(exercise, dockerfile_path, workdir)
        build = engine.build(
            exercise.context,
            dockerfile_path,
            tag,
            network=exercise.build_network,
            progress=progress,
            builder=builder,
        )
        subject = LiveSubject(engine, exercise, dockerfile, build, tag, workdir, progress)
        results: list[GoalResult] = [evaluate(g, subject) for g in goals]
        measured = {}
        if build.image_id is not None:
            measured["image_mb"] = round(subject.image().size_mb, 1)
            # What the Dockerfile itself added on top of its final base: the app's payload.
            measured["payload_mb"] = round((subject.image().size - subject.base_size()) / 1e6, 2)
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
