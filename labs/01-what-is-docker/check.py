"""Lab 01 marking scheme: each goal, its points, and the hint a student sees on failure."""

from checks.goals import build, goal, image, runtime, static

GREETING = "Hello, Docker! This line comes from inside a container."
TITLE_LABEL = "org.opencontainers.image.title"

RUBRIC = {
    "first-image": [
        goal("builds", "The image builds", 1, build.succeeds(),
             hint="read the failing step in the log above; the line number points at it"),
        goal("greets", "The container prints the greeting and exits 0", 3,
             runtime.prints(GREETING),
             hint="COPY greet.sh into the image and make CMD run it with sh",
             more="COPY greet.sh /usr/local/bin/greet.sh, then CMD [\"sh\", \"/usr/local/bin/greet.sh\"]"),
        goal("exec-form", "CMD is written in exec form", 1, static.exec_form_command(),
             hint="write CMD as a JSON list, [\"program\", \"argument\"], not as a plain command line",
             more="shell form runs your command under /bin/sh -c; exec form starts it directly"),
        goal("title", "The image has an OCI title label", 1, image.label(TITLE_LABEL),
             hint=f"add LABEL {TITLE_LABEL}=\"...\" with a short name for the image",
             more="check it with docker image inspect -f '{{json .Config.Labels}}' IMAGE"),
    ],
}
