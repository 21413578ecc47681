"""Lab 12 marking scheme: each goal, its points, and the hint a student sees on failure."""

from checks.goals import build, goal, production, runtime

# The labels the `image` exercise asks for: what it is, which release, which commit, and
# where its source lives. Others (created, licenses, description) are welcome, not graded.
LABELS = ("title", "version", "revision", "source")
MEMORY_MB = 64

BUILDS = goal("builds", "The image builds", 1, build.succeeds(),
              hint="read the failing step in the log above; the line number points at it")

RUBRIC = {
    "image": [
        BUILDS,
        goal("labels", "OCI labels: title, version, revision and source", 2,
             production.oci_labels(*LABELS),
             hint="add one LABEL instruction with org.opencontainers.image.title, .version, "
                  ".revision and .source",
             more="ARG VERSION=1.0.0 and ARG REVISION=unknown after the CMD, then LABEL "
                  'org.opencontainers.image.version="${VERSION}" '
                  'org.opencontainers.image.revision="${REVISION}" and so on, in the final stage'),
        goal("healthcheck", "A HEALTHCHECK that reports healthy", 2, production.healthcheck_healthy(),
             hint="this image has no curl and no wget; the server checks itself with "
                  "`python /app/server.py --check`",
             more='HEALTHCHECK --interval=30s --timeout=3s --start-period=5s --retries=3 '
                  'CMD ["python", "/app/server.py", "--check"]'),
        goal("pinned", "The base is pinned to an exact version or a digest", 2, production.pinned_bases(),
             hint="name the full release the stand-in provides (the report lists it): "
                  "python:3.11.2-slim, not python:3.11-slim",
             more="FROM python:3.11.2-slim; with a registry you would add @sha256:<digest> from "
                  "`docker image inspect -f '{{index .RepoDigests 0}}'` after a pull"),
        goal("serves", "Answers HTTP 200 on / within 5 s", 1, runtime.http_ok("/", within_s=5),
             hint='keep CMD ["python", "server.py"] in the WORKDIR where server.py is'),
    ],
    "runtime": [
        BUILDS,
        goal("init", "Exec form, with an init as PID 1 that reaps orphans", 3,
             production.init_reaps_orphans(orphans=5),
             hint="install tini (apt-get install -y --no-install-recommends tini) and make it the "
                  'exec-form ENTRYPOINT ["/usr/bin/tini", "--"], with CMD ["python", "server.py"]',
             more="a shell as PID 1 reaps, but passes no signal on; python as PID 1 passes signals "
                  "to itself, but never reaps the grader's orphans; tini does both"),
        goal("graceful", "docker stop ends it within 5 s, exit code 0", 2, production.graceful_stop(5),
             hint="the server shuts down cleanly on SIGTERM when it receives it: no shell may stand "
                  "between PID 1 and the server, so use exec form for ENTRYPOINT and CMD",
             more="with the shell form, /bin/sh is PID 1: the kernel drops SIGTERM for it, and "
                  "docker stop waits for SIGKILL"),
        goal("logs", "A request's log line goes to docker logs, not to a file", 2,
             production.logs_to_stdout(),
             hint="the server already logs to stdout; drop the `>> /var/log/shelf/access.log 2>&1` "
                  "redirect (and the folder it writes to)"),
        goal("memory", f"Serves /report under --memory {MEMORY_MB}m without an OOM kill", 2,
             production.survives_memory_limit(MEMORY_MB, "/report"),
             hint="the app sizes its page cache from the container's memory limit unless CACHE_MB "
                  "overrides it: remove the ENV CACHE_MB line (or set it well under the limit)",
             more=f"unset, the cache is a quarter of the limit: {MEMORY_MB // 4} MB under "
                  f"--memory {MEMORY_MB}m, which leaves the interpreter room"),
    ],
}
