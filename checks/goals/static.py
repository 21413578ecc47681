"""Static goals: read from the parsed Dockerfile, before or without the image."""

from __future__ import annotations

import json
import re

from checks.dockerfile import Instruction
from checks.goals import Check, Subject, Verdict

# A `cd` that starts a shell command, or follows `&&`, `||` or `;` in one.
_CD = re.compile(r"(?:^|&&|\|\||;)\s*cd(?:\s|$)")


def stages(min_count: int = 2, named: tuple[str, ...] = (), copies_from: bool = True) -> Check:
    """At least ``min_count`` stages, the named ones present, and the final stage copying
    its files from an earlier stage."""

    def run(subject: Subject) -> Verdict:
        dockerfile = subject.dockerfile
        verdict = Verdict(measured={"stages": len(dockerfile.stages)})
        verdict.expect(
            len(dockerfile.stages) >= min_count, f"at least {min_count} stages", str(len(dockerfile.stages))
        )
        have = [s.name for s in dockerfile.stages if s.name]
        for name in named:
            verdict.expect(
                name in have,
                f"a stage named {name!r}",
                f"stages named {', '.join(have)}" if have else "no named stages",
            )
        if copies_from:
            sources = [ref for ref, _ in dockerfile.final.copy_sources() if dockerfile.stage(ref)]
            verdict.expect(
                bool(sources),
                "the final stage to COPY --from an earlier stage",
                "no COPY --from in the final stage",
            )
        return verdict

    return Check(run, needs_image=False)


def final_base(*prefixes: str) -> Check:
    """The final stage starts FROM an image whose reference starts with one of ``prefixes``."""

    def run(subject: Subject) -> Verdict:
        base = subject.dockerfile.final.base
        verdict = Verdict(measured={"final_base": base})
        verdict.expect(
            any(base == p or base.startswith(p) for p in prefixes),
            f"the final stage FROM {' or '.join(prefixes)}",
            f"FROM {base} (line {subject.dockerfile.final.line})",
        )
        return verdict

    return Check(run, needs_image=False)


def cache_mounts(*commands: str) -> Check:
    """Each RUN that runs one of ``commands`` carries a ``--mount=type=cache``."""

    def run(subject: Subject) -> Verdict:
        verdict = Verdict()
        runs = [i for s in subject.dockerfile.stages for i in s.instructions if i.keyword == "RUN"]
        for command in commands:
            matching = [i for i in runs if command in i.value]
            if not matching:
                verdict.failures.append(f"expected a RUN with `{command}`, got none")
                continue
            bare = [i for i in matching if not i.cache_mount_targets]
            verdict.expect(not bare, f"`{command}` to use --mount=type=cache",
                           ", ".join(f"none at line {i.line}" for i in bare))
        return verdict

    return Check(run, needs_image=False)


def _final_chain(subject: Subject) -> list[Instruction]:
    """The final stage's instructions, with those of the stages it is built FROM first."""
    dockerfile = subject.dockerfile
    return [i for stage in dockerfile.stage_chain(dockerfile.final) for i in stage.instructions]


def workdir() -> Check:
    """The final stage sets an absolute WORKDIR, and no RUN, CMD or ENTRYPOINT moves with `cd`
    (a `cd` lasts until the end of its own shell; WORKDIR lasts for every later step)."""

    def run(subject: Subject) -> Verdict:
        chain = _final_chain(subject)
        workdirs = [i for i in chain if i.keyword == "WORKDIR"]
        verdict = Verdict(measured={"workdir": workdirs[-1].value if workdirs else ""})
        if not workdirs:
            verdict.failures.append("expected a WORKDIR in the final stage, got none")
        for ins in workdirs:
            # A variable may hold an absolute path; the builder resolves it, so trust it.
            verdict.expect(ins.value.startswith(("/", "$")), "an absolute WORKDIR path",
                           f"{ins.value!r} at line {ins.line}")
        for ins in chain:
            if ins.keyword in ("RUN", "CMD", "ENTRYPOINT") and _CD.search(ins.value):
                verdict.failures.append(
                    f"expected WORKDIR instead of `cd`, got `{ins.text}` at line {ins.line}")
        return verdict

    return Check(run, needs_image=False)


def exec_form_command() -> Check:
    """The final stage's CMD and ENTRYPOINT (the last of each) are JSON arrays of strings:
    the exec form, in which the program itself is PID 1 and receives docker stop's SIGTERM."""

    def run(subject: Subject) -> Verdict:
        chain = _final_chain(subject)
        verdict = Verdict()
        last = {k: [i for i in chain if i.keyword == k][-1:] for k in ("ENTRYPOINT", "CMD")}
        found = [ins for found in last.values() for ins in found]
        if not found:
            verdict.failures.append("expected an exec-form CMD or ENTRYPOINT, got neither "
                                    "(the base image's own command would run)")
        for ins in found:
            verdict.measured[ins.keyword.lower()] = ins.value
            if not ins.is_exec_form:
                verdict.failures.append(f"expected {ins.keyword} in exec form, [\"program\", \"arg\", ...], "
                                        f"got the shell form `{ins.text}` at line {ins.line}")
            elif not _json_strings(ins.value):
                verdict.failures.append(
                    f"expected {ins.keyword} to be a JSON array of double-quoted strings, got "
                    f"`{ins.value}` at line {ins.line}, which Docker runs in shell form")
        return verdict

    return Check(run, needs_image=False)


def _json_strings(value: str) -> bool:
    try:
        parsed = json.loads(value)
    except ValueError:
        return False
    return isinstance(parsed, list) and bool(parsed) and all(isinstance(a, str) for a in parsed)


def secret_mount(command: str, secret_id: str) -> Check:
    """The RUN that runs ``command`` mounts the secret ``secret_id`` (``--mount=type=secret``)
    for itself, instead of finding the token in a file or a variable an earlier step left."""

    def run(subject: Subject) -> Verdict:
        verdict = Verdict()
        runs = [i for s in subject.dockerfile.stages for i in s.instructions
                if i.keyword == "RUN" and command in i.value]
        if not runs:
            verdict.failures.append(f"expected a RUN with `{command}`, got none")
            return verdict
        for instruction in runs:
            ids = [m.get("id") or m.get("target", "").rsplit("/", 1)[-1]
                   for m in instruction.mounts if m.get("type") == "secret"]
            verdict.expect(secret_id in ids, f"`{command}` (line {instruction.line}) to mount the secret "
                           f"{secret_id}", f"mounted secrets {ids}" if ids else "no --mount=type=secret")
        return verdict

    return Check(run, needs_image=False)
