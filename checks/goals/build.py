"""Build goals: did the Dockerfile build, and if not, where and why."""

from __future__ import annotations

from checks import buildlog
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


def stage_skipped(stage: str) -> Check:
    """The Dockerfile has a stage named ``stage``, and BuildKit's log of the default build
    shows no step of it: the target does not need it, so BuildKit never started it."""

    def run(subject: Subject) -> Verdict:
        verdict = Verdict()
        found = subject.dockerfile.stage(stage)
        if found is None or found.name != stage:
            verdict.failures.append(f"expected a stage named {stage!r}, got none")
            return verdict
        ran = buildlog.stages_in_log(subject.build.log)
        verdict.measured["stages_built"] = ran
        if stage in ran:
            steps = [s.label() for s in subject.build.steps if s.stage == stage]
            verdict.failures.append(
                f"expected no step of stage {stage!r} in the build log, got {len(steps) or 'its'} step(s)"
                + (f", such as {steps[0]}" if steps else "")
            )
            verdict.notes.append(
                f"stages the default build ran: {', '.join(ran)}. BuildKit builds a stage only when "
                f"the target reaches it through FROM or COPY --from; something in the final stage's "
                f"chain still points at {stage!r}"
            )
        return verdict

    return Check(run, needs_image=False)
