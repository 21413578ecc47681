"""Lab 02 marking scheme: each goal, its points, and the hint a student sees on failure."""

from checks.goals import behaviour, build, goal, image, runtime

# dive charges a rewritten /etc/passwd (adduser) a few hundred bytes; a kept dataset is MBs.
# Both alpine:3.20 and its stand-in are a single layer, so the base itself wastes nothing.
MAX_WASTED_BYTES = 100_000

BUILDS = goal("builds", "The image builds", 1, build.succeeds(),
              hint="read the failing step in the log above; the line number points at it")

RUBRIC = {
    "same-layer": [
        BUILDS,
        goal("no-waste", "No file is added in one layer and deleted in a later one", 3,
             image.wasted_bytes(max_bytes=MAX_WASTED_BYTES),
             hint="create, use and delete the dataset in ONE RUN step, joined with &&",
             more="a later `RUN rm` only adds a whiteout on top; the layer below keeps every "
                  "byte. dive IMAGE shows the same numbers"),
        # The real alpine:3.20 is about 8 MB and the stand-in 2 MB; a kept dataset adds 30 MB.
        goal("small", "At most 15 MB", 2, image.size(max_mb=15),
             hint="the image should be the base plus report.sh and two small text files"),
        goal("reports", "The container prints the dataset's facts and exits 0", 2,
             runtime.prints("dataset: 30000000 bytes, sha256 "),
             hint="keep writing size.txt and sha256.txt in /opt/dataset: report.sh reads them"),
    ],
    "shared-base": [
        BUILDS,
        goal("shares-layers", "greet and status share the user and lib/ layers", 4,
             behaviour.shares_layers_with("status", shared_files=("opt/common/common.sh",)),
             hint="put the common steps (adduser, COPY lib/) in a stage named base, and start "
                  "both tool stages with FROM base",
             more="FROM alpine:3.20 AS base, then RUN adduser ... and COPY lib/ /opt/common/; "
                  "then FROM base AS status and FROM base AS greet, each with its own COPY and CMD"),
        goal("non-root", "greet runs as the `tool` user", 1, image.non_root_user(name="tool"),
             hint="keep USER tool: a stage started FROM base inherits it"),
        goal("greets", "greet prints its banner and exits 0", 2, runtime.prints("== greet =="),
             hint="the last stage is greet: COPY greet.sh and CMD [\"sh\", \"/usr/local/bin/greet.sh\"]"),
    ],
}
