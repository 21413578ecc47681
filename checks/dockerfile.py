"""A Dockerfile read into stages and instructions, with the mistakes a build would hit.

dockerfile-parse does the lexing (continuations, comments, directives). This module
adds what grading needs: stages with names and bases, instruction flags, 1-based
line numbers, and early errors that name the file and the line.
"""

from __future__ import annotations

import difflib
import io
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

from dockerfile_parse import DockerfileParser

from checks.errors import DockerfileError

KNOWN_INSTRUCTIONS = frozenset(
    {
        "ADD",
        "ARG",
        "CMD",
        "COPY",
        "ENTRYPOINT",
        "ENV",
        "EXPOSE",
        "FROM",
        "HEALTHCHECK",
        "LABEL",
        "MAINTAINER",
        "ONBUILD",
        "RUN",
        "SHELL",
        "STOPSIGNAL",
        "USER",
        "VOLUME",
        "WORKDIR",
    }
)


@dataclass(frozen=True)
class Instruction:
    line: int
    keyword: str
    value: str
    flags: dict[str, str] = field(default_factory=dict)
    raw: str = ""  # the arguments as written, flags included

    @property
    def is_exec_form(self) -> bool:
        return self.value.lstrip().startswith("[")

    @property
    def cache_mount_targets(self) -> list[str]:
        """Targets of every ``--mount=type=cache`` on this RUN (a RUN may carry several)."""
        targets = []
        for token in (self.raw or "").split():
            if not token.startswith("--mount="):
                continue
            options = dict(part.partition("=")[::2] for part in token[len("--mount=") :].split(","))
            if options.get("type") == "cache":
                targets.append(options.get("target") or options.get("dst") or options.get("destination", ""))
        return targets

    @property
    def mounts(self) -> list[dict[str, str]]:
        """The options of every ``--mount=`` on this RUN, e.g. ``{"type": "secret", "id": "api_token"}``."""
        return [
            dict(part.partition("=")[::2] for part in token[len("--mount=") :].split(","))
            for token in (self.raw or "").split()
            if token.startswith("--mount=")
        ]

    @property
    def text(self) -> str:
        return f"{self.keyword} {self.raw or self.value}".strip()


@dataclass(frozen=True)
class Stage:
    index: int
    base: str
    name: str | None
    line: int
    instructions: tuple[Instruction, ...]

    @property
    def label(self) -> str:
        return self.name or str(self.index)

    def copy_sources(self) -> list[tuple[str, Instruction]]:
        """The ``--from`` value of every COPY in this stage, with its instruction."""
        return [(i.flags["from"], i) for i in self.instructions if i.keyword == "COPY" and "from" in i.flags]


@dataclass(frozen=True)
class Dockerfile:
    path: Path
    stages: tuple[Stage, ...]

    @property
    def final(self) -> Stage:
        return self.stages[-1]

    def stage(self, ref: str) -> Stage | None:
        for stage in self.stages:
            if ref.lower() == (stage.name or "") or ref == str(stage.index):
                return stage
        return None

    def stage_chain(self, stage: Stage) -> list[Stage]:
        """``stage`` and the stages it is built FROM, the one on an image first."""
        chain = [stage]
        while (parent := self.stage(chain[0].base)) is not None and parent.index < chain[0].index:
            chain.insert(0, parent)
        return chain

    def build_stage(self) -> Stage:
        """The stage the final image takes its files from: the single-stage equivalent."""
        for ref, _ in self.final.copy_sources():
            stage = self.stage(ref)
            if stage is not None:
                return stage
        return self.final

    def line_of(self, step_text: str) -> int | None:
        """The line of the instruction whose text a builder echoed back in its log."""
        wanted = " ".join(step_text.split()).lower()
        for stage in self.stages:
            for ins in stage.instructions:
                if " ".join(ins.text.split()).lower() == wanted:
                    return ins.line
        return None


def lines_for_history(instructions: list[Instruction], created_by: list[str]) -> list[int | None]:
    """The Dockerfile line behind each history entry (oldest first) of a stage's own steps.

    Builders record one entry per instruction, in order, so entries are matched to
    instructions by keyword walking forward; an entry no instruction wrote (a label
    added on the command line) gets None.
    """
    lines: list[int | None] = []
    position = 0
    for entry in created_by:
        keyword = history_keyword(entry)
        ahead = range(position, len(instructions))
        found = next((k for k in ahead if instructions[k].keyword == keyword), None)
        if found is None:
            lines.append(None)
            continue
        lines.append(instructions[found].line)
        position = found + 1
    return lines


def history_keyword(created_by: str) -> str:
    """The instruction keyword of an image history entry, from either builder's wording."""
    text = " ".join(created_by.split())
    if text.startswith("/bin/sh -c #(nop)"):
        return text.removeprefix("/bin/sh -c #(nop)").split(maxsplit=1)[0].upper()
    if text.startswith("/bin/sh -c") or text.startswith("|"):
        return "RUN"
    return text.split(maxsplit=1)[0].upper() if text else ""


def parse(path: Path) -> Dockerfile:
    try:
        data = path.read_bytes()
    except FileNotFoundError as e:
        raise DockerfileError(
            "the Dockerfile does not exist", path=path, hint="restore it with git, or pass the right path"
        ) from e
    return parse_bytes(data, path)


def parse_bytes(data: bytes, path: Path) -> Dockerfile:
    text = _check_line_structure(_decode(data, path), path)
    parser = DockerfileParser(fileobj=io.BytesIO(text.encode()), env_replace=False)
    stages: list[Stage] = []
    pending: list[Instruction] = []
    current: tuple[int, str, str | None, int] | None = None

    def close_stage() -> None:
        if current is not None:
            index, base, name, line = current
            stages.append(Stage(index, base, name, line, tuple(pending)))

    for item in parser.structure:
        keyword = item["instruction"].upper()
        line = item["startline"] + 1
        if keyword == "COMMENT":
            continue
        if keyword not in KNOWN_INSTRUCTIONS:
            raise DockerfileError(
                f"unknown instruction {item['instruction']!r}",
                path=path,
                line=line,
                hint=_instruction_hint(keyword),
            )
        flags, value = _split_flags(item["value"])
        ins = Instruction(line, keyword, value, flags, item["value"])
        if keyword == "FROM":
            close_stage()
            pending = []
            base, name = _parse_from(value, path, line)
            current = (len(stages), base, name, line)
        elif current is None and keyword != "ARG":
            raise DockerfileError(
                f"{keyword} comes before any FROM",
                path=path,
                line=line,
                hint="a Dockerfile starts with FROM (only ARG may come before it)",
            )
        elif current is not None:
            pending.append(ins)
    close_stage()
    if not stages:
        raise DockerfileError(
            "no FROM instruction: there is nothing to build",
            path=path,
            line=1 if text.strip() else None,
            hint="start the Dockerfile with FROM <image>",
        )
    dockerfile = Dockerfile(path, tuple(stages))
    _check_copy_sources(dockerfile)
    return dockerfile


_HEREDOC = re.compile(r"^\s*(RUN|COPY|ADD)\b.*<<-?\s*[\"']?([A-Za-z_][A-Za-z0-9_]*)[\"']?", re.I)


def _check_line_structure(text: str, path: Path) -> str:
    """Catch what dockerfile-parse would misread, and return the text it can read.

    A heredoc's body is blanked (lines kept, so numbers stay right): whether this engine's
    builder understands heredocs is for the builder to say. An unclosed heredoc, or a
    continuation into nothing at the end, is an error here.
    """
    lines = text.split("\n")
    number = 0
    while number < len(lines):
        line = lines[number]
        number += 1
        match = _HEREDOC.match(line)
        if match is None or line.lstrip().startswith("#"):
            continue
        word = match.group(2)
        end = next((k for k in range(number, len(lines)) if lines[k].strip() == word), None)
        if end is None:
            raise DockerfileError(f"the heredoc <<{word} is never closed", path=path, line=number,
                                  hint=f"end it with a line that is exactly {word}")
        for k in range(number, end + 1):
            lines[k] = ""
        number = end + 1
    content = [(n, line) for n, line in enumerate(lines, start=1)
               if line.strip() and not line.lstrip().startswith("#")]
    if content and content[-1][1].rstrip().endswith("\\"):
        raise DockerfileError("the last instruction ends with a backslash, continuing into nothing",
                              path=path, line=content[-1][0], hint="remove the trailing \\")
    return "\n".join(lines)


def _decode(data: bytes, path: Path) -> str:
    if not data.strip():
        raise DockerfileError(
            "the Dockerfile is empty",
            path=path,
            hint="start it with FROM <image>; `--reset` restores the starter",
        )
    if b"\x00" in data:
        raise DockerfileError(
            "the Dockerfile is binary, not text", path=path, hint="save it as plain UTF-8 text"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise DockerfileError(
            "the Dockerfile is not valid UTF-8", path=path, line=line, hint="save it as UTF-8 text"
        ) from e
    return text.replace("\r\n", "\n")


def _split_flags(value: str) -> tuple[dict[str, str], str]:
    flags: dict[str, str] = {}
    rest = value.lstrip()
    while rest.startswith("--"):
        token, _, rest = rest.partition(" ")
        name, _, flag_value = token[2:].partition("=")
        flags[name.lower()] = flag_value
        rest = rest.lstrip()
    return flags, rest


def _parse_from(value: str, path: Path, line: int) -> tuple[str, str | None]:
    try:
        words = shlex.split(value)
    except ValueError:
        words = value.split()
    words = [w for w in words if not w.startswith("--")]
    if len(words) == 1:
        return words[0], None
    if len(words) == 3 and words[1].lower() == "as":
        return words[0], words[2].lower()
    raise DockerfileError(
        f"cannot read FROM {value!r}",
        path=path,
        line=line,
        hint="write FROM <image> or FROM <image> AS <name>",
    )


def _check_copy_sources(dockerfile: Dockerfile) -> None:
    names = [s.name for s in dockerfile.stages if s.name]
    for stage in dockerfile.stages:
        for ins in stage.instructions:
            if ins.keyword in ("COPY", "ADD") and "from" not in ins.flags and not ins.is_exec_form:
                for source in ins.value.split()[:-1]:
                    if not source.startswith(("http://", "https://")) and _escapes(source):
                        raise DockerfileError(
                            f"{ins.keyword} {source} reaches outside the build context",
                            path=dockerfile.path, line=ins.line,
                            hint="only files inside the exercise's app/ folder can be copied in",
                        )
    for position, stage in enumerate(dockerfile.stages):
        for ref, ins in stage.copy_sources():
            target = dockerfile.stage(ref)
            if target is not None:
                if target.index >= position:
                    raise DockerfileError(
                        f"COPY --from={ref} names a stage that is not defined before it",
                        path=dockerfile.path,
                        line=ins.line,
                        hint="a stage can only copy from stages above it",
                    )
                continue
            if _looks_like_image(ref):
                continue  # copying from another image is legal
            close = difflib.get_close_matches(ref.lower(), names, n=1)
            known = ", ".join(names) or "none are named"
            suggestion = f"did you mean --from={close[0]}? " if close else ""
            raise DockerfileError(
                f"COPY --from={ref} names no stage (named stages: {known})",
                path=dockerfile.path,
                line=ins.line,
                hint=f"{suggestion}name the stage with FROM <image> AS {ref.lower()}",
            )


def _escapes(source: str) -> bool:
    parts: list[str] = []
    for part in source.split("/"):
        if part == "..":
            if not parts:
                return True
            parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    return False


def _looks_like_image(ref: str) -> bool:
    return any(c in ref for c in ":/@.") or ref == "scratch"


def _instruction_hint(keyword: str) -> str:
    close = difflib.get_close_matches(keyword, sorted(KNOWN_INSTRUCTIONS), n=1)
    if close:
        return f"did you mean {close[0]}?"
    return "check the spelling; instructions are FROM, RUN, COPY, CMD, ..."
