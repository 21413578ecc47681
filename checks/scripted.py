"""Grading an exercise whose file is run, not built: a run script or a compose file.

The student's file is copied, with the exercise's ``app/`` folder, into a temporary
folder and run from there with ``$LBL_PREFIX`` (and ``COMPOSE_PROJECT_NAME``) set to a
prefix unique to this grading run. Goals then look at what it created, by that prefix.
Whatever it left is removed by prefix when grading ends, whatever the goals said.
"""

from __future__ import annotations

import contextlib
import secrets
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checks.engine import CommandResult, Engine, HostAnswer, NamedObjects, Progress, ScriptResult
from checks.errors import CheckError
from checks.goals import Goal, GoalResult, evaluate
from checks.lab import Exercise, Lab
from checks.report import ExerciseReport

SCRIPT_TIMEOUT_S = 180


@dataclass
class ScriptSubject:
    """What goals see of a script or compose exercise. ``build`` is None: nothing is built
    by the grader itself, so image goals do not apply."""

    engine: Engine
    exercise: Exercise
    file: Path  # the student's file, as graded
    workdir: Path  # where it runs: a copy of app/ with the file beside it
    progress: Progress | None = None
    build: None = None
    # What goals set up before the first run (an image built, a registry started) adds to
    # ``env`` and registers how to undo it in ``on_cleanup``; both outlive a single goal.
    env: dict[str, str] = field(default_factory=dict)  # e.g. the tags of images built for the run
    secrets: dict[str, str] = field(default_factory=dict)  # file beside the student's -> its secret
    on_cleanup: list[Callable[[], object]] = field(default_factory=list)
    prepared: dict[str, object] = field(default_factory=dict)
    _runs: dict[tuple[str, ...], ScriptResult] = field(default_factory=dict)

    @property
    def prefix(self) -> str:
        return self.engine.prefix

    def command(self, *args: str) -> list[str]:
        """How the file runs: ``bash run.sh ARGS`` or ``<compose> -f compose.yaml ARGS``."""
        if self.exercise.kind == "compose":
            return [*self.engine.compose_command(), "-f", self.exercise.file, *args]
        return ["bash", self.exercise.file, *args]

    def run(self, *args: str, timeout: float = SCRIPT_TIMEOUT_S, once: bool = True,
            separate_stderr: bool = False) -> ScriptResult:
        """Run the file with ``args``. With ``once``, a second goal asking for the same run
        gets the first result, so ``up`` is not done twice. With ``separate_stderr``, the
        result's output is stdout alone (for a document such as ``config``'s)."""
        key = tuple(args)
        if once and key in self._runs:
            return self._runs[key]
        if self.progress:
            self.progress(f"running {' '.join(['$', *self.command(*args)])}")
        result = self.engine.run_script(self.command(*args), self.workdir, self.env, timeout,
                                        separate_stderr=separate_stderr)
        self._runs[key] = result
        return result

    def objects(self) -> NamedObjects:
        return self.engine.named_objects()

    def exec_in(self, container: str, argv: list[str], timeout: float = 20) -> CommandResult:
        return self.engine.exec_in(container, argv, timeout)

    def container(self, ref: str) -> dict[str, Any] | None:
        """A fresh ``docker inspect`` of one container (its health changes while we wait)."""
        return self.engine.inspect_container(ref)

    def fetch(self, port: int, path: str, within_s: float) -> HostAnswer:
        """GET from a port the file published on the host's 127.0.0.1."""
        return self.engine.fetch_published(port, path, within_s)


def grade_scripted(
    engine: Engine,
    lab: Lab,
    exercise: Exercise,
    goals: list[Goal],
    path: Path,
    *,
    standins: list[str],
    progress: Progress | None = None,
) -> ExerciseReport:
    if not path.is_file():
        raise CheckError(f"there is no {exercise.file} to grade", path=path)
    workdir = Path(tempfile.mkdtemp(prefix=f"lbl-{engine.run_id}-"))
    cleanups: list[Callable[[], object]] = []
    try:
        shutil.copytree(exercise.context, workdir, symlinks=True, dirs_exist_ok=True)
        shutil.copyfile(path, workdir / exercise.file)
        env = _prebuild(engine, lab, exercise, progress)
        written = {}
        for name in exercise.secret_files:
            written[name] = secrets.token_hex(16)
            (workdir / name).write_text(written[name] + "\n")
            (workdir / name).chmod(0o444)  # bind-mounted as it is: a service's own user must read it
        subject = ScriptSubject(engine, exercise, path, workdir, progress, env=env, secrets=written)
        cleanups = subject.on_cleanup
        results: list[GoalResult] = [evaluate(g, subject) for g in goals]  # type: ignore[arg-type]
        runner = "bash" if exercise.kind == "script" else " ".join(engine.compose_command())
        return ExerciseReport(
            lab=lab.id,
            exercise=exercise.name,
            dockerfile=str(path),
            builder=runner,
            standins=list(standins),
            goals=results,
            measured={f"{'_'.join(k) or 'run'}_seconds": round(r.seconds, 2)
                      for k, r in subject._runs.items()},
        )
    finally:
        for undo in reversed(cleanups):
            undo()
        engine.remove_named()
        with contextlib.suppress(OSError):
            shutil.rmtree(workdir)


def _prebuild(engine: Engine, lab: Lab, exercise: Exercise, progress: Progress | None) -> dict[str, str]:
    """Build the app's images the exercise's file runs (not the student's work: a lab about
    networking starts from images that work) and name each in ``$<FOLDER>_IMAGE``."""
    env: dict[str, str] = {}
    for folder in exercise.prebuild:
        context = exercise.context / folder
        tag = f"lbl/{lab.number}-{exercise.name}-{folder}:{engine.run_id}"
        if progress:
            progress(f"building {folder} from {context}")
        outcome = engine.build(context, context / "Dockerfile", tag, network=exercise.build_network,
                               progress=progress)
        if outcome.image_id is None:
            raise CheckError(f"the lab's own image {folder} did not build: {outcome.error}",
                             path=context / "Dockerfile", hint="this is the course's file, not yours: "
                             "report it, with the log above")
        env[f"{folder.upper().replace('-', '_')}_IMAGE"] = tag
    return env
