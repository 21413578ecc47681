"""Image goals: read from the built image's config, history and layer contents."""

from __future__ import annotations

from checks.errors import CheckError
from checks.goals import MB, Check, Subject, Verdict
from checks.layers import passwd_uid

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


def _size_explanation(subject: Subject) -> list[str]:
    largest = sorted((layer for layer in subject.layers() if layer.size), key=lambda x: x.size, reverse=True)
    lines = ["largest layers, and the line that made each:"]
    lines += [f"  {layer.size / MB:8.1f} MB  {layer.describe()}" for layer in largest[:4]]
    lines.append("largest files in the final image:")
    lines += [f"  {entry.size / MB:8.1f} MB  /{entry.path}" for entry in subject.files().largest(4)]
    return ["\n".join(lines)]
