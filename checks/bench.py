"""Benchmark: how long a warm re-grade takes, and how much of it is the checker itself.

    python -m checks.bench 08 [--runs 5]

Each run is the student's command (`python -m checks grade LAB --solution`) in a fresh
process, so interpreter start-up and imports count. The engine's share (build, container
runs, image save and inspect, cleanup) is timed inside the grader; the checker's
overhead is everything else. Figures are printed, not asserted: these machines are
shared and noisy.
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m checks.bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("lab", nargs="?", default="08")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    the_lab = lab.find(args.lab.removeprefix("lab-"))
    print(f"warm re-grade of lab {the_lab.id} --solution, {args.runs} runs after one warm-up")
    print(f"{'exercise':<12} {'total s':>8} {'engine s':>9} {'checker s':>10}  engine split")
    for exercise in the_lab.exercises:
        _grade(the_lab.number, exercise.name)  # warm-up: images present, build cache filled
        runs = [_grade(the_lab.number, exercise.name) for _ in range(args.runs)]
        total = statistics.median(r[0] for r in runs)
        engine = statistics.median(sum(r[1].values()) for r in runs)
        overhead = statistics.median(r[0] - sum(r[1].values()) for r in runs)
        split = ", ".join(
            f"{k} {statistics.median(r[1].get(k, 0.0) for r in runs):.2f}" for k in sorted(runs[0][1])
        )
        print(f"{exercise.name:<12} {total:>8.2f} {engine:>9.2f} {overhead:>10.2f}  {split}")
    return 0


def _grade(number: str, exercise: str) -> tuple[float, dict[str, float]]:
    with tempfile.TemporaryDirectory(prefix="lbl-bench-") as tmp:
        timings = Path(tmp) / "timings.json"
        env = {**os.environ, "LAYERBYLAYER_TIMINGS": str(timings)}
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "checks", "grade", number, exercise, "--solution", "--quiet"],
            env=env,
            capture_output=True,
            text=True,
        )
        total = time.perf_counter() - start
        if done.returncode != 0:
            sys.exit(f"grading {number} {exercise} failed (exit {done.returncode}):\n{done.stdout}")
        return total, json.loads(timings.read_text())


if __name__ == "__main__":
    sys.exit(main())
