"""The command line: ``python -m checks grade 08``, ``images``, ``engine``, ``clean``.

Exit codes: 0 every goal passed, 1 some goal failed, 2 the lab could not be graded.
A student sees a message that names the file and line and says what to try; never a
traceback (set LAYERBYLAYER_DEBUG=1 to see one).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import traceback
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from checks import images, lab, provision, report
from checks.engine import Engine
from checks.errors import CheckError
from checks.grade import grade_exercise

console = Console(highlight=False, emoji=False)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        return int(args.run(args))
    except CheckError as e:
        _print_error(e)
        return 2
    except KeyboardInterrupt:
        console.print("[yellow]interrupted[/]: what this run created has been removed")
        return 130
    except Exception as e:  # the last line of defence: a student never sees a traceback
        if os.environ.get("LAYERBYLAYER_DEBUG"):
            traceback.print_exc()
        console.print(f"[red]internal error in the grader[/]: {escape(type(e).__name__)}: {escape(str(e))}")
        console.print(
            "  this is a bug in the course, not in your work; set LAYERBYLAYER_DEBUG=1 "
            "to see where it happened"
        )
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m checks", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    grade = sub.add_parser("grade", help="grade a lab (all exercises, or the ones named)")
    grade.add_argument("lab", help="lab number or folder, e.g. 08 or 08-multi-stage")
    grade.add_argument("exercises", nargs="*", help="exercise names; all when omitted")
    which = grade.add_mutually_exclusive_group()
    which.add_argument("--solution", action="store_true", help="grade the reference solution")
    which.add_argument("--dockerfile", type=Path, help="grade this Dockerfile instead of starter/")
    grade.add_argument("--json", type=Path, metavar="PATH", help="also write a JSON report here")
    grade.add_argument("--keep", action="store_true", help="keep the graded images afterwards")
    grade.add_argument("--quiet", action="store_true", help="do not show build steps as they run")
    grade.set_defaults(run=_grade)

    imgs = sub.add_parser("images", help="make base images available (pull or build stand-ins)")
    imgs.add_argument("labs", nargs="*", help="only the images these labs use")
    imgs.set_defaults(run=_images)

    eng = sub.add_parser("engine", help="make sure a Docker engine answers; set one up as root")
    eng.set_defaults(run=lambda _args: (provision.ensure_engine(_say), 0)[1])

    clean = sub.add_parser("clean", help="remove every leftover that carries the course's labels")
    clean.set_defaults(run=_clean)
    return parser


def _grade(args: argparse.Namespace) -> int:
    the_lab = lab.find(args.lab)
    rubric = the_lab.rubric()
    chosen = [the_lab.exercise(name) for name in args.exercises] or list(the_lab.exercises)
    if args.dockerfile and len(chosen) != 1:
        raise CheckError("--dockerfile grades one exercise: name it", hint=f"e.g. {the_lab.number} go")
    engine = Engine()
    statuses = images.ensure(engine, [*the_lab.images, images.PROBE_IMAGE], _say_step)
    standins = images.describe_standins(statuses)
    console.print(
        f"[bold]{escape(the_lab.title)}[/] (lab {the_lab.id}) · builder: {engine.builder().description}"
    )
    reports: list[report.ExerciseReport] = []
    progress = None if args.quiet else _show_step
    try:
        for exercise in chosen:
            path = args.dockerfile or (exercise.solution if args.solution else exercise.starter)
            console.print(f"\n[bold]{exercise.name}[/]: {escape(exercise.title)} ({path})")
            try:
                result = grade_exercise(
                    engine,
                    the_lab,
                    exercise,
                    rubric[exercise.name],
                    path,
                    standins=standins,
                    progress=progress,
                )
            except CheckError as e:
                if len(chosen) == 1 and not args.json:
                    raise
                _print_error(e)
                result = report.ExerciseReport(
                    the_lab.id, exercise.name, dockerfile=str(path), error=_error_text(e)
                )
            else:
                report.render(result, console)
            reports.append(result)
    finally:
        if args.keep:
            console.print(f"kept the graded images (tags lbl/{the_lab.number}-*:{engine.run_id})")
        engine.cleanup(keep_images=args.keep)
        if os.environ.get("LAYERBYLAYER_TIMINGS"):  # read by checks.bench
            Path(os.environ["LAYERBYLAYER_TIMINGS"]).write_text(json.dumps(engine.timings))
    if len(reports) > 1:
        report.render_summary(reports, console)
    if args.json:
        report.write_json(reports, args.json)
        console.print(f"report written to {args.json}")
    return report.exit_code(reports)


def _images(args: argparse.Namespace) -> int:
    engine = Engine()
    if args.labs:
        refs = [ref for name in args.labs for ref in lab.find(name).images]
    else:
        refs = list(images.catalog())
    for status in images.ensure(engine, [*refs, images.PROBE_IMAGE], _say):
        console.print(f"[green]✓[/] {escape(status.describe())}")
    return 0


def _clean(_args: argparse.Namespace) -> int:
    removed = Engine().cleanup(everything=True)
    for item in removed:
        console.print(f"removed {escape(item)}")
    console.print(f"{len(removed)} leftover(s) removed" if removed else "nothing to remove")
    return 0


def _show_step(step: str) -> None:
    line = " ".join(step.split())
    console.print(
        f"  › {escape(line[:110])}{'…' if len(line) > 110 else ''}",
        style="dim",
        no_wrap=True,
        overflow="ellipsis",
    )


def _say_step(message: str) -> None:
    if message.startswith("  "):
        _show_step(message)
    else:
        _say(message)


def _say(message: str) -> None:
    console.print(escape(message), style="cyan")


def _error_text(error: CheckError) -> str:
    where = f"{error.where}: " if error.where else ""
    return f"{where}{error.message}"


def _print_error(error: CheckError) -> None:
    console.print(f"[bold red]could not grade[/]: {escape(_error_text(error))}")
    if error.hint:
        console.print(f"  [yellow]try:[/] {escape(error.hint)}")


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    sys.exit(main())
