"""Building images: BuildKit through the CLI where it exists, else docker-py's legacy builder."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import docker
import docker.errors
import docker.utils

from checks import buildlog
from checks.buildlog import BuildStep
from checks.engine.core import (
    BUILD_TIMEOUT_S,
    ENGINE_HINT,
    TRANSPORT_ERRORS,
    Builder,
    BuildOutcome,
    BuildRequest,
    EngineCore,
    Progress,
    _buildkit_turn,
    _kill_group,
    _looks_like_disk_full,
    _short,
    _split_tag,
)
from checks.errors import BuildFailed, CheckError, EngineUnavailable, ImageUnavailable, NeedsBuildKit


class Building(EngineCore):
    # -- building ---------------------------------------------------------------------------

    def build(
        self,
        context: Path,
        dockerfile: Path,
        tag: str,
        *,
        target: str | None = None,
        network: str = "none",
        progress: Progress | None = None,
        timeout: float = BUILD_TIMEOUT_S,
        builder: Builder | None = None,
        labels: dict[str, str] | None = None,
        disposable: bool = False,
        secrets: dict[str, Path] | None = None,
        build_args: dict[str, str] | None = None,
        no_cache: bool = False,
    ) -> BuildOutcome:
        """Build and tag an image. A failing step is an outcome; a broken engine raises.

        Images are labelled with this run's id unless ``labels`` says otherwise (stand-ins
        are kept across runs, so they carry their own labels instead). ``secrets`` maps a
        secret's id to the file holding it; only BuildKit can pass one, so the legacy
        builder refuses such a build instead of building without it.
        """
        request = BuildRequest(
            context, dockerfile, tag, target, network, progress, timeout,
            self.labels if labels is None else labels,
            tuple(sorted((secrets or {}).items())), tuple(sorted((build_args or {}).items())), no_cache,
        )
        builder = builder or self.builder()
        with self._timed("build"):
            if builder.kind == "legacy":
                outcome = self._build_legacy(request)
            else:
                outcome = self._build_cli(builder, request)
        if disposable:
            # A one-off build (an edited copy of the context): its legacy intermediates
            # would never be a cache hit again, so they go at cleanup instead of piling up.
            self._disposable.extend(outcome.fresh_images)
        return outcome

    def build_from_bytes(self, dockerfile: bytes, tag: str, labels: dict[str, str]) -> str:
        """Build a Dockerfile that needs no context (metadata-only steps), return the id."""
        with self._timed("build"), self._translate(f"build {tag}"):
            image, _ = self.client.images.build(
                fileobj=io.BytesIO(dockerfile), tag=tag, labels=labels, rm=True, forcerm=True
            )
            return str(image.id)

    def _build_cli(self, builder: Builder, r: BuildRequest) -> BuildOutcome:
        assert builder.cli is not None
        with tempfile.TemporaryDirectory(prefix="lbl-build-") as tmp:
            iidfile = Path(tmp) / "iid"
            verb = ["buildx", "build", "--load"] if builder.kind == "buildx" else ["build"]
            argv = [builder.cli, *verb, "--progress=plain", f"--network={r.network}"]
            argv += ["-f", str(r.dockerfile), "-t", r.tag, "--iidfile", str(iidfile)]
            for key, value in r.labels.items():
                argv += ["--label", f"{key}={value}"]
            if r.target:
                argv += ["--target", r.target]
            for secret_id, source in r.secrets:
                argv += ["--secret", f"id={secret_id},src={source}"]
            for key, value in r.build_args:
                argv += ["--build-arg", f"{key}={value}"]
            if r.no_cache:
                argv.append("--no-cache")
            argv.append(str(r.context))
            with contextlib.ExitStack() as turn:
                if builder.kind == "buildkit":
                    turn.enter_context(_buildkit_turn(r.progress))
                return self._run_build_cli(argv, r, iidfile, builder)

    def _run_build_cli(self, argv: list[str], r: BuildRequest, iidfile: Path,
                       builder: Builder) -> BuildOutcome:
        start = time.perf_counter()
        proc = subprocess.Popen(
            argv,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "DOCKER_BUILDKIT": "1"},
            start_new_session=True,
            errors="replace",
        )
        timer = threading.Timer(r.timeout, _kill_group, args=(proc,))
        timer.start()
        lines = buildlog.LogBuffer()
        try:
            assert proc.stdout is not None
            for line in proc.stdout:
                lines.add(line)
                header = buildlog.buildkit_step_header(line)
                if header and r.progress:
                    r.progress(header)
            code = proc.wait()
        except BaseException:
            # Ctrl-C or SIGTERM: the CLI runs in its own session, so it would outlive us and
            # the build would go on. Killing it makes BuildKit cancel the build.
            _kill_group(proc)
            proc.wait()
            raise
        finally:
            timer.cancel()
        seconds = time.perf_counter() - start
        if seconds >= r.timeout:
            raise r.timed_out()
        log = lines.text()
        steps = tuple(buildlog.parse_buildkit(log))
        if code == 0 and iidfile.exists():
            return BuildOutcome(iidfile.read_text().strip(), log, steps, seconds, builder)
        return self._failed(log, list(steps), seconds, builder, r.dockerfile)

    def _build_legacy(self, r: BuildRequest) -> BuildOutcome:
        builder = Builder("legacy")
        if r.secrets:
            raise NeedsBuildKit(
                f"this build needs the secret {', '.join(i for i, _ in r.secrets)}, and only BuildKit "
                "can pass a build secret (--secret); the legacy builder is the one here",
                path=r.dockerfile,
                hint="install docker buildx (or use a Docker CLI before 23.0, which has BuildKit built in)",
            )
        api = docker.APIClient(timeout=int(r.timeout), **docker.utils.kwargs_from_env())
        # Closing the connection makes the engine cancel the build and remove its
        # intermediate container (forcerm), which is how a timeout stops a legacy build.
        timer = threading.Timer(r.timeout, api.close)
        lines = buildlog.LogBuffer()
        image_id: str | None = None
        error: str | None = None
        start = time.perf_counter()
        timer.start()
        try:
            stream = api.build(
                path=str(r.context),
                dockerfile=str(r.dockerfile.resolve()),
                tag=r.tag,
                target=r.target,
                network_mode=r.network,
                labels=r.labels,
                buildargs=dict(r.build_args) or None,
                nocache=r.no_cache,
                rm=True,
                forcerm=True,
                decode=True,
            )
            for chunk in stream:
                if "stream" in chunk:
                    text = chunk["stream"]
                    lines.add(text)
                    if r.progress and text.startswith("Step "):
                        r.progress(text.strip())
                elif "aux" in chunk and "ID" in chunk["aux"]:
                    image_id = chunk["aux"]["ID"]
                elif "error" in chunk:
                    error = chunk["error"].strip()
                    lines.add(f"ERROR: {error}\n")
        except TRANSPORT_ERRORS as e:
            if time.perf_counter() - start >= r.timeout:
                raise r.timed_out() from e
            if isinstance(e, docker.errors.APIError) and e.status_code and e.status_code < 500:
                error = _short(e)
                lines.add(f"ERROR: {error}\n")
            else:
                raise EngineUnavailable(
                    f"the engine failed during the build: {_short(e)}", path=r.dockerfile, hint=ENGINE_HINT
                ) from e
        finally:
            timer.cancel()
            api.close()
        seconds = time.perf_counter() - start
        log = lines.text()
        steps = tuple(buildlog.parse_legacy(log))
        if error is None and image_id:
            self.client.api.tag(image_id, *_split_tag(r.tag))
            fresh = tuple(buildlog.legacy_fresh_images(log))
            return BuildOutcome(image_id, log, steps, seconds, builder, fresh_images=fresh)
        return self._failed(log, list(steps), seconds, builder, r.dockerfile)

    def _failed(
        self, log: str, steps: list[BuildStep], seconds: float, builder: Builder, dockerfile: Path
    ) -> BuildOutcome:
        """Sort a failed build into the student's mistake (an outcome) or ungradable (raise)."""
        if not self._answers():
            raise EngineUnavailable("the engine went away during the build", path=dockerfile,
                                    hint=ENGINE_HINT + "; then run `nox -s clean`")
        parse_error = buildlog.parse_error_line(log)
        if parse_error:
            line, message = parse_error
            raise BuildFailed(
                f"the builder cannot parse the Dockerfile: {message}",
                log,
                path=dockerfile,
                line=line,
                hint="fix the syntax on that line",
            )
        summary = buildlog.error_summary(log)
        lowered = log.lower()
        if _looks_like_disk_full(lowered):
            raise CheckError(
                "the build stopped because the disk is full",
                path=dockerfile,
                hint="free space, then run `nox -s clean` and `docker system prune`",
            )
        if any(
            s in lowered
            for s in (
                "pull access denied",
                "failed to resolve source metadata",
                "manifest unknown",
                "no such host",
                "failed to do request",
                "repository does not exist",
            )
        ):
            raise ImageUnavailable(
                f"a base image is not available: {summary}",
                path=dockerfile,
                hint="use an image from the lab's catalog (see lab.toml), or run `nox -s images`",
            )
        if "cannot connect to the docker daemon" in lowered or "connection refused" in lowered:
            raise EngineUnavailable(
                "the engine went away during the build", path=dockerfile, hint=ENGINE_HINT
            )
        failed = buildlog.failing_step(steps, log)
        return BuildOutcome(None, log, tuple(steps), seconds, builder, failed, summary)
