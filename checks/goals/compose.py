"""Compose goals: a student's compose.yaml, as written, as Compose renders it, and as it runs.

Three views, each used where it is the honest one:
- the file as written (PyYAML), for what the student typed: a literal value in
  ``environment:`` is visible only there, since ``config`` also folds ``env_file:`` in;
- ``<compose> config`` (PyYAML again), for what Compose understood: short and long syntax
  come out the same, and a file Compose rejects fails here first;
- the running project (``up -d``), found by Compose's labels, for what the engine did.
"""

from __future__ import annotations

import fnmatch
import re
import time
from typing import TYPE_CHECKING, Any

import yaml

from checks.errors import CheckError
from checks.goals import Check, Verdict
from checks.goals.script import LOOPBACK, describe_bindings, loopback_port, published, scripted

if TYPE_CHECKING:
    from checks.scripted import ScriptSubject

UP = ("up", "-d")
CONFIG = ("config",)
SERVICE_LABEL = "com.docker.compose.service"
# Names that say "this value is a secret". A *_FILE variable holds a path, which is not.
SECRET_NAME = re.compile(r"(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL)", re.I)


# -- pure helpers (unit-tested without an engine) -------------------------------------------------

def load_yaml(text: str, path: str) -> dict[str, Any]:
    """A compose document as a mapping; a syntax error names the file and the line."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise CheckError(f"{path} is not valid YAML: {problem}", path=path,
                         line=mark.line + 1 if mark is not None else None,
                         hint="check the indentation on that line: YAML nests by spaces, never tabs") from e
    if not isinstance(data, dict) or not isinstance(data.get("services"), dict):
        raise CheckError(f"{path} has no services: mapping at its top level", path=path,
                         hint="a compose file starts with `services:` and one entry per service")
    return data


def environment(service: dict[str, Any]) -> dict[str, str | None]:
    """A service's ``environment:``, in either of its two spellings (mapping or KEY=VALUE list)."""
    env = service.get("environment") or {}
    if isinstance(env, dict):
        return {str(k): None if v is None else str(v) for k, v in env.items()}
    pairs: dict[str, str | None] = {}
    for item in env:
        key, sep, value = str(item).partition("=")
        pairs[key] = value if sep else None
    return pairs


def plain_secrets(data: dict[str, Any]) -> list[str]:
    """``service.KEY`` for each secret-named variable given a literal value in ``environment:``.

    A value taken from the shell or an uncommitted .env file (``${VAR}``), or no value at
    all (passed through from the shell), is not written in the file, so it is not listed.
    """
    found = []
    for name, service in (data.get("services") or {}).items():
        for key, value in environment(service or {}).items():
            if not SECRET_NAME.search(key) or key.upper().endswith("_FILE"):
                continue
            if value is None or value == "" or re.fullmatch(r"\$\{?[A-Za-z_][A-Za-z0-9_]*[^}]*\}?", value):
                continue
            found.append(f"{name}.environment.{key}")
    return found


def volume_mounts(service: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(type, source, target) of each volume line: `src:dst[:mode]` or the long syntax."""
    mounts = []
    for entry in service.get("volumes") or []:
        if isinstance(entry, dict):
            mounts.append((str(entry.get("type", "volume")), str(entry.get("source") or ""),
                           str(entry.get("target") or "")))
            continue
        parts = str(entry).split(":")
        if len(parts) == 1:
            mounts.append(("volume", "", parts[0]))  # an anonymous volume
        else:
            source = parts[0]
            kind = "bind" if source.startswith(("/", ".", "~")) else "volume"
            mounts.append((kind, source, parts[1]))
    return mounts


def depends_condition(service: dict[str, Any], on: str) -> str | None:
    """The condition a service waits for on ``on``: None when it does not depend on it."""
    depends = service.get("depends_on") or {}
    if isinstance(depends, list):
        return "service_started" if on in depends else None
    if on not in depends:
        return None
    return str((depends[on] or {}).get("condition", "service_started"))


def healthcheck_test(service: dict[str, Any]) -> list[str] | str | None:
    """The healthcheck's test, or None when there is none or it is disabled."""
    check = service.get("healthcheck")
    if not isinstance(check, dict) or check.get("disable"):
        return None
    test = check.get("test")
    if not test or (isinstance(test, list) and test[0] == "NONE"):
        return None
    return test  # type: ignore[no-any-return]


def ignored_by(patterns: list[str], relative: str) -> bool:
    """Whether a .gitignore with these lines ignores the file at ``relative`` (simple rules)."""
    name = relative.removeprefix("./")
    rules = [p.strip() for p in patterns if p.strip() and not p.startswith("#")]
    return any(fnmatch.fnmatch(name, r.lstrip("/")) or fnmatch.fnmatch(name.rsplit("/", 1)[-1], r)
               for r in rules if not r.startswith("!"))


# -- the three views ----------------------------------------------------------------------------

def written(subject: ScriptSubject) -> dict[str, Any]:
    return load_yaml(subject.file.read_text(encoding="utf-8", errors="replace"), str(subject.file))


def rendered(subject: ScriptSubject, verdict: Verdict) -> dict[str, Any] | None:
    """What ``config`` prints, parsed; None (and a failure) when Compose rejects the file."""
    result = subject.run(*CONFIG, separate_stderr=True)
    if result.exit_code != 0:
        said = (result.errors or result.output).strip().splitlines()
        verdict.failures.append(f"expected `config` to accept the file, got exit code {result.exit_code}"
                                + (f": {said[-1]}" if said else ""))
        return None
    return load_yaml(result.output, f"the output of `{' '.join(subject.command(*CONFIG))}`")


def _service(data: dict[str, Any], name: str, verdict: Verdict) -> dict[str, Any] | None:
    service = (data.get("services") or {}).get(name)
    verdict.expect(isinstance(service, dict), f"a service named {name}",
                   f"services {sorted(data.get('services') or {})}")
    return service if isinstance(service, dict) else None


def _container(subject: ScriptSubject, name: str, verdict: Verdict) -> dict[str, Any] | None:
    subject.run(*UP)
    for container in subject.objects().containers:
        if ((container.get("Config") or {}).get("Labels") or {}).get(SERVICE_LABEL) == name:
            return container
    result = subject.run(*UP)
    got = "none" if result.exit_code == 0 else f"none (`up -d` exited {result.exit_code})"
    verdict.expect(False, f"a running container of service {name}", got)
    if result.exit_code != 0 and result.output.strip():
        verdict.notes.append("`up -d` printed:\n" + result.output.rstrip()[-2000:])
    return None


# -- goal kinds ----------------------------------------------------------------------------------

def config_valid() -> Check:
    """``<compose> config`` accepts the file (it validates against Compose's schema)."""

    def run(subject: ScriptSubject) -> Verdict:
        verdict = Verdict()
        written(subject)  # a YAML syntax error stops grading with its line number
        data = rendered(subject, verdict)
        if data is not None:
            verdict.measured["services"] = sorted(data["services"])
        return verdict

    return scripted(run)


def healthy(service: str, within_s: float = 30) -> Check:
    """``service`` declares a healthcheck, and once up its container reports ``healthy``."""

    def run(subject: ScriptSubject) -> Verdict:
        verdict = Verdict()
        data = rendered(subject, verdict)
        declared = _service(data, service, verdict) if data else None
        if data is None or declared is None:
            return verdict
        test = healthcheck_test(declared)
        verdict.expect(test is not None, f"a healthcheck on {service}", "none")
        if test is None:
            return verdict
        verdict.measured["test"] = test
        container = _container(subject, service, verdict)
        if container is None:
            return verdict
        start, status = time.monotonic(), "none"
        while True:
            state = (subject.container(container["Id"]) or {}).get("State") or {}
            status = (state.get("Health") or {}).get("Status") or "none"
            if status == "healthy" or time.monotonic() - start > within_s or not state.get("Running"):
                break
            time.sleep(0.5)
        verdict.expect(status == "healthy", f"{service} healthy within {within_s:g} s", status)
        return verdict

    return scripted(run)


def waits_until_healthy(on: str, *dependants: str) -> Check:
    """Each dependant has ``depends_on: {on: {condition: service_healthy}}``."""

    def run(subject: ScriptSubject) -> Verdict:
        verdict = Verdict()
        data = rendered(subject, verdict)
        if data is None:
            return verdict
        for name in dependants:
            service = _service(data, name, verdict)
            if service is None:
                continue
            condition = depends_condition(service, on)
            verdict.expect(condition == "service_healthy",
                           f"{name} to depend on {on} with condition: service_healthy",
                           "no depends_on" if condition is None else f"condition: {condition}")
        return verdict

    return scripted(run)


def named_volume(service: str, target: str) -> Check:
    """``service`` mounts a named volume (declared under top-level ``volumes:``) at ``target``,
    and the running container has the project's volume there, not an anonymous one."""

    def run(subject: ScriptSubject) -> Verdict:
        verdict = Verdict()
        data = rendered(subject, verdict)
        declared = _service(data, service, verdict) if data else None
        if data is None or declared is None:
            return verdict
        mounts = volume_mounts(declared)
        at_target = [m for m in mounts if m[2] == target]
        top = sorted(data.get("volumes") or {})
        named = [m for m in at_target if m[0] == "volume" and m[1] in top]
        got = (", ".join(f"{kind} {source or '(anonymous)'}" for kind, source, _ in at_target)
               or "nothing mounted there")
        verdict.expect(bool(named), f"a named volume from top-level volumes: ({', '.join(top) or 'none'}) "
                       f"mounted at {service}:{target}", got)
        if not named:
            return verdict
        container = _container(subject, service, verdict)
        if container is None:
            return verdict
        ours = {v["Name"] for v in subject.objects().volumes}
        mount = next((m for m in container.get("Mounts") or [] if m.get("Destination") == target), None)
        got_mount = f"{mount.get('Type')} {mount.get('Name') or mount.get('Source')}" if mount else "nothing"
        verdict.expect(bool(mount) and mount.get("Type") == "volume" and mount.get("Name") in ours,
                       f"the project's own volume mounted at {target}", got_mount)
        verdict.measured["volume"] = mount.get("Name") if mount else None
        return verdict

    return scripted(run)


def answers_on_loopback(service: str, port: int, path: str = "/", *, within_s: float = 20,
                        expect_in_body: str = "") -> Check:
    """``service`` publishes ``port`` on 127.0.0.1 only, and from the host GET ``path`` there
    answers HTTP 200 within ``within_s`` seconds."""

    def run(subject: ScriptSubject) -> Verdict:
        verdict = Verdict()
        container = _container(subject, service, verdict)
        if container is None:
            return verdict
        bindings = published(container)
        wide = [b for b in bindings if b[1] != LOOPBACK]
        verdict.expect(not wide, f"{service}'s ports published on {LOOPBACK} only", describe_bindings(wide))
        host_port = loopback_port(container, port)
        verdict.expect(host_port is not None, f"{port}/tcp of {service} published on {LOOPBACK}",
                       describe_bindings(bindings))
        if host_port is None:
            return verdict
        answer = subject.fetch(host_port, path, within_s)
        verdict.measured.update(status=answer.status, seconds=round(answer.seconds, 2))
        got = f"HTTP {answer.status}" if answer.status else f"no answer ({answer.problem or 'timed out'})"
        if answer.status and answer.status != 200 and answer.body.strip():
            got += f": {answer.body.strip()[:200]}"
        verdict.expect(answer.status == 200, f"HTTP 200 on http://{LOOPBACK}:{host_port}{path} "
                       f"within {within_s:g} s", got)
        if answer.status == 200 and expect_in_body:
            verdict.expect(expect_in_body in answer.body, f"an answer containing {expect_in_body!r}",
                           repr(answer.body.strip()[:200]))
        return verdict

    return scripted(run)


def secrets_not_in_environment(receiver: str) -> Check:
    """No secret-named variable has a literal value in any ``environment:``; ``receiver`` gets
    its secret through ``secrets:`` or ``env_file:``; and every file those name is ignored by
    the .gitignore beside compose.yaml, so it is never committed."""

    def run(subject: ScriptSubject) -> Verdict:
        verdict = Verdict()
        data = written(subject)
        leaks = plain_secrets(data)
        verdict.expect(not leaks, "no secret written in environment:", ", ".join(leaks))
        service = _service(data, receiver, verdict)
        if service is None:
            return verdict
        verdict.expect(bool(service.get("secrets") or service.get("env_file")),
                       f"{receiver} to get its secret through secrets: or env_file:", "neither")
        files = [str(s.get("file")) for s in (data.get("secrets") or {}).values()
                 if isinstance(s, dict) and s.get("file")]
        for svc in data["services"].values():
            env_file = (svc or {}).get("env_file") or []
            files += [env_file] if isinstance(env_file, str) else [str(f) for f in env_file]
        gitignore = subject.workdir / ".gitignore"
        patterns = gitignore.read_text().splitlines() if gitignore.is_file() else []
        unignored = [f for f in files if not ignored_by(patterns, f)]
        verdict.expect(not unignored, "every secret file listed in .gitignore", ", ".join(unignored))
        return verdict

    return scripted(run)
