"""Benchmark: grading latency, and each solution's size beside its starter and its floor.

    python -m checks.bench 08 [--runs 5] [--cold]

Every timing is the student's own command (`python -m checks grade ...`) in a fresh
process, so interpreter start-up and imports count. The engine's share (build, container
runs, image save and inspect, cleanup) is timed inside the grader; the checker's overhead
is everything else. `--cold` first empties BuildKit's build cache (base images stay), to
time a first grade. Figures are printed, not asserted: these machines are shared and noisy.

The floor is the payload: what the Dockerfile added on top of its final base image
(the binary, the jar, app + node_modules, app + site-packages).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from checks import lab
from checks.engine import Engine


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m checks.bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("lab", nargs="?", default="08")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cold", action="store_true", help="empty the build cache first")
    args = parser.parse_args(argv)
    the_lab = lab.find(args.lab.removeprefix("lab-"))
    number = the_lab.number
    print(f"lab {the_lab.id}, engine {Engine().version()}")

    if args.cold:
        freed = Engine().prune_build_cache()
        print(f"build cache emptied ({freed / 1e6:.0f} MB freed)")
        seconds, _, _ = _grade([number, "--solution"])
        print(f"whole lab --solution, cold: {seconds:.1f} s")
    seconds, _, solution = _grade([number, "--solution"])
    print(f"whole lab --solution, warm: {seconds:.1f} s")
    _, _, starter = _grade([number], ok=(0, 1))

    print(f"\nwarm re-grade of each solution: median of {args.runs} runs after the one above")
    print(f"{'exercise':<13} {'total s':>8} {'engine s':>9} {'checker s':>10}  engine split")
    for exercise in the_lab.exercises:
        runs = [_grade([number, exercise.name, "--solution"])[:2] for _ in range(args.runs)]
        total = statistics.median(r[0] for r in runs)
        engine = statistics.median(sum(r[1].values()) for r in runs)
        overhead = statistics.median(r[0] - sum(r[1].values()) for r in runs)
        split = ", ".join(f"{k} {statistics.median(r[1].get(k, 0.0) for r in runs):.2f}"
                          for k in sorted(runs[0][1]))
        print(f"{exercise.name:<13} {total:>8.2f} {engine:>9.2f} {overhead:>10.2f}  {split}")

    print("\nimage sizes (MB, as docker images prints them)")
    print(f"{'exercise':<13} {'starter':>8} {'solution':>9} {'floor':>8} {'solution/floor':>15}")
    for exercise in the_lab.exercises:
        before, after = starter.get(exercise.name, {}), solution.get(exercise.name, {})
        floor = after.get("payload_mb")
        ratio = f"{after['image_mb'] / floor:.2f}x" if floor and after.get("image_mb") else "-"
        print(f"{exercise.name:<13} {before.get('image_mb', '-'):>8} {after.get('image_mb', '-'):>9} "
              f"{floor if floor is not None else '-':>8} {ratio:>15}")
    return 0


def _grade(args: list[str], ok: tuple[int, ...] = (0,)) -> tuple[float, dict[str, float], dict[str, dict]]:
    """Time one grading run; return its seconds, engine timings and measured figures per exercise."""
    with tempfile.TemporaryDirectory(prefix="lbl-bench-") as tmp:
        timings, report = Path(tmp) / "timings.json", Path(tmp) / "report.json"
        env = {**os.environ, "LAYERBYLAYER_TIMINGS": str(timings),
               "LAYERBYLAYER_STATE_DIR": str(Path(tmp) / "state")}
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "checks", "grade", *args, "--quiet",
                               "--json", str(report)], env=env, capture_output=True, text=True)
        total = time.perf_counter() - start
        if done.returncode not in ok:
            sys.exit(f"grading {' '.join(args)} failed (exit {done.returncode}):\n{done.stdout}")
        data = json.loads(report.read_text())
        exercises = data.get("exercises", [data])
        measured = {e["exercise"]: e.get("measured", {}) for e in exercises}
        return total, json.loads(timings.read_text()), measured


if __name__ == "__main__":
    sys.exit(main())
