"""Runtime goals: start the image in the sandbox and look at what it does."""

from __future__ import annotations

from checks.goals import Check, Subject, Verdict

_LOADER_SIGNS = ("exec format error", "no such file or directory", "not found")


def http_ok(path: str = "/", within_s: float = 5.0) -> Check:
    """The app answers HTTP 200 on ``path`` over loopback within ``within_s`` seconds."""

    def run(subject: Subject) -> Verdict:
        result = subject.probe(path, within_s)
        verdict = Verdict(measured={"status": result.status, "seconds": round(result.seconds, 2)})
        got = f"HTTP {result.status}" if result.status else "no answer"
        if result.problem:
            got += f" ({result.problem})"
        elif result.status is None and not result.app_running:
            got += f" (the app exited with code {result.app_exit_code})"
        verdict.expect(result.status == 200, f"HTTP 200 on {path} within {within_s:g} s", got)
        if verdict.failures and result.app_logs.strip():
            verdict.notes.append("the app's last log lines:\n" + result.app_logs.rstrip())
        if verdict.failures and any(s in (result.app_logs + result.problem).lower() for s in _LOADER_SIGNS):
            verdict.notes.append(
                "the binary could not start: a dynamically linked binary finds no C library on "
                "scratch or distroless/static; build it with CGO_ENABLED=0"
            )
        return verdict

    return Check(run)


def command_succeeds(argv: list[str], expect_in_output: str = "", timeout_s: float = 20) -> Check:
    """``argv`` run in the image (instead of its entrypoint) exits 0, printing ``expect_in_output``."""

    def run(subject: Subject) -> Verdict:
        result = subject.run_command(argv, timeout_s)
        shown = " ".join(argv)
        verdict = Verdict(measured={"exit_code": result.exit_code})
        if result.exit_code is None:
            verdict.failures.append(f"expected `{shown}` to finish within {timeout_s:g} s, got still running")
        else:
            verdict.expect(result.exit_code == 0, f"`{shown}` to exit 0", f"exit code {result.exit_code}")
        if expect_in_output and result.exit_code == 0:
            verdict.expect(expect_in_output in result.output, f"output containing {expect_in_output!r}",
                           repr(result.output.strip()[-200:]))
        if verdict.failures and result.output.strip():
            verdict.notes.append("its last output lines:\n" + result.output.rstrip())
        return verdict

    return Check(run)


def prints(expect_in_output: str, timeout_s: float = 20) -> Check:
    """The image's own command (its CMD/ENTRYPOINT, no arguments added) exits 0 within
    ``timeout_s`` and prints ``expect_in_output``."""

    def run(subject: Subject) -> Verdict:
        config = subject.image().config
        if not (config.get("Entrypoint") or config.get("Cmd")):
            return Verdict(failures=["expected the image to say what to run, got no CMD or ENTRYPOINT"])
        result = subject.run_command([], timeout_s)  # no argv: the image's own command runs
        verdict = Verdict(measured={"exit_code": result.exit_code})
        if result.exit_code is None:
            verdict.failures.append(
                f"expected the container to exit within {timeout_s:g} s, got still running")
        else:
            verdict.expect(result.exit_code == 0, "exit code 0", f"exit code {result.exit_code}")
        output = result.output.strip()
        verdict.expect(expect_in_output in result.output, f"output containing {expect_in_output!r}",
                       repr(output[-200:]) if output else "no output")
        if verdict.failures and output:
            verdict.notes.append("its last output lines:\n" + result.output.rstrip())
        return verdict

    return Check(run)


# What Engine.sandboxed applies to every container a runtime goal starts; a test in
# tests/test_lab10_engine.py reads it back from a running container's HostConfig.
SANDBOX = "read-only rootfs, cap-drop ALL, no-new-privileges"


def http_ok_hardened(path: str = "/", within_s: float = 5.0) -> Check:
    """``http_ok``, with the sandbox's restrictions stated in the report: the app answers
    although it cannot write its image, holds no capability and cannot gain privileges."""
    inner = http_ok(path, within_s)

    def run(subject: Subject) -> Verdict:
        verdict = inner.run(subject)
        verdict.measured["sandbox"] = SANDBOX
        return verdict

    return Check(run)
