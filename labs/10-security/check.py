"""Lab 10 marking scheme: each goal, its points, and the hint a student sees on failure."""

from checks.goals import build, goal, image, lint, runtime, secrets

# The hadolint rules this lab grades: the mistakes chapter 10 is about.
# DL3002 last USER is root · DL3007 FROM ...:latest · DL3020 ADD for local files ·
# DL3025 shell-form CMD/ENTRYPOINT.
LINT_RULES = ("DL3002", "DL3007", "DL3020", "DL3025")

RUBRIC = {
    "harden": [
        goal("builds", "The image builds", 1, build.succeeds(),
             hint="read the failing step in the log above; the line number points at it"),
        goal("lint", f"hadolint reports none of {', '.join(LINT_RULES)}", 2, lint.hadolint_clean(*LINT_RULES),
             hint="each finding names its line: COPY instead of ADD, a non-root last USER, a pinned "
                  "tag, and CMD in exec form",
             more="ADD server.py fetch.py /app/ becomes COPY ...; USER root becomes USER 10001; "
                  "CMD python server.py becomes CMD [\"python\", \"server.py\"]"),
        goal("non-root", "Runs as a non-root user", 2, image.non_root_user(),
             hint="create a user with a fixed uid (useradd --system --uid 10001 ... app) and end "
                  "with USER 10001"),
        goal("no-token", "The build's token is in no layer, history entry or config field", 3,
             secrets.planted_token_absent("token.txt"),
             hint="a file deleted by a later step is still stored in the layer that added it: "
                  "never COPY token.txt into a stage that ships",
             more="use the token in a stage of its own (FROM python:3.11-slim AS fetch, COPY fetch.py "
                  "token.txt, RUN python fetch.py ...), then in the final stage "
                  "COPY --from=fetch only the vendor/ folder it wrote"),
        goal("no-setuid", "No setuid or setgid file in the final image", 2, image.no_setuid(),
             hint="the base image ships su, passwd, mount and others with the setuid bit: strip the "
                  "bits in the final stage",
             more="RUN find / -xdev -type f -perm /6000 -exec chmod a-s {} +"),
        goal("answers", "Answers HTTP 200 on / with a read-only root filesystem, --cap-drop ALL and "
             "no-new-privileges", 2, runtime.http_ok_hardened("/", within_s=5),
             hint="the root filesystem is read-only and only /tmp is writable: the app's log above "
                  "names the path it could not write",
             more="set ENV STATE_DIR=/tmp/greeter, so the server keeps its visit counter on the tmpfs"),
    ],
}
