"""Run the benchmark and write bench/results.json and bench/results.md.

    python -m checks.bench [--quick] [--runs N] [--labs 08 02 ...] [--out bench]

The default grades every exercise of every lab, 5 runs of each situation. ``--quick``
is for development: 2 runs, lab 08 ``go`` only. Figures are reported, never asserted:
the machines are shared and the timings noisy, so the load average goes in the header.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from pathlib import Path

from checks import images, lab
from checks.bench import floor, latency, peers, report, site
from checks.engine import Engine
from checks.lab import REPO_ROOT


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m checks.bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="2 runs, lab 08 go only")
    parser.add_argument("--runs", type=int, help="runs per figure (default 5, 2 with --quick)")
    parser.add_argument("--labs", nargs="*", help="only these labs (default: every lab)")
    parser.add_argument("--exercises", nargs="*", help="only these exercises of those labs")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "bench", help="where results go")
    parser.add_argument("--skip", nargs="*", default=[], choices=["latency", "peers", "floor", "site"],
                        help="leave out these measurements")
    args = parser.parse_args(argv)
    runs = args.runs or (2 if args.quick else 5)
    if runs < 1:
        parser.error("--runs is at least 1")
    chosen_labs = [lab.find(n) for n in args.labs] if args.labs else (
        [lab.find("08")] if args.quick else lab.all_labs())
    only = set(args.exercises or (["go"] if args.quick else []))

    engine = Engine()
    builder = engine.builder()
    results = report.Results(report.machine(), {"version": engine.version(), "builder": builder.description},
                             runs, args.quick)
    say = print

    def save() -> None:  # after each measurement: a long run that stops still leaves figures
        report.write(results, args.out)

    try:
        # The fast measurements first, then the latency of lab 08 go (the targets), then the rest.
        if "peers" not in args.skip:
            _attempt(results, "peers", lambda: results.peers.extend(peers.all_peers(engine, runs, say)))
            save()
        if "floor" not in args.skip:
            _attempt(results, "floor", lambda: results.floors.extend(floor.lab08_floors(engine, say)))
            save()
        if "site" not in args.skip:
            say("site: mkdocs build")
            results.site = site.site_build()
        results.suite = site.suite_time()
        if "latency" not in args.skip:
            go = lab.find("08").exercise("go")
            say("latency: lab 08 go by hand with the docker CLI")
            _attempt(results, "bare docker build + run",
                     lambda: setattr(results, "bare", latency.bare_docker(engine, go, runs)))
            chosen = [(the_lab, e) for the_lab in chosen_labs for e in the_lab.exercises
                      if not only or e.name in only]
            chosen.sort(key=lambda pair: (pair[0].number, pair[1].name) != ("08", "go"))
            for the_lab, exercise in chosen:
                say(f"latency: lab {the_lab.id} {exercise.name}")
                images.ensure(engine, [*the_lab.images, images.PROBE_IMAGE], say)
                _attempt(results, f"latency of {the_lab.id} {exercise.name}",
                         lambda one=the_lab, e=exercise: results.latency.append(
                             latency.measure_exercise(one, e, runs, builder.kind, say)))
                results.machine["load_end"] = list(os.getloadavg())
                save()
    finally:
        engine.cleanup()
    results.machine["load_end"] = list(os.getloadavg())
    json_path, md_path = report.write(results, args.out)
    print(md_path.read_text(encoding="utf-8"))
    print(f"written: {json_path} and {md_path}")
    return 1 if results.errors else 0


def _attempt(results: report.Results, what: str, action: object) -> None:
    """Run one measurement; a failure is recorded in the results, and the rest still run."""
    try:
        action()  # type: ignore[operator]
    except Exception as e:  # a broken measurement must not lose the others
        if os.environ.get("LAYERBYLAYER_DEBUG"):
            traceback.print_exc()
        results.errors.append(f"{what}: {type(e).__name__}: {str(e).strip()[:300]}")
        print(f"could not measure {what}: {e}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
