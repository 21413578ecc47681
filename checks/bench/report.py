"""The one writer of the benchmark's results: ``results.json`` and ``results.md``.

``results.md`` is what the site's Performance page includes; its first line names the
machine, the engine and the date of the run.
"""

from __future__ import annotations

import json
import os
import platform
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from checks.bench.floor import Floor
from checks.bench.latency import KINDS, BareRun, ExerciseLatency
from checks.bench.peers import PeerResult
from checks.bench.site import SiteBuild, SuiteTime
from checks.bench.timing import ratio

FORMAT_VERSION = 1
OVERHEAD_LIMIT_S = 0.5
BARE_FACTOR_LIMIT = 2.0
FLOOR_LIMIT = 1.1
AGREEMENT = 0.01
SITUATION = {"cold": "cold", "warm": "warm re-grade", "edit": "after a one-line edit"}


@dataclass(frozen=True)
class Target:
    name: str
    figure: float | None
    limit: str
    met: bool | None  # None: not measured in this run


@dataclass
class Results:
    machine: dict[str, Any]
    engine: dict[str, str]
    runs: int
    quick: bool
    latency: list[ExerciseLatency] = field(default_factory=list)
    bare: BareRun | None = None
    peers: list[PeerResult] = field(default_factory=list)
    floors: list[Floor] = field(default_factory=list)
    site: SiteBuild | None = None
    suite: SuiteTime | None = None
    date: str = field(default_factory=lambda: datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"))
    errors: list[str] = field(default_factory=list)  # measurements that could not be made


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    system = platform.system()
    try:
        release = dict(line.split("=", 1) for line in Path("/etc/os-release").read_text().splitlines()
                       if "=" in line)
        system = release.get("PRETTY_NAME", system).strip('"')
    except OSError:
        pass
    return {"os": system, "kernel": platform.release(), "cpus": os.cpu_count() or 0, "cpu": model,
            "python": platform.python_version(), "load_start": list(os.getloadavg())}


def _find(results: Results, lab_id: str, exercise: str) -> ExerciseLatency | None:
    return next((x for x in results.latency if x.lab == lab_id and x.exercise == exercise), None)


def targets(results: Results) -> list[Target]:
    """The issue's targets, each with this run's figure and whether it was met."""
    found: list[Target] = []
    go = _find(results, "08-multi-stage", "go")
    warm = go.splits.get("warm") if go else None
    found.append(Target("warm re-grade of lab 08 go: checker overhead (s)", warm.overhead if warm else None,
                        f"< {OVERHEAD_LIMIT_S}", warm.overhead < OVERHEAD_LIMIT_S if warm else None))
    factor = ratio(warm.total if warm else None, results.bare.total if results.bare else None)
    found.append(Target("warm re-grade of lab 08 go ÷ bare docker build + run", factor,
                        f"< {BARE_FACTOR_LIMIT}", None if factor is None else factor < BARE_FACTOR_LIMIT))
    cst = "container-structure-test"
    for peer, name, strict in (("hadolint", "static goals ÷ hadolint", True),
                               (cst, f"image and runtime goals ÷ {cst}", False)):
        row = next((p for p in results.peers if p.peer == peer), None)
        value = row.ratio if row else None
        limit = "< 1" if strict else "≤ 1"
        met = None if value is None else (value < 1 if strict else value <= 1)
        found.append(Target(name, value, limit, met))
    dives = [p for p in results.peers if p.peer == "dive"]
    worst = max((p.ratio for p in dives if p.ratio is not None), default=None)
    found.append(Target("wasted bytes ÷ dive (slowest of lab 02's images)", worst, "< 1",
                        None if worst is None else worst < 1))
    gaps = [abs(a - b) / max(b, 1) for p in dives if p.values for a, b in [p.values]]
    found.append(Target("wasted bytes: largest difference from dive (fraction)", max(gaps, default=None),
                        f"≤ {AGREEMENT:g}", all(p.agree for p in dives) if dives else None))
    scratch = next((f for f in results.floors if f.exercise == "scratch"), None)
    value = scratch.ratio if scratch else None
    found.append(Target("lab 08 scratch image ÷ its payload", value, f"≤ {FLOOR_LIMIT}",
                        None if value is None else value <= FLOOR_LIMIT))
    return found


def to_json(results: Results) -> dict[str, Any]:
    data: dict[str, Any] = {
        "version": FORMAT_VERSION,
        "date": results.date,
        "machine": results.machine,
        "engine": results.engine,
        "runs": results.runs,
        "quick": results.quick,
        "latency": [
            {"lab": x.lab, "exercise": x.exercise, "kind": x.kind, "edited": x.edited,
             "skipped": x.skipped, **{k: asdict(s) for k, s in x.splits.items()}}
            for x in results.latency
        ],
        "bare": asdict(results.bare) if results.bare else None,
        "peers": [{**asdict(p), "ratio": p.ratio} for p in results.peers],
        "floor": [{**asdict(f), "ratio": f.ratio} for f in results.floors],
        "site": asdict(results.site) if results.site else None,
        "suite": asdict(results.suite) if results.suite else None,
        "targets": [asdict(t) for t in targets(results)],
        "errors": results.errors,
    }
    return data


def _s(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _x(value: float | None) -> str:
    return "-" if value is None else f"{value:,.2f}×"


def _met(met: bool | None) -> str:
    return {True: "met", False: "**missed**", None: "not measured"}[met]


def to_markdown(results: Results) -> str:
    m, e = results.machine, results.engine
    load = ", ".join(f"{v:.2f}" for v in m.get("load_start", []))
    load_end = ", ".join(f"{v:.2f}" for v in m.get("load_end", []))
    out = [
        f"Measured {results.date} on {m.get('os', '?')} (kernel {m.get('kernel', '?')}), "
        f"{m.get('cpus', '?')} × {m.get('cpu') or 'CPU'}; Docker engine {e.get('version', '?')}, "
        f"{e.get('builder', '?')}. Load average (1, 5, 15 min) {load or '?'} at the start"
        + (f", {load_end} at the end" if load_end else "")
        + f". Every time is the median of {results.runs} runs"
        + (" (a quick run: fewer runs and labs)." if results.quick else "."),
        "",
        "### Targets",
        "",
        "| target | this run | limit | |",
        "|---|---:|---|---|",
    ]
    for t in targets(results):
        out.append(f"| {t.name} | {_s(t.figure)} | {t.limit} | {_met(t.met)} |")
    out += ["", "### Grading latency (seconds)", "",
            "Each grade split into the build, the runtime probes (containers the goals run), other "
            "engine work (image save and inspect, cleanup) and the checker's own overhead "
            "(start-up, parsing, reading layers, goals, report).", "",
            "| lab | exercise | situation | total | build | runtime | other engine | checker overhead "
            "| grade |",
            "|---|---|---|---:|---:|---:|---:|---:|---|"]
    for x in results.latency:
        for kind in KINDS:
            s = x.splits.get(kind)
            if s is None:
                reason = x.skipped.get(kind, "not measured")
                out.append(f"| {x.lab} | {x.exercise} | {SITUATION[kind]} | skipped: {reason} |||||| |")
                continue
            out.append(f"| {x.lab} | {x.exercise} | {SITUATION[kind]} | {_s(s.total)} | {_s(s.build)} | "
                       f"{_s(s.runtime)} | {_s(s.engine_other)} | {_s(s.overhead)} | "
                       f"{'/'.join(s.statuses)} |")
    if results.bare:
        b = results.bare
        out += ["", f"By hand, lab 08 `go` solution, warm: `docker build` {_s(b.build)} s, then "
                    f"`docker run -d`, one probe and `docker rm -f` {_s(b.run)} s; {_s(b.total)} s in all."]
    out += ["", "### The grader beside its peers, same files and images, same run", "",
            "| peer | on | grader s | peer s | grader ÷ peer | answers |", "|---|---|---:|---:|---:|---|"]
    for p in results.peers:
        out.append(f"| {p.peer} | {p.subject} | {_s(p.ours_s, 3)} | {_s(p.theirs_s, 3)} | {_x(p.ratio)} | "
                   f"{'agree' if p.agree else 'differ'}: {p.detail} |")
    out += ["", "### Images against the floor (lab 08 solutions)", "",
            "The payload is what the final stage's COPY lines bring in: the binary, the jar, the app "
            "with its production dependencies.", "",
            "| exercise | image MB | payload MB | image ÷ payload | largest payload file |",
            "|---|---:|---:|---:|---|"]
    for f in results.floors:
        out.append(f"| {f.exercise} | {f.image_bytes / 1e6:.1f} | {f.payload_bytes / 1e6:.3f} | "
                   f"{_x(f.ratio)} | {f.largest} |")
    out += ["", "### The site and the suite", ""]
    if results.site:
        s = results.site
        out.append(f"- `mkdocs build --strict`: {_s(s.seconds)} s for {s.pages} pages; the heaviest page is "
                   f"`{s.largest_page}` at {s.largest_page_bytes / 1000:.0f} kB of HTML"
                   if s.seconds is not None else f"- `mkdocs build`: skipped: {s.skipped}")
    if results.suite:
        t = results.suite
        out.append(f"- full test suite: {_s(t.seconds, 0)} s for {t.tests} tests ({t.failures} failed), "
                   f"recorded {t.recorded}" if t.seconds is not None else f"- full test suite: {t.recorded}")
    if results.errors:
        out += ["", "Not measured in this run:", ""] + [f"- {err}" for err in results.errors]
    return "\n".join(out) + "\n"


def write(results: Results, folder: Path) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    json_path, md_path = folder / "results.json", folder / "results.md"
    json_path.write_text(json.dumps(to_json(results), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    md_path.write_text(to_markdown(results), encoding="utf-8")
    return json_path, md_path
