"""Reading what a builder printed: which steps ran, which were cached, and why it failed.

Two dialects: BuildKit's ``--progress=plain`` (``#7 [builder 3/5] RUN ...``, ``#7 CACHED``)
and the legacy builder's stream (``Step 3/9 : RUN ...``, `` ---> Using cache``).
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass

_BK_STEP = re.compile(r"^#(\d+) \[(?!internal\])(?:(?P<stage>[^\]\s]+) )?(?P<pos>\d+/\d+)\] (?P<text>.+)$")
_BK_STATE = re.compile(r"^#(\d+) (CACHED|DONE [\d.]+s|ERROR\b.*)$")
_LEGACY_STEP = re.compile(r"^Step (?P<pos>\d+/\d+) : (?P<text>.+)$")
_PARSE_ERROR = re.compile(r"(?:dockerfile parse error|parse error) (?:on )?line (\d+): (.+)", re.I)


_STRUCTURAL = re.compile(r"^\s*(#\d+ (\[|CACHED|DONE|ERROR)|Step \d+/\d+ :|---> |ERROR|error)")


class LogBuffer:
    """A build log that stays small whatever a RUN step prints.

    It keeps the first and the last lines up to a byte budget each, and every line the
    parsers below need (step headers, cache hits, errors) wherever it falls.
    """

    def __init__(self, head_bytes: int = 64 * 1024, tail_bytes: int = 512 * 1024) -> None:
        self._head: list[tuple[int, str]] = []
        self._kept: list[tuple[int, str]] = []
        self._tail: deque[tuple[int, str]] = deque()
        self._head_room, self._tail_budget, self._tail_size = head_bytes, tail_bytes, 0
        self._count = 0
        self.dropped_bytes = 0

    def add(self, line: str) -> None:
        entry = (self._count, line)
        self._count += 1
        if self._head_room > 0:
            self._head.append(entry)
            self._head_room -= len(line)
        elif _STRUCTURAL.match(line):
            self._kept.append(entry)
        else:
            self._tail.append(entry)
            self._tail_size += len(line)
            while self._tail_size > self._tail_budget:
                _, old = self._tail.popleft()
                self._tail_size -= len(old)
                self.dropped_bytes += len(old)

    def text(self) -> str:
        entries = sorted([*self._head, *self._kept, *self._tail])
        if self.dropped_bytes:
            marker = (self._head[-1][0] + 0.5 if self._head else -1, f"[... {self.dropped_bytes} bytes of "
                      "build output left out ...]\n")
            entries = sorted([*entries, marker])  # type: ignore[list-item]
        return "".join(line for _, line in entries)


@dataclass(frozen=True)
class BuildStep:
    """One Dockerfile instruction as the builder ran it."""

    position: str  # "3/5" within its stage (BuildKit) or the whole file (legacy)
    stage: str | None
    text: str
    cached: bool
    seconds: float | None = None

    @property
    def keyword(self) -> str:
        return self.text.split(" ", 1)[0].upper()

    def label(self) -> str:
        where = f"{self.stage} {self.position}" if self.stage else self.position
        return f"[{where}] {self.text}"


def buildkit_step_header(line: str) -> str | None:
    """The step's display text when ``line`` starts a step, for live progress."""
    match = _BK_STEP.match(line.strip())
    if match is None:
        return None
    stage = match["stage"]
    where = f"{stage} {match['pos']}" if stage else match["pos"]
    return f"[{where}] {match['text']}"


def parse_buildkit(log: str) -> list[BuildStep]:
    headers: dict[str, re.Match[str]] = {}
    order: list[str] = []
    cached: set[str] = set()
    seconds: dict[str, float] = {}
    for raw in log.splitlines():
        line = raw.strip()
        if (m := _BK_STEP.match(line)) and m.group(1) not in headers:
            headers[m.group(1)] = m
            order.append(m.group(1))
        elif m := _BK_STATE.match(line):
            state = m.group(2)
            if state == "CACHED":
                cached.add(m.group(1))
            elif state.startswith("DONE"):
                seconds[m.group(1)] = float(state.split()[1].rstrip("s"))
    return [
        BuildStep(
            position=headers[n]["pos"],
            stage=headers[n]["stage"],
            text=headers[n]["text"],
            cached=n in cached,
            seconds=seconds.get(n),
        )
        for n in order
        if not headers[n]["text"].upper().startswith("FROM ")
    ]


def stages_in_log(log: str) -> list[str]:
    """The stages BuildKit worked on, in the order their first step appeared, FROM lines
    included: ``--progress=plain`` announces every step of the graph it builds (a cached
    one too, followed by CACHED) and says nothing at all about a stage the target does not
    need. Steps of an unnamed stage show as ``stage-N``; a single-stage file shows none."""
    seen: list[str] = []
    for raw in log.splitlines():
        match = _BK_STEP.match(raw.strip())
        if match and match["stage"] and match["stage"] not in seen:
            seen.append(match["stage"])
    return seen


def parse_legacy(log: str) -> list[BuildStep]:
    steps: list[BuildStep] = []
    current: re.Match[str] | None = None
    is_cached = False

    def close() -> None:
        if current is not None and not current["text"].upper().startswith("FROM "):
            steps.append(BuildStep(current["pos"], None, current["text"], is_cached))

    for raw in log.splitlines():
        line = raw.rstrip()
        if m := _LEGACY_STEP.match(line):
            close()
            current, is_cached = m, False
        elif line.strip() == "---> Using cache":
            is_cached = True
    close()
    return steps


def legacy_fresh_images(log: str) -> list[str]:
    """Ids of the images the legacy builder created for steps that were not cache hits."""
    fresh: list[str] = []
    skip = False  # a FROM step "creates" nothing: its id is the base image's
    for raw in log.splitlines():
        line = raw.strip()
        if step := _LEGACY_STEP.match(line):
            skip = step["text"].upper().startswith("FROM ")
        elif line == "---> Using cache":
            skip = True
        elif (m := re.fullmatch(r"---> ([0-9a-f]{12,64})", line)) and not skip:
            fresh.append(m.group(1))
    return fresh


def parse_error_line(log: str) -> tuple[int, str] | None:
    """The (line, message) of a Dockerfile syntax error reported by either builder."""
    match = _PARSE_ERROR.search(log)
    return (int(match.group(1)), match.group(2).strip()) if match else None


def failing_step(steps: list[BuildStep], log: str) -> str | None:
    """The text of the step that failed, for mapping back to a Dockerfile line."""
    bk = re.findall(r"^#(\d+) ERROR", log, re.M)
    if bk:
        wanted = bk[-1]
        for raw in log.splitlines():
            m = _BK_STEP.match(raw.strip())
            if m and m.group(1) == wanted:
                return m["text"]
    legacy = [m["text"] for m in map(_LEGACY_STEP.match, log.splitlines()) if m]
    return legacy[-1] if legacy else (steps[-1].text if steps else None)


def error_summary(log: str) -> str:
    """The one or two lines of a failed build log that say what went wrong."""
    lines = [line.strip() for line in log.splitlines() if line.strip()]
    for line in reversed(lines):
        lowered = line.lower()
        if lowered.startswith(("error:", "failed to solve", "executor failed")) or (
            "#" not in line[:1] and "error" in lowered
        ):
            return line.removeprefix("ERROR: ").removeprefix("error: ")
    return lines[-1] if lines else "the build failed with no output"
