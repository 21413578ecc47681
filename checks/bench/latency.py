"""Grading latency, as a student meets it: ``python -m checks grade NN EXERCISE`` in a
fresh process, so interpreter start-up and imports count.

Three situations for each exercise, graded from its reference solution:

- **cold**: base images present, no build step reused. The solution's folder is copied and
  its Dockerfile gets ``ARG LBL_BENCH_COLD=<unique>`` after every ``FROM``: every RUN after
  an ARG sees it in its environment, so each RUN step misses the cache (COPY steps of
  unchanged files may still hit, and cost next to nothing). The copy is graded with
  ``--dockerfile``. Nothing is pruned. ``--no-cache`` is not used: on Docker 20.10 a
  ``--no-cache`` build running beside another build of the same steps can crash the
  daemon ("panic: failed to get edge", moby/buildkit#2303), which it did here.
- **warm**: a re-grade with nothing changed.
- **edit**: a re-grade after a one-line source edit: a copy of the app with a new comment
  line (unique to each run) at the end of one source file, graded with ``--context``. For
  a script exercise the student's own file is what changes: a copy of the solution's
  script with one comment line, graded with ``--dockerfile``.

The engine's share is timed inside the grader (``Engine.timings``, written to the file
``LAYERBYLAYER_TIMINGS`` names): build, runtime (containers and probes, and a student's
script), and other engine work (save, inspect, cleanup). The checker's overhead is the
rest of the wall-clock time: start-up, parsing, reading layers, goals, reports.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checks import images
from checks.bench.timing import median
from checks.engine import LABEL_MANAGED, LABEL_RUN, Engine
from checks.grade import COMMENT_PREFIX
from checks.lab import Exercise, Lab

KINDS = ("cold", "warm", "edit")
RUNTIME_KEYS = ("runtime", "script")
BUILD_KEYS = ("build", "pull")
SOURCE_SUFFIXES = {**COMMENT_PREFIX, ".sh": "#"}
RETRIES = 2  # a grade that could not run (exit 2: the shared engine restarting, say) is retried


class BenchError(RuntimeError):
    """A measurement could not be made."""


@dataclass(frozen=True)
class GradeRun:
    """One timed grade: wall-clock seconds, the engine's timings, and the grade's status."""

    total: float
    timings: dict[str, float]
    status: str  # pass, fail
    retries: int = 0

    @property
    def build(self) -> float:
        return sum(self.timings.get(k, 0.0) for k in BUILD_KEYS)

    @property
    def runtime(self) -> float:
        return sum(self.timings.get(k, 0.0) for k in RUNTIME_KEYS)

    @property
    def engine_other(self) -> float:
        return sum(v for k, v in self.timings.items() if k not in (*BUILD_KEYS, *RUNTIME_KEYS))

    @property
    def overhead(self) -> float:
        return max(0.0, self.total - self.build - self.runtime - self.engine_other)


@dataclass(frozen=True)
class Split:
    """Medians over several runs of one situation."""

    runs: int
    total: float
    build: float
    runtime: float
    engine_other: float
    overhead: float
    statuses: tuple[str, ...]
    retries: int = 0

    @classmethod
    def of(cls, runs: list[GradeRun]) -> Split:
        return cls(
            runs=len(runs),
            total=median([r.total for r in runs]),
            build=median([r.build for r in runs]),
            runtime=median([r.runtime for r in runs]),
            engine_other=median([r.engine_other for r in runs]),
            overhead=median([r.overhead for r in runs]),
            statuses=tuple(sorted({r.status for r in runs})),
            retries=sum(r.retries for r in runs),
        )


@dataclass
class ExerciseLatency:
    lab: str
    exercise: str
    kind: str  # the exercise's kind: dockerfile, script, compose
    splits: dict[str, Split] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)  # situation -> why it was not measured
    edited: str = ""  # which file the edit went into


def grade_once(lab_number: str, exercise: str, extra: list[str], env: dict[str, str] | None = None,
               ok: tuple[int, ...] = (0, 1)) -> GradeRun:
    """Time one ``python -m checks grade``; exit 2 is retried, then raised."""
    output = ""
    for attempt in range(RETRIES + 1):
        with tempfile.TemporaryDirectory(prefix="lbl-bench-") as tmp:
            timings, report = Path(tmp) / "timings.json", Path(tmp) / "report.json"
            full_env = {**os.environ, "LAYERBYLAYER_TIMINGS": str(timings),
                        "LAYERBYLAYER_STATE_DIR": str(Path(tmp) / "state"), **(env or {})}
            argv = [sys.executable, "-m", "checks", "grade", lab_number, exercise, *extra, "--quiet",
                    "--json", str(report)]
            start = time.perf_counter()
            done = subprocess.run(argv, env=full_env, capture_output=True, text=True, errors="replace")
            total = time.perf_counter() - start
            output = done.stdout + done.stderr
            if done.returncode in ok and report.exists() and timings.exists():
                data = json.loads(report.read_text())
                status = str(data.get("status", "error"))
                return GradeRun(total, json.loads(timings.read_text()), status, attempt)
        time.sleep(5 * (attempt + 1))
    raise BenchError(f"grading {lab_number} {exercise} {' '.join(extra)} failed:\n{output[-2000:]}")


def source_file(context: Path) -> Path | None:
    """The file a one-line edit goes into: the first source file, tests left out."""
    candidates = sorted(
        p for p in context.rglob("*")
        if p.is_file() and p.suffix in SOURCE_SUFFIXES and "test" not in p.name
        and "node_modules" not in p.parts and "dist" not in p.parts
    )
    return candidates[0] if candidates else None


def append_comment(path: Path) -> None:
    prefix = SOURCE_SUFFIXES.get(path.suffix, "#")
    with path.open("a", encoding="utf-8") as handle:
        handle.write(f"\n{prefix} edited by the benchmark: {uuid.uuid4().hex}\n")


def cold_dockerfile(text: str, token: str) -> str:
    """``text`` with ``ARG LBL_BENCH_COLD=<token>`` after every FROM line."""
    out: list[str] = []
    for line in text.splitlines():
        out.append(line)
        if re.match(r"\s*FROM\s", line, re.IGNORECASE) and not line.rstrip().endswith("\\"):
            out.append(f"ARG LBL_BENCH_COLD={token}")
    return "\n".join(out) + "\n"


def cold_args(exercise: Exercise, tmp: Path) -> list[str]:
    """Grade arguments for one cold grade: a copy of the solution's folder (with the files
    the student keeps beside the Dockerfile) whose Dockerfile no earlier build has seen."""
    folder = tmp / f"cold-{uuid.uuid4().hex[:8]}"
    shutil.copytree(exercise.solution.parent, folder, symlinks=True)
    dockerfile = folder / exercise.solution.name
    dockerfile.write_text(cold_dockerfile(exercise.solution.read_text(encoding="utf-8"), uuid.uuid4().hex),
                          encoding="utf-8")
    return ["--dockerfile", str(dockerfile)]


def edit_args(exercise: Exercise, tmp: Path) -> tuple[list[str], str]:
    """Grade arguments for one re-grade after a one-line edit, and the edited file's name."""
    if exercise.kind != "dockerfile":
        copy = tmp / exercise.file
        shutil.copyfile(exercise.solution, copy)
        append_comment(copy)
        return ["--dockerfile", str(copy)], exercise.file
    context = tmp / "app"
    if context.exists():
        shutil.rmtree(context)
    shutil.copytree(exercise.context, context, symlinks=True,
                    ignore=shutil.ignore_patterns("node_modules", "dist"))
    edited = source_file(context)
    if edited is None:
        raise BenchError(f"{exercise.name}: no source file to edit in {exercise.context}")
    append_comment(edited)
    return ["--solution", "--context", str(context)], str(edited.relative_to(context))


def measure_exercise(the_lab: Lab, exercise: Exercise, runs: int, builder_kind: str,
                     say: Any = print) -> ExerciseLatency:
    result = ExerciseLatency(the_lab.id, exercise.name, exercise.kind)
    if exercise.needs_buildkit and builder_kind == "legacy":
        reason = "needs BuildKit; this machine has only the legacy builder"
        result.skipped = dict.fromkeys(KINDS, reason)
        return result
    number = the_lab.number
    if exercise.kind == "dockerfile":
        say(f"  {exercise.name}: cold x{runs}")
        with tempfile.TemporaryDirectory(prefix="lbl-bench-cold-") as tmp:
            colds = [grade_once(number, exercise.name, cold_args(exercise, Path(tmp))) for _ in range(runs)]
        result.splits["cold"] = Split.of(colds)
    else:
        result.skipped["cold"] = ("the student's script runs its own builds; the grader cannot empty "
                                  "their cache without pruning the shared build cache")
    say(f"  {exercise.name}: warm x{runs}")
    grade_once(number, exercise.name, ["--solution"])  # fills the cache for what follows
    result.splits["warm"] = Split.of([grade_once(number, exercise.name, ["--solution"]) for _ in range(runs)])
    say(f"  {exercise.name}: after an edit x{runs}")
    edits: list[GradeRun] = []
    with tempfile.TemporaryDirectory(prefix="lbl-bench-edit-") as tmp:
        for _ in range(runs):
            args, result.edited = edit_args(exercise, Path(tmp))
            edits.append(grade_once(number, exercise.name, args))
    result.splits["edit"] = Split.of(edits)
    return result


@dataclass(frozen=True)
class BareRun:
    """The same Dockerfile built and run by hand with the docker CLI, warm."""

    total: float
    build: float
    run: float
    runs: int
    commands: tuple[str, ...]


def bare_docker(engine: Engine, exercise: Exercise, runs: int) -> BareRun:
    """``docker build`` of the solution, then ``docker run -d`` of the image, one HTTP probe
    from a container in its network namespace (as the grader's probe does), ``docker rm -f``.
    The first build warms the cache and is not counted."""
    builder = engine.builder()
    cli = builder.cli or shutil.which("docker") or "docker"
    tag = f"lbl/bench-bare:{engine.run_id}"
    labels = ["--label", f"{LABEL_MANAGED}=true", "--label", f"{LABEL_RUN}={engine.run_id}"]
    env = {**os.environ, "DOCKER_BUILDKIT": "1" if builder.kind != "legacy" else "0"}
    build = [cli, "build", "-q", f"--network={exercise.build_network}", *labels, "-f",
             str(exercise.solution), "-t", tag, str(exercise.context)]
    name = f"lbl-{engine.run_id}-bare"
    port = exercise.port or 8080
    probe = (f"i=0; while [ $i -lt 50 ]; do wget -q -O /dev/null http://127.0.0.1:{port}/ && exit 0; "
             "i=$((i+1)); sleep 0.1; done; exit 1")
    run = [cli, "run", "-d", "--name", name, *labels, "--network", "none", tag]
    ask = [cli, "run", "--rm", *labels, "--network", f"container:{name}", images.PROBE_IMAGE, "sh", "-c",
           probe]
    remove = [cli, "rm", "-f", name]

    def call(argv: list[str]) -> float:
        start = time.perf_counter()
        done = subprocess.run(argv, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise BenchError(f"{' '.join(argv[:3])} failed: {done.stderr.strip()[-500:]}")
        return time.perf_counter() - start

    call(build)
    builds: list[float] = []
    starts: list[float] = []
    try:
        for _ in range(max(1, runs)):
            builds.append(call(build))
            starts.append(call(run) + call(ask) + call(remove))
    finally:
        subprocess.run([cli, "rm", "-f", name], capture_output=True)
        subprocess.run([cli, "rmi", tag], capture_output=True)
    totals = [b + s for b, s in zip(builds, starts, strict=True)]
    shown = (" ".join(build[:3]) + " ... -f solution/Dockerfile app/", "docker run -d IMAGE",
             "docker run --network container:APP probe wget", "docker rm -f APP")
    return BareRun(median(totals), median(builds), median(starts), len(totals), shown)
