"""Image goals: read from the built image's config, history and layer contents."""

from __future__ import annotations

from checks.errors import CheckError
from checks.goals import MB, Check, Subject, Verdict
from checks.layers import hidden_bytes, passwd_uid
from checks.layers import wasted_bytes as dive_wasted_bytes

ROOT_NAMES = frozenset({"", "root", "0", "0:0", "root:root"})


def files_absent(patterns: tuple[str, ...], what: str, in_build_stage: bool = False) -> Check:
    """No file in the final image (or, with ``in_build_stage``, in the stage it copies from)
    matches any of ``patterns`` (globs over the merged layers)."""

    def run(subject: Subject) -> Verdict:
        verdict = Verdict()
        files = subject.build_stage_files() if in_build_stage else subject.files()
        found = sorted(
            {e.path: e for p in patterns for e in files.matching(p)}.values(), key=lambda e: e.path
        )
        verdict.measured["matches"] = len(found)
        if found:
            first = found[0]
            more = f" and {len(found) - 1} more" if len(found) > 1 else ""
            verdict.failures.append(f"expected no {what}, got /{first.path}{more}")
            if not in_build_stage:
                verdict.notes.append(f"/{first.path} came from {subject.layer_origin(first.layer)}")
        return verdict

    return Check(run)


def files_absent_each(groups: tuple[tuple[str, tuple[str, ...]], ...]) -> Check:
    """Like ``files_absent``, for several kinds of file at once: each ``(what, patterns)`` that
    matches in the final image is its own failure, so one report names everything left in."""

    def run(subject: Subject) -> Verdict:
        verdict = Verdict()
        for what, patterns in groups:
            found = sorted({e.path: e for p in patterns for e in subject.files().matching(p)}.values(),
                           key=lambda e: e.path)
            verdict.measured[what] = len(found)
            if found:
                more = f" and {len(found) - 1} more" if len(found) > 1 else ""
                verdict.failures.append(f"expected no {what}, got /{found[0].path}{more}")
                verdict.notes.append(f"/{found[0].path} came from {subject.layer_origin(found[0].layer)}")
        return verdict

    return Check(run)


def size(max_mb: float | None = None, max_fraction_of_build_stage: float | None = None) -> Check:
    """The final image's size, absolute and against the stage it was built in.

    Size is ``docker image inspect``'s ``Size``: the uncompressed bytes of all layers,
    in MB of 1,000,000 bytes as ``docker images`` prints them.
    """

    def run(subject: Subject) -> Verdict:
        image = subject.image()
        verdict = Verdict(measured={"size_mb": round(image.size_mb, 1)})
        if max_mb is not None:
            verdict.expect(image.size <= max_mb * MB, f"at most {max_mb:g} MB", f"{image.size_mb:.1f} MB")
        if max_fraction_of_build_stage is not None:
            stage = subject.build_stage_image()
            fraction = image.size / stage.size if stage.size else 1.0
            verdict.measured["build_stage_mb"] = round(stage.size_mb, 1)
            verdict.measured["fraction_of_build_stage"] = round(fraction, 3)
            verdict.expect(
                fraction <= max_fraction_of_build_stage,
                f"at most {max_fraction_of_build_stage:.0%} of the build stage ({stage.size_mb:.1f} MB)",
                f"{fraction:.0%} ({image.size_mb:.1f} MB)",
            )
        if verdict.failures:
            verdict.notes.extend(_size_explanation(subject))
        return verdict

    return Check(run)


SHELLS = ("bin/sh", "bin/bash", "bin/ash", "bin/dash", "usr/bin/sh", "usr/bin/bash", "bin/busybox")


def no_shell() -> Check:
    """No shell in the final image: nothing for an intruder (or `docker exec`) to run."""
    return files_absent(SHELLS, "shell")


def size_near_entrypoint(slack_mb: float) -> Check:
    """The image is at most its entrypoint binary plus ``slack_mb``: the binary is the payload."""

    def run(subject: Subject) -> Verdict:
        image = subject.image()
        command = image.config.get("Entrypoint") or image.config.get("Cmd") or []
        verdict = Verdict(measured={"size_mb": round(image.size_mb, 2)})
        entry = subject.files().get(command[0]) if command else None
        if entry is None:
            verdict.failures.append(
                f"expected an ENTRYPOINT naming a file in the image, got {command or 'none'}"
            )
            return verdict
        verdict.measured["binary_mb"] = round(entry.size / MB, 2)
        verdict.expect(
            image.size <= entry.size + slack_mb * MB,
            f"at most the binary ({entry.size / MB:.2f} MB) + {slack_mb:g} MB",
            f"{image.size_mb:.2f} MB",
        )
        if verdict.failures:
            verdict.notes.extend(_size_explanation(subject))
        return verdict

    return Check(run)


def non_root_user(uid: int | None = None, name: str | None = None) -> Check:
    """The image's configured USER is not root, by name or by uid; and is ``uid`` or ``name``
    when given."""

    def run(subject: Subject) -> Verdict:
        user = str(subject.image().config.get("User") or "")
        verdict = Verdict(measured={"user": user or "(none)"})
        configured = user.split(":", 1)[0]
        if name is not None and configured != name:
            verdict.failures.append(f"expected USER {name}, got {user or 'no USER (root)'}")
            return verdict
        _check_user_name(verdict, subject, user, configured)
        if uid is not None and not verdict.failures:
            got = verdict.measured.get("uid")
            verdict.expect(got == uid, f"uid {uid}", f"uid {got}")
        return verdict

    return Check(run)


def exposes_app_port() -> Check:
    """The image's ExposedPorts is exactly the port the app listens on (lab.toml's ``port``),
    over TCP: EXPOSE documents where to connect, so a wrong or extra port misleads."""

    def run(subject: Subject) -> Verdict:
        port = subject.exercise.port
        if port is None:
            raise CheckError(f"exercise {subject.exercise.name} checks EXPOSE but has no port",
                             path=subject.exercise.lab_dir / "lab.toml")
        exposed = sorted(str(p) for p in (subject.image().config.get("ExposedPorts") or {}))
        verdict = Verdict(measured={"exposed": exposed})
        verdict.expect(exposed == [f"{port}/tcp"], f"EXPOSE {port} (the app's port) and no other",
                       f"EXPOSE {' '.join(p.removesuffix('/tcp') for p in exposed)}" if exposed
                       else "no EXPOSE")
        return verdict

    return Check(run)


def _check_user_name(verdict: Verdict, subject: Subject, user: str, name: str) -> None:
    """Record the uid of ``name``, failing when it is root or unknown to /etc/passwd."""
    if user in ROOT_NAMES or name in ROOT_NAMES:
        verdict.failures.append(f"expected a non-root USER, got {user or 'no USER (root)'}")
        return
    if name.isdigit():
        verdict.measured["uid"] = int(name)
        return
    found = passwd_uid(subject.files(), name)
    if found is None:
        verdict.failures.append(f"expected user {name!r} in /etc/passwd, got no such entry")
    elif found == 0:
        verdict.failures.append(f"expected a non-root USER, got {name} (uid 0)")
    else:
        verdict.measured["uid"] = found


def wasted_bytes(max_bytes: int) -> Check:
    """No file is added in one layer and deleted or replaced in a later one.

    Two counts, each at most ``max_bytes``: dive's "wasted bytes" (every copy of a path that
    sits in more than one layer), and the bytes no container can see (older copies, and
    whatever a later whiteout hides, whole directories included, which dive's count misses).
    """

    def run(subject: Subject) -> Verdict:
        files = subject.files()
        waste = dive_wasted_bytes(files.layer_entries)
        hidden = hidden_bytes(files)
        verdict = Verdict(measured={"wasted_bytes": waste.wasted_bytes, "hidden_bytes": hidden})
        limit = _bytes(max_bytes)
        verdict.expect(waste.wasted_bytes <= max_bytes, f"at most {limit} wasted (counted as dive counts)",
                       _bytes(waste.wasted_bytes))
        verdict.expect(hidden <= max_bytes, f"at most {limit} in layers that no container can see",
                       _bytes(hidden))
        if verdict.failures:
            lines = ["paths stored in more than one layer, and what dive charges for each:"]
            lines += [f"  {w.size / MB:8.1f} MB  /{w.path} ({w.copies} layers)"
                      for w in waste.paths[:5] if w.size]
            lines.append("largest layers, and the line that made each:")
            largest = sorted((x for x in subject.layers() if x.size), key=lambda x: x.size, reverse=True)
            lines += [f"  {x.size / MB:8.1f} MB  {x.describe()}" for x in largest[:4]]
            verdict.notes.append("\n".join(lines))
        return verdict

    return Check(run)


def label(key: str) -> Check:
    """The image's config carries label ``key`` with a non-empty value."""

    def run(subject: Subject) -> Verdict:
        labels = subject.image().config.get("Labels") or {}
        value = str(labels.get(key, "")).strip()
        verdict = Verdict(measured={"label": value} if value else {})
        got = "an empty value" if key in labels else "no such label"
        verdict.expect(bool(value), f"a label {key} with a value", got)
        return verdict

    return Check(run)


def _bytes(count: int) -> str:
    return f"{count / MB:.1f} MB" if count >= MB else f"{count / 1000:.1f} kB"


def _size_explanation(subject: Subject) -> list[str]:
    largest = sorted((layer for layer in subject.layers() if layer.size), key=lambda x: x.size, reverse=True)
    lines = ["largest layers, and the line that made each:"]
    lines += [f"  {layer.size / MB:8.1f} MB  {layer.describe()}" for layer in largest[:4]]
    lines.append("largest files in the final image:")
    lines += [f"  {entry.size / MB:8.1f} MB  /{entry.path}" for entry in subject.files().largest(4)]
    return ["\n".join(lines)]


SETUID_SETGID = 0o6000


def no_setuid() -> Check:
    """No regular file in the final image (the merged layers, as a container sees them) has
    the setuid or setgid bit: nothing a process can exec to gain another user's rights."""

    def run(subject: Subject) -> Verdict:
        flagged = sorted(
            (e for e in subject.files().files.values() if e.kind == "file" and e.mode & SETUID_SETGID),
            key=lambda e: e.path,
        )
        verdict = Verdict(measured={"setuid_setgid_files": len(flagged)})
        if flagged:
            shown = ", ".join(f"/{e.path} ({e.mode & 0o7777:04o})" for e in flagged[:4])
            more = f" and {len(flagged) - 4} more" if len(flagged) > 4 else ""
            verdict.failures.append(f"expected no setuid or setgid file, got {len(flagged)}: {shown}{more}")
            verdict.notes.append(f"/{flagged[0].path} came from {subject.layer_origin(flagged[0].layer)}")
        return verdict

    return Check(run)
