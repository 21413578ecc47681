"""Volume goals: run the image to completion with mounts, and look at where its writes went.

Each run is a fresh container from the image, to exit, under the sandbox's limits. The
named volumes and host directories involved are the checker's own: made for the run,
labelled, and removed after it.
"""

from __future__ import annotations

from dataclasses import dataclass

from checks.engine import CommandResult
from checks.goals import Check, Subject, Verdict


@dataclass(frozen=True)
class PersistRuns:
    """Several containers, one after the other, each removed before the next, on one volume."""

    results: tuple[CommandResult, ...]
    data: str | None  # the data file as read from the volume afterwards; None when absent


@dataclass(frozen=True)
class WritableRun:
    """One run with a writable root filesystem, and what ``docker diff`` said afterwards."""

    result: CommandResult
    changes: tuple[tuple[str, str], ...]  # (A, C or D, path)


@dataclass(frozen=True)
class BindRun:
    """One run with a host directory mounted, and that directory's files afterwards."""

    result: CommandResult
    files: dict[str, str]  # file name -> text, as the host sees them


def layer_changes_outside(changes: tuple[tuple[str, str], ...], mount: str | None) -> list[str]:
    """The changes that are the app's own writes to the container layer. The mount point and
    its parent folders are left out: the engine creates those when the image lacks them."""
    ignored = set()
    if mount:
        parts = mount.rstrip("/").split("/")
        ignored = {"/".join(parts[:i]) for i in range(2, len(parts) + 1)}
    return [f"{kind} {path}" for kind, path in changes
            if path not in ignored and not (mount and path.startswith(mount.rstrip("/") + "/"))]


def runs_to_exit(timeout_s: float = 20) -> Check:
    """The image's own command exits 0, run once with a writable root filesystem and no mounts.

    Writable, because without a mount an app that keeps data has nowhere else to write: this
    is the "it works on my machine" run that the other goals then take apart.
    """

    def run(subject: Subject) -> Verdict:
        result = subject.writable_run(None, timeout_s).result
        verdict = Verdict(measured={"exit_code": result.exit_code})
        _expect_exit_0(verdict, result, "the container", timeout_s)
        return verdict

    return Check(run)


def persists_in_volume(mount: str, data_file: str, runs: int = 2, timeout_s: float = 20) -> Check:
    """With one named volume on ``mount``, ``runs`` containers in a row (each removed before the
    next starts) each exit 0, and the volume's ``data_file`` then holds one line per run."""

    def run(subject: Subject) -> Verdict:
        outcome = subject.volume_runs(mount, runs, data_file, timeout_s)
        lines = outcome.data.splitlines() if outcome.data is not None else None
        verdict = Verdict(measured={"runs": runs, "lines": len(lines) if lines is not None else None})
        for number, result in enumerate(outcome.results, start=1):
            _expect_exit_0(verdict, result, f"container {number} of {runs}", timeout_s)
        path = f"{mount.rstrip('/')}/{data_file}"
        if lines is None:
            verdict.failures.append(f"expected {path} in the volume, got no such file")
        else:
            verdict.expect(len(lines) == runs, f"{runs} lines in {path} after {runs} containers",
                           f"{len(lines)}")
        return verdict

    return Check(run)


def layer_untouched(mount: str, timeout_s: float = 20) -> Check:
    """After a run with a named volume on ``mount``, ``docker diff`` lists no change outside it.

    This run has a writable root filesystem on purpose: on the sandbox's read-only one, a write
    to the container layer fails before it happens, and there would be nothing to see.
    """

    def run(subject: Subject) -> Verdict:
        outcome = subject.writable_run(mount, timeout_s)
        outside = layer_changes_outside(outcome.changes, mount)
        verdict = Verdict(measured={"changes": len(outside)})
        _expect_exit_0(verdict, outcome.result, "the container", timeout_s)
        shown = ", ".join(outside[:5]) + (f" and {len(outside) - 5} more" if len(outside) > 5 else "")
        verdict.expect(not outside, f"no change to the container layer outside {mount}", shown)
        return verdict

    return Check(run)


def shares_bind_mount(mount: str, data_file: str, seed: str, timeout_s: float = 20) -> Check:
    """With a host directory on ``mount`` whose ``data_file`` already holds ``seed``, the app exits
    0 and the host then sees ``seed`` still first, followed by exactly one new line."""

    def run(subject: Subject) -> Verdict:
        outcome = subject.bind_run(mount, ((data_file, seed + "\n"),), timeout_s)
        verdict = Verdict()
        _expect_exit_0(verdict, outcome.result, "the container", timeout_s)
        lines = outcome.files.get(data_file, "").splitlines()
        verdict.measured["host_lines"] = len(lines)
        verdict.expect(lines[:1] == [seed], f"the host's first line {seed!r} kept",
                       repr(lines[0]) if lines else "an empty or missing file")
        added = max(len(lines) - 1, 0)
        verdict.expect(len(lines) == 2, "exactly one line added on the host", f"{added}")
        others = sorted(set(outcome.files) - {data_file})
        if others:
            verdict.notes.append("other files the app left in the host folder: " + ", ".join(others))
        return verdict

    return Check(run)


def _expect_exit_0(verdict: Verdict, result: CommandResult, who: str, timeout_s: float) -> None:
    if result.exit_code is None:
        verdict.failures.append(f"expected {who} to exit within {timeout_s:g} s, got still running")
    elif result.exit_code != 0:
        verdict.failures.append(f"expected {who} to exit 0, got exit code {result.exit_code}")
        if result.output.strip():
            verdict.notes.append(f"{who} printed:\n" + result.output.rstrip())
