"""Script goals: what a student's run script (``run.sh up`` / ``down``) made on the engine.

The grader runs the script once per argument list with ``$LBL_PREFIX`` set to a prefix unique
to the run (see ``checks/scripted.py``). A container the rubric calls ``api`` is the one named
``$LBL_PREFIX-api``. Every check reads ``docker inspect`` of what is there, so it says what the
script did, whatever commands it used to do it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from checks.goals import Check, Subject, Verdict

if TYPE_CHECKING:
    from checks.engine import ScriptResult
    from checks.scripted import ScriptSubject

LOOPBACK = "127.0.0.1"
# Networks every engine has: joining one of these is not "a network of their own".
BUILTIN_NETWORKS = {"bridge", "host", "none", "default"}
# Our app images are Python: resolve a name the way the app itself would.
RESOLVE = ["python", "-c", "import socket, sys; print(socket.gethostbyname(sys.argv[1]))"]


def scripted(run: Callable[[ScriptSubject], Verdict]) -> Check:
    """A check that needs no image built by the grader: the student's file made everything."""
    return Check(cast("Callable[[Subject], Verdict]", run), needs_image=False)


# -- pure helpers (unit-tested without an engine) -------------------------------------------------

def published(container: dict[str, Any]) -> list[tuple[str, str, str]]:
    """Every (container port, host address, host port) the container asked for or got.

    Both what was asked (``HostConfig.PortBindings``) and what the engine did
    (``NetworkSettings.Ports``) count: on an engine without a default bridge, a port asked
    for by a container with no network is recorded but never opened, and it still says
    what the script meant. ``-P`` publishes every exposed port on every address.
    """
    found: set[tuple[str, str, str]] = set()
    asked = (container.get("HostConfig") or {}).get("PortBindings") or {}
    got = (container.get("NetworkSettings") or {}).get("Ports") or {}
    opened = {(port, b.get("HostIp") or "0.0.0.0") for port, bindings in got.items() for b in bindings or []}
    for table in (got, asked):
        for port, bindings in table.items():
            for binding in bindings or []:
                ip = binding.get("HostIp") or "0.0.0.0"
                if table is asked and (port, ip) in opened:
                    continue  # asked for and opened: the opened one says more (its host port)
                found.add((port, ip, binding.get("HostPort") or ""))
    if (container.get("HostConfig") or {}).get("PublishAllPorts"):
        for port in (container.get("Config") or {}).get("ExposedPorts") or {}:
            if not any(p == port for p, _, _ in found):
                found.add((port, "0.0.0.0", ""))
    return sorted(found)


def loopback_port(container: dict[str, Any], port: int) -> int | None:
    """The host port the engine opened on 127.0.0.1 for ``port``/tcp, if any."""
    for binding in ((container.get("NetworkSettings") or {}).get("Ports") or {}).get(f"{port}/tcp") or []:
        if binding.get("HostIp") == LOOPBACK and str(binding.get("HostPort") or "").isdigit():
            return int(binding["HostPort"])
    return None


def user_networks(container: dict[str, Any]) -> dict[str, list[str]]:
    """The user-defined networks a container is on, each with the addresses it has there."""
    networks = (container.get("NetworkSettings") or {}).get("Networks") or {}
    return {
        name: [a for a in (info.get("IPAddress"), info.get("GlobalIPv6Address")) if a]
        for name, info in networks.items()
        if name not in BUILTIN_NETWORKS and info.get("IPAddress")
    }


def describe_bindings(bindings: list[tuple[str, str, str]]) -> str:
    if not bindings:
        return "nothing published"
    return ", ".join(f"{ip}:{host or '(any)'}->{port}" for port, ip, host in bindings)


# -- what the run left ---------------------------------------------------------------------------

def _name(container: dict[str, Any]) -> str:
    return str(container.get("Name", "")).lstrip("/")


def containers_by_role(subject: ScriptSubject) -> dict[str, dict[str, Any]]:
    """The containers the run created, keyed by the part of the name after the prefix."""
    prefix = f"{subject.prefix}-"
    return {_name(c).removeprefix(prefix): c for c in subject.objects().containers
            if _name(c).startswith(prefix)}


def started(subject: ScriptSubject, verdict: Verdict, *args: str) -> ScriptResult:
    """Run ``up`` (once for all goals); when it fails, say so and show its last lines."""
    result = subject.run(*args)
    shown = " ".join(args)
    if result.exit_code is None:
        verdict.failures.append(f"expected `{shown}` to finish, got still running after "
                                f"{result.seconds:.0f} s")
    elif result.exit_code != 0:
        verdict.failures.append(f"expected `{shown}` to exit 0, got exit code {result.exit_code}")
    if result.exit_code != 0 and result.output.strip():
        verdict.notes.append(f"`{shown}` printed:\n" + result.output.rstrip()[-2000:])
    return result


def _role(subject: ScriptSubject, verdict: Verdict, role: str) -> dict[str, Any] | None:
    found = containers_by_role(subject).get(role)
    verdict.expect(found is not None, f"a container named $LBL_PREFIX-{role}",
                   f"none (the run made: {', '.join(subject.objects().describe()) or 'nothing'})")
    return found


# -- goal kinds ----------------------------------------------------------------------------------

def starts(*roles: str, up: tuple[str, ...] = ("up",)) -> Check:
    """``run.sh up`` exits 0 and leaves a running container ``$LBL_PREFIX-<role>`` for each role."""

    def run(subject: ScriptSubject) -> Verdict:
        verdict = Verdict()
        result = started(subject, verdict, *up)
        verdict.measured["up_seconds"] = round(result.seconds, 2)
        for role in roles:
            found = _role(subject, verdict, role)
            if found is not None:
                state = found.get("State") or {}
                verdict.expect(bool(state.get("Running")), f"$LBL_PREFIX-{role} running",
                               f"{state.get('Status')} (exit code {state.get('ExitCode')})")
        return verdict

    return scripted(run)


def resolve_each_other(first: str, second: str, *, up: tuple[str, ...] = ("up",)) -> Check:
    """The two containers share a user-defined network, and each resolves the other's
    container name to the other's address there (Docker's embedded DNS)."""

    def run(subject: ScriptSubject) -> Verdict:
        verdict = Verdict()
        subject.run(*up)  # `starts` reports a failed up; the other goals say what is missing
        pair = [_role(subject, verdict, first), _role(subject, verdict, second)]
        if None in pair:
            return verdict
        a, b = cast("list[dict[str, Any]]", pair)
        nets_a, nets_b = user_networks(a), user_networks(b)
        shared = sorted(set(nets_a) & set(nets_b))
        verdict.measured["shared_networks"] = shared
        verdict.expect(bool(shared), f"{first} and {second} on one user-defined network",
                       f"{first} on {sorted(nets_a) or 'none'}, {second} on {sorted(nets_b) or 'none'}")
        if not shared:
            return verdict
        for asker, target in ((a, b), (b, a)):
            addresses = {ip for net in shared for ip in user_networks(target)[net]}
            result = subject.exec_in(_name(asker), [*RESOLVE, _name(target)])
            answer = result.output.strip().splitlines()[-1] if result.output.strip() else ""
            got = answer if result.exit_code == 0 else f"no answer ({answer or 'it did not resolve'})"
            verdict.expect(result.exit_code == 0 and answer in addresses,
                           f"{_name(asker)} to resolve {_name(target)} to {' or '.join(sorted(addresses))}",
                           got)
        return verdict

    return scripted(run)


def answers_on_loopback(role: str, port: int, path: str = "/", *, within_s: float = 10,
                        expect_in_body: str = "", up: tuple[str, ...] = ("up",)) -> Check:
    """``role``'s ``port`` is published on 127.0.0.1, and from the host, GET ``path`` there
    answers HTTP 200 within ``within_s`` seconds (with ``expect_in_body`` in its body)."""

    def run(subject: ScriptSubject) -> Verdict:
        verdict = Verdict()
        subject.run(*up)
        container = _role(subject, verdict, role)
        if container is None:
            return verdict
        host_port = loopback_port(container, port)
        verdict.expect(host_port is not None, f"{port}/tcp of $LBL_PREFIX-{role} published on {LOOPBACK}",
                       describe_bindings(published(container)))
        if host_port is None:
            return verdict
        answer = subject.fetch(host_port, path, within_s)
        verdict.measured.update(status=answer.status, seconds=round(answer.seconds, 2), host_port=host_port)
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


def publishes_only_on_loopback(role: str, port: int, *, up: tuple[str, ...] = ("up",)) -> Check:
    """``role`` publishes ``port``/tcp and nothing else, and only on 127.0.0.1."""

    def run(subject: ScriptSubject) -> Verdict:
        verdict = Verdict()
        subject.run(*up)
        container = _role(subject, verdict, role)
        if container is None:
            return verdict
        bindings = published(container)
        verdict.measured["published"] = describe_bindings(bindings)
        others = [b for b in bindings if b[0] != f"{port}/tcp"]
        verdict.expect(not others, f"only {port}/tcp of $LBL_PREFIX-{role} published",
                       describe_bindings(others) + " as well")
        exposed = [b for b in bindings if b[1] != LOOPBACK]
        verdict.expect(not exposed, f"every published port of $LBL_PREFIX-{role} bound to {LOOPBACK}",
                       describe_bindings(exposed) + " (every address of the host: anyone on the network "
                       "can connect)")
        verdict.expect(any(b[0] == f"{port}/tcp" for b in bindings), f"{port}/tcp published on {LOOPBACK}",
                       "nothing published for it")
        return verdict

    return scripted(run)


def publishes_nothing(role: str, *, up: tuple[str, ...] = ("up",)) -> Check:
    """``role`` has no published port: only containers on its networks reach it."""

    def run(subject: ScriptSubject) -> Verdict:
        verdict = Verdict()
        subject.run(*up)
        container = _role(subject, verdict, role)
        if container is None:
            return verdict
        bindings = published(container)
        verdict.measured["published"] = describe_bindings(bindings)
        verdict.expect(not bindings, f"no published port on $LBL_PREFIX-{role}", describe_bindings(bindings))
        return verdict

    return scripted(run)


def down_leaves_nothing(*down: str, up: tuple[str, ...] = ("up",)) -> Check:
    """After ``up``, the file's own ``down`` (not the grader's cleanup) exits 0 and leaves no
    container, network, volume or image of the run behind. Declare it last: it ends the run."""

    def run(subject: ScriptSubject) -> Verdict:
        verdict = Verdict()
        subject.run(*up)
        before = subject.objects().describe()
        result = subject.run(*down)
        shown = " ".join(down)
        verdict.measured["down_seconds"] = round(result.seconds, 2)
        verdict.expect(result.exit_code == 0, f"`{shown}` to exit 0",
                       "still running" if result.exit_code is None else f"exit code {result.exit_code}")
        left = subject.objects().describe()
        verdict.measured["left"] = left
        verdict.expect(not left, f"nothing of the run left after `{shown}`", ", ".join(left))
        verdict.expect(bool(before), f"`{' '.join(up)}` to create something for `{shown}` to remove",
                       "nothing")
        if result.exit_code != 0 and result.output.strip():
            verdict.notes.append(f"`{shown}` printed:\n" + result.output.rstrip()[-2000:])
        return verdict

    return scripted(run)
