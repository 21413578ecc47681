"""Build goals: did the Dockerfile build, and if not, where and why."""

from __future__ import annotations

from checks.goals import Check, Subject, Verdict


def succeeds() -> Check:
    def run(subject: Subject) -> Verdict:
        build = subject.build
        verdict = Verdict(measured={"build_seconds": round(build.seconds, 2)})
        if build.image_id is not None:
            return verdict
        where = ""
        if build.failed_step:
            line = subject.dockerfile.line_of(build.failed_step)
            where = f" at line {line}" if line else ""
            where += f" ({build.failed_step})"
        verdict.failures.append(f"expected the image to build, got a failure{where}: {build.error}")
        tail = [line for line in build.log.splitlines() if line.strip()][-12:]
        verdict.notes.append("last lines of the build log:\n" + "\n".join(tail))
        return verdict

    return Check(run, needs_image=False)
