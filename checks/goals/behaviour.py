"""Build-behaviour goals: build the exercise again under changed conditions and compare.

Each goal names the variant it needs (an edited source file, an added file, another
target); the Subject builds each variant once per run, in a copy of the context.
"""

from __future__ import annotations

from checks.engine import BuildOutcome
from checks.goals import Check, Subject, Variant, Verdict


def dependency_step_cached(dependency: str, edit: str) -> Check:
    """After editing ``edit``, the step running ``dependency`` is a cache hit, and the
    first step to re-run is the COPY that brings the source in."""

    def run(subject: Subject) -> Verdict:
        outcome = subject.variant(Variant(edit=edit))
        verdict = Verdict()
        if not _built(verdict, outcome, f"the copy with {edit} edited"):
            return verdict
        reran = [s for s in outcome.steps if not s.cached]
        verdict.measured["re_ran"] = [s.label() for s in reran]
        steps = [s for s in outcome.steps if dependency in s.text]
        if not steps:
            verdict.failures.append(f"expected a RUN step with `{dependency}`, got none")
            return verdict
        verdict.expect(steps[0].cached, f"`{dependency}` to be a cache hit after editing {edit}",
                       "it ran again")
        if reran:
            first = reran[0]
            line = subject.dockerfile.line_of(first.text)
            at = f" (line {line})" if line else ""
            verdict.expect(first.keyword in ("COPY", "ADD"),
                           "the first step to re-run to be the COPY of the source",
                           f"{first.text}{at}")
            verdict.notes.append(
                f"after editing {edit}, {len(reran)} step(s) re-ran:\n  "
                + "\n  ".join(s.label() for s in reran)
                + f"\nthe first, {first.text}{at}, is where the change entered the cache chain: "
                "every later step of that stage re-runs with it"
            )
        return verdict

    return Check(run, needs_image=False)


def target_builds(target: str) -> Check:
    """``--target TARGET`` builds on the code as it is."""

    def run(subject: Subject) -> Verdict:
        verdict = Verdict()
        if _has_stage(verdict, subject, target):
            outcome = subject.variant(Variant(target=target))
            _built(verdict, outcome, f"--target {target}")
        return verdict

    return Check(run, needs_image=False)


def target_fails_with(target: str, add_files: tuple[tuple[str, str], ...], planted: str) -> Check:
    """``--target TARGET`` fails once ``add_files`` (a broken test, say) are in the context."""

    def run(subject: Subject) -> Verdict:
        verdict = Verdict()
        if _has_stage(verdict, subject, target):
            outcome = subject.variant(Variant(target=target, add_files=add_files))
            verdict.expect(outcome.image_id is None, f"--target {target} to fail with {planted}",
                           "a successful build")
        return verdict

    return Check(run, needs_image=False)


def cache_mount_speeds_up(step: str, edit: str, max_ratio: float) -> Check:
    """After editing ``edit``, the step running ``step`` takes at most ``max_ratio`` of the time
    it takes with the cache mounts removed: both measured in this run."""

    def run(subject: Subject) -> Verdict:
        verdict = Verdict()
        runs = [i for s in subject.dockerfile.stages for i in s.instructions if step in i.value]
        if not any(i.cache_mount_targets for i in runs):
            verdict.failures.append(
                f"expected `{step}` to reuse a cache mount, got no --mount=type=cache on it"
            )
            return verdict
        with_mounts = subject.variant(Variant(edit=edit))
        without = subject.variant(Variant(edit=edit, strip_cache_mounts=True))
        if not (_built(verdict, with_mounts, f"the copy with {edit} edited")
                and _built(verdict, without, "the copy without cache mounts")):
            return verdict
        warm, cold = _seconds(with_mounts, step), _seconds(without, step)
        if warm is None or cold is None:
            verdict.failures.append(f"expected timings for `{step}` in the build output, got none")
            return verdict
        ratio = warm / cold if cold else 1.0
        verdict.measured.update(with_cache_s=warm, without_cache_s=cold, ratio=round(ratio, 3))
        verdict.expect(ratio <= max_ratio, f"`{step}` with its cache at most {max_ratio:.0%} of the time "
                       f"without ({cold:.1f} s)", f"{ratio:.0%} ({warm:.1f} s)")
        return verdict

    return Check(run, needs_image=False)


def shares_layers_with(target: str, shared_files: tuple[str, ...]) -> Check:
    """The image built with ``--target TARGET`` and the default image share more bottom
    layers than their base image has, and every one of ``shared_files`` sits in a shared layer.

    Layers are compared by diff_id (``RootFS.Layers``), from the bottom up.
    """

    def run(subject: Subject) -> Verdict:
        verdict = Verdict()
        if not _has_stage(verdict, subject, target):
            return verdict
        other = subject.variant_image(Variant(target=target))
        if other is None:
            _built(verdict, subject.variant(Variant(target=target)), f"--target {target}")
            return verdict
        mine = subject.image()
        base = subject.base_image()
        base_count = len(base.diff_ids) if base else 0
        shared = mine.shared_layers(other)
        verdict.measured.update(shared_layers=shared, base_layers=base_count,
                                layers=len(mine.diff_ids), other_layers=len(other.diff_ids))
        final = subject.dockerfile.final.label
        verdict.expect(shared > base_count,
                       f"{final} and {target} to share more than the {base_count} layer(s) of their base",
                       f"{shared} shared layer(s)")
        files = subject.files()
        for path in shared_files:
            entry = files.get(path)
            if entry is None:
                verdict.failures.append(f"expected /{path.lstrip('/')} in the image, got no such file")
            else:
                verdict.expect(entry.layer < shared, f"/{entry.path} in a layer both images share",
                               f"layer {entry.layer + 1}, above the {shared} shared layer(s)")
        if verdict.failures:
            verdict.notes.append(
                f"layers of {final}: {len(mine.diff_ids)}; of {target}: {len(other.diff_ids)}; "
                f"shared from the bottom: {shared}; of which the base image's: {base_count}"
            )
            ours = subject.dockerfile.stage_chain(subject.dockerfile.final)
            theirs = subject.dockerfile.stage_chain(subject.dockerfile.stage(target))
            if len(ours) > 1 and len(theirs) > 1 and ours[0] is theirs[0]:
                verdict.notes.append(
                    f"both targets are built on stage {ours[0].label!r}, yet its layers differ: the "
                    "build cache holds more than one result for one of its steps (a step that ran "
                    "twice, at different times). Run `docker builder prune`, then grade again"
                )
        return verdict

    return Check(run, needs_image=True)



def _built(verdict: Verdict, outcome: BuildOutcome, what: str) -> bool:
    verdict.expect(outcome.image_id is not None, f"{what} to build", f"a failure: {outcome.error}")
    return outcome.image_id is not None


def _has_stage(verdict: Verdict, subject: Subject, name: str) -> bool:
    found = subject.dockerfile.stage(name) is not None
    verdict.expect(found, f"a stage named {name!r}", "none")
    return found


def _seconds(outcome: BuildOutcome, step: str) -> float | None:
    times = [s.seconds for s in outcome.steps if step in s.text and s.seconds is not None]
    return max(times) if times else None


def override_value(subject: Subject) -> str:
    """The value the override goals pass: new in each grading run, so never a cache hit."""
    return f"9.{int(subject.unique()[:6], 16)}.0-grader"


def _override(name: str, subject: Subject) -> Variant:
    return Variant(build_args=((name, override_value(subject)),))


def build_arg_overrides(name: str, argv: list[str], timeout_s: float = 20) -> Check:
    """Built with ``--build-arg NAME=<a new value>``, the image prints that value when ``argv``
    runs in it: the argument reaches the step that bakes it in."""

    def run(subject: Subject) -> Verdict:
        verdict = Verdict()
        value = override_value(subject)
        variant = _override(name, subject)
        if not _built(verdict, subject.variant(variant), f"--build-arg {name}={value}"):
            return verdict
        result = subject.variant_command(variant, argv, timeout_s)
        got = result.output.strip()
        verdict.measured.update(passed=value, printed=got[-100:])
        verdict.expect(result.exit_code == 0 and value in got.splitlines(),
                       f"`{' '.join(argv)}` to print {value!r} after --build-arg {name}={value}",
                       f"{got[-100:]!r} (exit code {result.exit_code})")
        return verdict

    return Check(run, needs_image=False)


def build_arg_spares(name: str, step: str) -> Check:
    """A new value of ``name`` leaves the step running ``step`` a cache hit: the argument is
    declared after it, so its value is not part of that step's cache key."""

    def run(subject: Subject) -> Verdict:
        verdict = Verdict()
        value = override_value(subject)
        outcome = subject.variant(_override(name, subject))
        if not _built(verdict, outcome, f"--build-arg {name}={value}"):
            return verdict
        reran = [s for s in outcome.steps if not s.cached]
        verdict.measured["re_ran"] = [s.label() for s in reran]
        steps = [s for s in outcome.steps if step in s.text]
        if not steps:
            verdict.failures.append(f"expected a RUN step with `{step}`, got none")
            return verdict
        verdict.expect(all(s.cached for s in steps), f"`{step}` to be a cache hit after a new {name}",
                       "it ran again")
        if verdict.failures and reran:
            verdict.notes.append(f"with --build-arg {name}={value}, these steps re-ran:\n  "
                                 + "\n  ".join(s.label() for s in reran))
        return verdict

    return Check(run, needs_image=False)
