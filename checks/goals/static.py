"""Static goals: read from the parsed Dockerfile, before or without the image."""

from __future__ import annotations

from checks.goals import Check, Subject, Verdict


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
