"""Registry goals (lab 09): the student's script pushes the lab-08 image to the course's
own registry on 127.0.0.1, and these goals read what arrived there.

Before the script's one run, the grader builds the lab-08 `go` solution, starts a
registry:2 (with htpasswd auth when asked) on a free loopback port, and hands the script
what a CI job would: ``LBL_IMAGE``, ``LBL_REGISTRY``, ``SOURCE_REVISION`` and, for auth,
``LBL_REGISTRY_USER`` and ``LBL_REGISTRY_PASSWORD_FILE``. ``DOCKER_CONFIG`` points into a
temporary folder, so a `docker login` never touches the student's own credentials.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

import bcrypt

from checks import lab
from checks.errors import CheckError
from checks.goals import Check, Verdict
from checks.registry import Registry
from checks.scripted import ScriptSubject

REGISTRY_IMAGE = "registry:2"
REPOSITORY = "greeter"  # where the README tells the student to push
SEMVER = re.compile(r"^v?\d+\.\d+\.\d+$")
PULLED = re.compile(r"^pulled (\S+@sha256:[0-9a-f]{64})\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Setup:
    registry: Registry
    image: str
    revision: str
    version: str
    docker_config: Path


def prepare(subject: ScriptSubject, auth: bool) -> Setup:
    """Build the lab-08 image and start the registry, once per exercise graded."""
    if "registry" in subject.prepared:
        return subject.prepared["registry"]  # type: ignore[return-value]
    engine = subject.engine
    go = lab.find("08").exercise("go")
    image = f"lbl/09-greeter:{engine.run_id}"
    if subject.progress:
        subject.progress("building the lab-08 image to push")
    built = engine.build(go.context, go.solution, image, network=go.build_network, progress=subject.progress)
    if built.image_id is None:
        raise CheckError(f"the lab-08 image to push did not build: {built.error}", path=go.solution)
    private = Path(tempfile.mkdtemp(prefix=f"lbl-{engine.run_id}-secrets-"))
    subject.on_cleanup.append(lambda: shutil.rmtree(private, ignore_errors=True))
    user = password = None
    htpasswd = None
    if auth:
        user, password = "student", secrets.token_urlsafe(18)
        htpasswd = private / "auth" / "htpasswd"
        htpasswd.parent.mkdir()
        hashed = bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=10)).decode()
        htpasswd.write_text(f"{user}:{hashed}\n")
        (private / "registry-password").write_text(password)
        subject.env.update(LBL_REGISTRY_USER=user,
                           LBL_REGISTRY_PASSWORD_FILE=str(private / "registry-password"))
    subject.on_cleanup.append(engine.stop_registry)
    address = engine.start_registry(REGISTRY_IMAGE, htpasswd)
    subject.on_cleanup.append(lambda: engine.remove_images_named(f"{address}/"))
    version_file = subject.workdir / "VERSION"
    setup = Setup(
        registry=Registry(address, user, password),
        image=image,
        revision=uuid.uuid4().hex + uuid.uuid4().hex[:8],  # 40 hex digits, like a git commit
        version=version_file.read_text().strip() if version_file.is_file() else "",
        docker_config=private / "docker-config",
    )
    subject.env.update(LBL_IMAGE=image, LBL_REGISTRY=address, SOURCE_REVISION=setup.revision,
                       DOCKER_CONFIG=str(setup.docker_config))
    subject.prepared["registry"] = setup
    return setup


def _pushed(subject: ScriptSubject, auth: bool, verdict: Verdict) -> Setup | None:
    """Prepare, run the script once, and say whether it got anything into the registry."""
    setup = prepare(subject, auth)
    result = subject.run()
    verdict.measured["script_seconds"] = round(result.seconds, 2)
    if result.exit_code != 0:
        got = "still running at its deadline" if result.exit_code is None else f"exit code {result.exit_code}"
        verdict.failures.append(f"expected run.sh to exit 0, got {got}")
        if not subject.prepared.get("output shown"):  # once per report, not under every goal
            subject.prepared["output shown"] = True
            verdict.notes.append("the script's last output lines:\n" + _tail(result.output, setup))
        return None
    tags = setup.registry.tags(REPOSITORY)
    verdict.measured["tags"] = tags
    verdict.expect(bool(tags), f"the image in the registry as {setup.registry.address}/{REPOSITORY}",
                   "no tags in that repository")
    return setup if tags else None


def pushes(auth: bool = False) -> Check:
    """The script exits 0 and the repository holds at least one tag."""

    def run(subject: ScriptSubject) -> Verdict:  # type: ignore[override]
        verdict = Verdict()
        _pushed(subject, auth, verdict)
        return verdict

    return Check(run, needs_image=False)  # type: ignore[arg-type]


def release_tags() -> Check:
    """The repository has the app's semantic version and a tag with the source revision,
    both naming the same manifest: not only ``latest``."""

    def run(subject: ScriptSubject) -> Verdict:  # type: ignore[override]
        verdict = Verdict()
        setup = _pushed(subject, False, verdict)
        if setup is None:
            return verdict
        tags = verdict.measured["tags"]
        semver = [t for t in tags if SEMVER.match(t)]
        verdict.expect(setup.version in {t.removeprefix("v") for t in semver},
                       f"a tag {setup.version} (the app's VERSION file)", ", ".join(tags))
        short = setup.revision[:7]
        by_revision = [t for t in tags if short in t]
        verdict.expect(bool(by_revision), f"a tag holding the source revision ({short}…)", ", ".join(tags))
        if semver and by_revision:
            digests = {setup.registry.digest(REPOSITORY, t) for t in (semver[0], by_revision[0])}
            verdict.expect(len(digests) == 1, f"{semver[0]} and {by_revision[0]} to name one image",
                           "two different digests")
        return verdict

    return Check(run, needs_image=False)  # type: ignore[arg-type]


def oci_labels() -> Check:
    """The pushed image's config says where it came from: version, revision and source."""

    def run(subject: ScriptSubject) -> Verdict:  # type: ignore[override]
        verdict = Verdict()
        setup = _pushed(subject, False, verdict)
        if setup is None:
            return verdict
        tag = verdict.measured["tags"][0]
        labels = setup.registry.config(REPOSITORY, tag).get("config", {}).get("Labels") or {}
        prefix = "org.opencontainers.image."
        for key, wanted in (("version", setup.version), ("revision", setup.revision)):
            got = labels.get(prefix + key)
            verdict.expect(got == wanted, f"{prefix}{key}={wanted}", repr(got) if got else "no such label")
        verdict.expect(bool(labels.get(prefix + "source")), f"a {prefix}source label", "none")
        return verdict

    return Check(run, needs_image=False)  # type: ignore[arg-type]


def pulled_by_digest() -> Check:
    """The script pulled the image back by its digest, prints ``pulled REF``, and that
    digest is the one the registry holds for the version tag."""

    def run(subject: ScriptSubject) -> Verdict:  # type: ignore[override]
        verdict = Verdict()
        setup = _pushed(subject, False, verdict)
        if setup is None:
            return verdict
        found = PULLED.findall(subject.run().output)
        if not found:
            verdict.failures.append(
                "expected a line `pulled REGISTRY/greeter@sha256:…` in the output, got none")
            return verdict
        reference = found[-1]
        verdict.measured["pulled"] = reference
        held = setup.registry.digest(REPOSITORY, setup.version) if setup.version else None
        verdict.expect(reference.endswith(f"@{held}"), f"the digest the registry holds for {setup.version} "
                       f"({held})", reference.rpartition("@")[2])
        verdict.expect(subject.engine.image_exists(reference), f"{reference} on this machine",
                       "no such image: was it pulled?")
        return verdict

    return Check(run, needs_image=False)  # type: ignore[arg-type]


def no_password_shown() -> Check:
    """The password is in neither the script, its output, nor the pushed image's config."""

    def run(subject: ScriptSubject) -> Verdict:  # type: ignore[override]
        verdict = Verdict()
        setup = prepare(subject, True)
        password = setup.registry.password or ""
        output = subject.run().output
        verdict.expect(password not in subject.file.read_text(errors="replace"),
                       "no password written in run.sh", "the password in the script")
        verdict.expect(password not in output, "no password in the script's output",
                       "the password in its output (set -x? echo?)")
        if verdict.failures:
            return verdict
        tags = setup.registry.tags(REPOSITORY)
        if tags:
            config = json.dumps(setup.registry.config(REPOSITORY, tags[0]))
            verdict.expect(password not in config, "no password in the image's config or history",
                           "the password in the pushed image")
        return verdict

    return Check(run, needs_image=False)  # type: ignore[arg-type]


def login_from_stdin() -> Check:
    """`docker login` reads the password from stdin, so no process list or shell trace shows it."""

    def run(subject: ScriptSubject) -> Verdict:  # type: ignore[override]
        verdict = Verdict()
        prepare(subject, True)
        text = subject.file.read_text(errors="replace")
        logins = [(n, line) for n, line in enumerate(text.splitlines(), 1)
                  if re.search(r"\bdocker\s+login\b", line) and not line.lstrip().startswith("#")]
        if not logins:
            verdict.failures.append("expected a `docker login` in run.sh, got none")
            return verdict
        for number, line in logins:
            verdict.expect("--password-stdin" in line, "docker login --password-stdin",
                           f"line {number}: {line.strip()[:80]}")
        warned = "--password via the CLI is insecure" in subject.run().output
        verdict.expect(not warned, "no warning from docker login", "its warning about --password")
        return verdict

    return Check(run, needs_image=False)  # type: ignore[arg-type]


def logged_out() -> Check:
    """After the script, the Docker config holds no credentials for the registry."""

    def run(subject: ScriptSubject) -> Verdict:  # type: ignore[override]
        verdict = Verdict()
        setup = prepare(subject, True)
        subject.run()
        config_file = setup.docker_config / "config.json"
        auths = json.loads(config_file.read_text()).get("auths", {}) if config_file.is_file() else {}
        verdict.expect(setup.registry.address not in auths,
                       "no stored login for the registry (docker logout)",
                       f"credentials for {setup.registry.address} left in the Docker config")
        return verdict

    return Check(run, needs_image=False)  # type: ignore[arg-type]


def _tail(output: str, setup: Setup) -> str:
    text = output.rstrip()[-1500:]
    if setup.registry.password:  # the grader never prints the secret it made
        text = text.replace(setup.registry.password, "********")
    return text
