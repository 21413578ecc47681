"""Lab 05 marking scheme: each goal, its points, and the hint a student sees on failure."""

from checks.goals import Goal, build, goal, image, volumes

DATA = "/data"  # where the grader mounts its volume or host folder, as the README says
JOURNAL = "journal.log"
# A line the grader writes into the host folder before the run: it must still be there after.
SEED = "entry 1 written on the host before the container ran"

BUILDS = goal("builds", "The image builds", 1, build.succeeds(),
              hint="read the failing step in the log above; the line number points at it")


def runs(hint: str) -> Goal:
    return goal("runs", "Runs to exit 0 on its own (writable root, no mounts)", 1,
                volumes.runs_to_exit(), hint=hint)


RUBRIC = {
    "persist": [
        BUILDS,
        runs("the journal must be able to write its DATA_DIR; check the folder exists in the "
             "image and belongs to the USER"),
        goal("non-root", "Runs as a non-root user", 1, image.non_root_user(),
             hint="create a user (adduser -D -H -u 10001 app) and switch to it with USER app"),
        goal("persists", "Two containers in a row on one named volume: two journal entries", 3,
             volumes.persists_in_volume(DATA, JOURNAL, runs=2),
             hint="set DATA_DIR=/data, and prepare /data in the image, owned by the app's user, "
                  "so the volume mounted there starts out writable for it",
             more="RUN adduser -D -H -u 10001 app && mkdir /data && chown app:app /data, then "
                  "ENV DATA_DIR=/data and USER app"),
        goal("layer-clean", "`docker diff` shows no write outside the volume", 2,
             volumes.layer_untouched(DATA),
             hint="everything the app writes must go to /data; a file anywhere else lands in the "
                  "container's layer and is lost with it"),
    ],
    "bind-mount": [
        BUILDS,
        runs("check the CMD: the journal script must be found and able to write DATA_DIR"),
        goal("bind-shared", "With a host folder on /data, the host's journal gets one entry", 3,
             volumes.shares_bind_mount(DATA, JOURNAL, SEED),
             hint="a bind mount hides everything the image had under /data, your script "
                  "included: install the script outside /data",
             more="COPY journal.sh /usr/local/bin/journal and CMD [\"journal\"]; keep "
                  "ENV DATA_DIR=/data"),
    ],
}
