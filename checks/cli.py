"""The command line: ``python -m checks grade 08``, ``images``, ``engine``, ``clean``.

Exit codes: 0 every goal passed, 1 some goal failed, 2 the lab could not be graded.
A student sees a message that names the file and line and says what to try; never a
traceback (set LAYERBYLAYER_DEBUG=1 to see one).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import signal
import sys
import traceback
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from checks import bundle, doctor, gradebook_page, images, lab, loop, provision, report
from checks import progress as progress_state
from checks.engine import Engine
from checks.errors import CheckError
from checks.goals import Goal
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
    which.add_argument("--dockerfile", type=Path,
                       help="grade this file (Dockerfile, run.sh or compose.yaml) instead of starter/")
    grade.add_argument("--context", type=Path, help="build from this folder instead of the exercise's app/")
    grade.add_argument("--json", type=Path, metavar="PATH", help="also write a JSON report here")
    grade.add_argument("--keep", action="store_true", help="keep the graded images afterwards")
    grade.add_argument("--quiet", action="store_true", help="do not show build steps as they run")
    grade.add_argument("--watch", action="store_true", help="grade again whenever the exercise changes")
    grade.add_argument("--hint", action="store_true",
                       help="after grading, the next hint for the first failing goal")
    grade.add_argument("--diff", action="store_true",
                       help="once an exercise passes, show your file beside the solution")
    grade.add_argument("--reset", action="store_true",
                       help="restore the starter as shipped (your version is backed up)")
    grade.add_argument("--yes", action="store_true", help="answer yes to --reset's question")
    grade.set_defaults(run=_grade)

    imgs = sub.add_parser("images", help="make base images available (pull or build stand-ins)")
    imgs.add_argument("labs", nargs="*", help="only the images these labs use")
    imgs.set_defaults(run=_images)

    eng = sub.add_parser("engine", help="make sure a Docker engine answers; set one up as root")
    eng.set_defaults(run=lambda _args: (provision.ensure_engine(_say), 0)[1])

    tools = sub.add_parser("provision", help="install Debian packages the tests need, when missing")
    tools.add_argument("packages", nargs="+", help="e.g. chromium docker-compose")
    tools.set_defaults(run=lambda args: (provision.apt_install(args.packages, _say), 0)[1])

    prog = sub.add_parser("progress", help="exercises passed and points, across all labs")
    prog.set_defaults(run=_progress)

    clean = sub.add_parser("clean", help="remove every leftover that carries the course's labels")
    clean.set_defaults(run=_clean)

    # The instructor's kit (workshops): pre-flight check, offline bundle, gradebook.
    doc = sub.add_parser("doctor", help="pre-flight check: can this machine run the course?")
    doc.add_argument("--json", action="store_true", help="print the checks as JSON")
    doc.set_defaults(run=lambda args: doctor.command(as_json=args.json, console=console))

    bun = sub.add_parser("bundle", help="write an offline classroom bundle, or load one (--load)")
    bun.add_argument("--load", type=Path, metavar="PATH", help="load and verify this bundle instead")
    bun.add_argument("--out", type=Path, metavar="PATH",
                     help="where to write the bundle (default build/layer-by-layer-bundle.tar), or with "
                          "--load the folder to unpack into (default: beside the bundle)")
    bun.add_argument("--images", metavar="REF,REF", help="only these catalog images (default: all)")
    bun.add_argument("--labs", metavar="NN,NN", help="only the images these labs use")
    bun.add_argument("--no-site", action="store_true", help="leave the site out")
    bun.add_argument("--no-wheels", action="store_true", help="leave the Python wheels out")
    bun.set_defaults(run=lambda args: bundle.command(args, console))

    book = sub.add_parser("gradebook", help="CSV and HTML gradebook from a folder of students' JSON reports")
    book.add_argument("folder", type=Path, help="one sub-folder per student, holding their --json reports")
    book.add_argument("--out", type=Path, metavar="DIR", help="where to write it (default FOLDER/gradebook)")
    book.set_defaults(run=lambda args: gradebook_page.command(args.folder, args.out, console))
    return parser


def _grade(args: argparse.Namespace) -> int:
    the_lab = lab.find(args.lab)
    rubric = the_lab.rubric()
    chosen = [the_lab.exercise(name) for name in args.exercises] or list(the_lab.exercises)
    if (args.dockerfile or args.context) and len(chosen) != 1:
        raise CheckError("--dockerfile and --context grade one exercise: name it",
                         hint=f"e.g. {the_lab.number} go")
    if args.context:
        if not args.context.is_dir():
            raise CheckError("the build context is not a folder", path=args.context)
        chosen = [dataclasses.replace(chosen[0], context_override=args.context.resolve())]
    if args.reset:
        for exercise in chosen:
            console.print(loop.reset(the_lab, exercise, _confirm if not args.yes else lambda _q: True))
        return 0
    engine = Engine()
    statuses = images.ensure(engine, [*the_lab.images, images.PROBE_IMAGE], _say_step)
    standins = images.describe_standins(statuses)
    console.print(
        f"[bold]{escape(the_lab.title)}[/] (lab {the_lab.id}) · builder: {engine.builder().description}"
    )
    code = _grade_round(args, engine, the_lab, rubric, chosen, standins)
    if not args.watch:
        return code
    dockerfiles = [args.dockerfile or (e.solution if args.solution else e.starter) for e in chosen]
    watched = [*dockerfiles, *(e.context for e in chosen)]
    # A .dockerignore beside the Dockerfile is the student's work too (lab.toml context_files).
    watched += [d.parent / f for d, e in zip(dockerfiles, chosen, strict=True) for f in e.context_files]
    console.print("[cyan]watching for changes; Ctrl-C stops[/]")
    for changed in loop.watch_changes(watched):
        console.rule(f"changed: {escape(', '.join(sorted(changed))[:100])}")
        code = _grade_round(args, engine, the_lab, rubric, chosen, standins)
        console.print("[cyan]watching for changes; Ctrl-C stops[/]")
    return code


def _grade_round(
    args: argparse.Namespace,
    engine: Engine,
    the_lab: lab.Lab,
    rubric: dict[str, list[Goal]],
    chosen: list[lab.Exercise],
    standins: list[str],
) -> int:
    """Grade the chosen exercises once: rubric, progress, hints, diff and JSON."""
    reports: list[report.ExerciseReport] = []
    progress = None if args.quiet else _show_step
    own_work = not args.solution and not args.dockerfile
    hint_given = False
    try:
        for exercise in chosen:
            path = args.dockerfile or (exercise.solution if args.solution else exercise.starter)
            console.print(f"\n[bold]{exercise.name}[/]: {escape(exercise.title)} ({path})")
            try:
                result = grade_exercise(
                    engine, the_lab, exercise, rubric[exercise.name], path, standins=standins,
                    progress=progress,
                )
            except CheckError as e:
                if len(chosen) == 1 and not args.json and not args.watch:
                    raise
                _print_error(e)
                result = report.ExerciseReport(
                    the_lab.id, exercise.name, dockerfile=str(path), error=_error_text(e)
                )
            else:
                report.render(result, console)
            if own_work and not result.error:
                progress_state.record(the_lab.id, exercise.name, result.score, result.max_score,
                                      result.status == "pass")
            if args.hint and not hint_given and result.status == "fail":
                _give_hint(the_lab, exercise, rubric[exercise.name], result, path)
                hint_given = True
            if args.diff:
                _show_diff(exercise, result, path)
            result.hints_used = progress_state.hints_used(the_lab.id, exercise.name)
            reports.append(result)
    finally:
        if args.keep:
            console.print(f"kept the graded images (tags lbl/{the_lab.number}-*:{engine.run_id})")
        _cleanup(engine, keep_images=args.keep)
        if os.environ.get("LAYERBYLAYER_TIMINGS"):  # read by checks.bench
            Path(os.environ["LAYERBYLAYER_TIMINGS"]).write_text(json.dumps(engine.timings))
    if len(reports) > 1:
        report.render_summary(reports, console)
    if args.json:
        report.write_json(reports, args.json)
        console.print(f"report written to {args.json}")
    return report.exit_code(reports)


def _cleanup(engine: Engine, *, keep_images: bool) -> None:
    """Remove this run's leftovers; if the engine is gone, say how to do it later."""
    try:
        engine.cleanup(keep_images=keep_images)
    except CheckError as e:
        console.print(f"[yellow]could not clean up[/]: {escape(e.message)}; once the engine is back, "
                      "`nox -s clean` removes what this run left")


def _give_hint(the_lab: lab.Lab, exercise: lab.Exercise, goals: list[Goal],
               result: report.ExerciseReport, path: Path) -> None:
    failing = next(g for g in result.goals if g.status != "pass")
    goal = next(g for g in goals if g.id == failing.id)
    levels = loop.hint_levels(goal, path, exercise.solution)
    level = min(progress_state.take_hint(the_lab.id, exercise.name, goal.id), len(levels))
    console.print(f"\n[bold yellow]hint {level} of {len(levels)}[/] for [bold]{escape(goal.title)}[/]:")
    console.print("  " + escape(levels[level - 1]).replace("\n", "\n  "))
    if level < len(levels):
        console.print("  (run with --hint again for the next one)", style="dim")


def _show_diff(exercise: lab.Exercise, result: report.ExerciseReport, path: Path) -> None:
    if result.status != "pass":
        console.print(f"--diff: {exercise.name} shows the solution once every goal passes", style="dim")
        return
    loop.render_side_by_side(path, exercise.solution, console)


def _confirm(question: str) -> bool:
    if not sys.stdin.isatty():
        raise CheckError(f"{question} (no terminal to ask on)", hint="add --yes to answer yes")
    return console.input(f"{escape(question)} a backup is kept [y/N] ").strip().lower() in ("y", "yes")


def _images(args: argparse.Namespace) -> int:
    engine = Engine()
    if args.labs:
        refs = [ref for name in args.labs for ref in lab.find(name).images]
    else:
        refs = list(images.catalog())
    for status in images.ensure(engine, [*refs, images.PROBE_IMAGE], _say):
        console.print(f"[green]✓[/] {escape(status.describe())}")
    return 0


def _progress(_args: argparse.Namespace) -> int:
    known = [(the_lab.id, e.name) for the_lab in lab.all_labs() for e in the_lab.exercises]
    rows = progress_state.rows(known)
    table = Table(title=f"progress ({progress_state.state_dir()})", title_justify="left", header_style="bold")
    for column in ("lab", "exercise", "passed", "best", "attempts", "hints"):
        table.add_column(column)
    for row in rows:
        best = f"{row.best_score}/{row.max_score}" if row.best_score is not None else "-"
        table.add_row(row.lab, row.exercise, "[green]✓[/]" if row.passed else "·", best,
                      str(row.attempts), str(row.hints))
    console.print(table)
    done = sum(r.passed for r in rows)
    console.print(f"{done} of {len(rows)} exercises passed")
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
