"""Lab 04 marking scheme: each goal, its points, and the hint a student sees on failure."""

from checks.goals import build, goal, lifecycle, runtime

# The grader stops the container with this grace period (docker stop -t 10, the default),
# long enough that a SIGKILL at its end is unmistakable next to a 2 s budget.
GRACE_S = 10.0

RUBRIC = {
    "server": [
        goal("builds", "The image builds", 1, build.succeeds(),
             hint="read the failing step in the log above; the line number points at it"),
        goal("serves", "Answers HTTP 200 on / within 5 s", 1, runtime.http_ok("/", within_s=5),
             hint="start the server with CMD; it listens on port 8080"),
        goal("stops", "Stops within 2 s of SIGTERM, with exit code 0", 3,
             lifecycle.stops_on_sigterm(max_s=2.0, grace_s=GRACE_S, path="/healthz"),
             hint="with the shell form, /bin/sh is PID 1 and the SIGTERM never reaches python: "
                  "write CMD as a JSON array",
             more='CMD ["python", "server.py"] makes python PID 1; server.py already handles '
                  "SIGTERM and exits 0"),
        goal("healthcheck", "The image declares a HEALTHCHECK", 1, lifecycle.healthcheck_declared(),
             hint="add a HEALTHCHECK instruction that runs probe.py inside the container",
             more='HEALTHCHECK CMD ["python", "-B", "/app/probe.py"]'),
        goal("healthy", "The container is healthy within 10 s", 2,
             lifecycle.becomes_healthy(within_s=10.0, grace_s=GRACE_S, path="/healthz"),
             hint="the first probe runs one --interval after the start, 30 s unless you set it; "
                  "and the probe must work inside the sandbox (loopback only, read-only root)",
             more="HEALTHCHECK --interval=2s --timeout=3s --start-period=5s --retries=3 "
                  'CMD ["python", "-B", "/app/probe.py"]'),
    ],
}
