"""Lab 03 marking scheme: each goal, its points, and the hint a student sees on failure."""

from pathlib import Path

from checks.goals import behaviour, build, goal, image, runtime, static

APP = Path(__file__).parent / "webapp" / "app"
# What must stay out of the image. .git and secrets.env are not in app/: the grader plants
# them in its copy of the context (lab.toml, [exercises.plant]). The tests are the app's own,
# matched by name so that no test file of the base image's Python can be mistaken for them.
KEPT_OUT = (
    (".git", ("**/.git", "**/.git/*")),
    ("secrets.env", ("**/secrets.env",)),
    ("tests/", tuple(f"**/tests/{p.name}" for p in sorted((APP / "tests").glob("test_*.py")))),
)

RUBRIC = {
    "webapp": [
        goal("builds", "The image builds", 1, build.succeeds(),
             hint="read the failing step in the log above; the line number points at it"),
        goal("workdir", "An absolute WORKDIR, and no `cd` in RUN or CMD", 1, static.workdir(),
             hint="add WORKDIR /app before the first COPY; later COPY, RUN and CMD then work "
                  "relative to it, and the container starts there",
             more="a `cd` lasts until its own RUN (or CMD) ends; with WORKDIR /app, write "
                  "COPY requirements.txt ./ and CMD [\"python\", \"server.py\"] with no cd at all"),
        goal("exec-form", "CMD in exec form", 1, static.exec_form_command(),
             hint="write CMD as a JSON array, CMD [\"python\", \"server.py\"], so that python is "
                  "PID 1 and docker stop's SIGTERM reaches it",
             more="in shell form Docker runs /bin/sh -c \"...\": sh becomes PID 1, ignores SIGTERM, "
                  "and docker stop waits 10 s before it kills everything"),
        goal("dependency-cached", "A source edit does not re-run pip install", 2,
             behaviour.dependency_step_cached("pip install", edit="server.py"),
             hint="COPY requirements.txt ./ and RUN pip install before COPY . .: a step is reused "
                  "only while everything it was built from is unchanged",
             more="after an edit to server.py, the first step that re-runs should be the COPY that "
                  "brings in the code; the pip install above it comes from the cache"),
        goal("dockerignore", "No .git, secrets.env or tests/ in the image", 2,
             image.files_absent_each(KEPT_OUT),
             hint="list .git, secrets.env and tests/ in webapp/starter/.dockerignore: the grader "
                  "builds a copy of app/ that has all three",
             more="the grader puts your .dockerignore at the root of the build context; every path "
                  "it matches is never sent to the builder, so COPY . . cannot pick it up"),
        goal("expose", "EXPOSE names the port the app listens on", 1, image.exposes_app_port(),
             hint="server.py listens on $PORT, 8080 by default: EXPOSE 8080 and no other port"),
        goal("serves", "Answers HTTP 200 on / within 5 s", 2, runtime.http_ok("/", within_s=5),
             hint="start the app with CMD [\"python\", \"server.py\"] from the folder that holds it; "
                  "Bottle must be installed by the pip step"),
    ],
}
