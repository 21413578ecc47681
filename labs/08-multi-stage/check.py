"""Lab 08 marking scheme: each goal, its points, and the hint a student sees on failure."""

from checks.goals import Goal, build, goal, image, runtime, static

GO_TOOLCHAIN = ("**/bin/go", "**/bin/gofmt", "**/pkg/tool/*/compile")

# Every exercise starts with these two: the image must build, and the server must answer.
BUILDS = goal("builds", "The image builds", 1, build.succeeds(),
              hint="read the failing step in the log above; the line number points at it")


def serves(hint: str) -> Goal:
    return goal("serves", "Answers HTTP 200 on / within 5 s", 2, runtime.http_ok("/", within_s=5),
                hint=hint)


RUBRIC = {
    "go": [
        BUILDS,
        goal("stages", "Two stages, one named builder", 2,
             static.stages(min_count=2, named=("builder",)),
             hint="add `AS builder` to the first FROM, then start a second stage with another "
                  "FROM and take the binary with COPY --from=builder"),
        goal("no-toolchain", "No Go toolchain in the final image", 2,
             image.files_absent(GO_TOOLCHAIN, "Go toolchain"),
             hint="the final stage must start FROM a runtime base (alpine:3.20), not from "
                  "golang; copy only the compiled binary into it"),
        goal("small", "At most 25 MB, and at most 10% of its build stage", 2,
             image.size(max_mb=25, max_fraction_of_build_stage=0.10),
             hint="everything in the final stage ships: keep it to the base, the binary and a user"),
        goal("non-root", "Runs as a non-root user", 1, image.non_root_user(),
             hint="create a user in the runtime stage (adduser -D -H -u 10001 app) and "
                  "switch to it with USER app"),
        serves("run the binary with an exec-form ENTRYPOINT or CMD; on a minimal base build it "
               "with CGO_ENABLED=0 so it needs no C library"),
    ],
    "scratch": [
        BUILDS,
        goal("scratch", "The final stage is FROM scratch", 2, static.final_base("scratch"),
             hint="replace the runtime stage's FROM with FROM scratch"),
        goal("no-shell", "No shell in the final image", 2, image.no_shell(),
             hint="scratch has none; anything you COPY in is all there is"),
        goal("binary-sized", "At most the binary's size + 1 MB", 2,
             image.size_near_entrypoint(slack_mb=1),
             hint="copy only the binary; a base image or extra files count against this budget"),
        serves("a binary on scratch must be static: build it with CGO_ENABLED=0, and use an "
               "exec-form ENTRYPOINT (there is no shell to run the shell form)"),
    ],
    "distroless": [
        BUILDS,
        goal("distroless", "The final stage is FROM distroless", 2,
             static.final_base("gcr.io/distroless/"),
             hint="use FROM gcr.io/distroless/static-debian12:nonroot for the runtime stage"),
        goal("nonroot", "Runs as nonroot (uid 65532)", 2, image.non_root_user(uid=65532),
             hint="the :nonroot tag sets it; if you set USER yourself, use nonroot or 65532"),
        goal("no-shell", "No shell in the final image", 2, image.no_shell(),
             hint="distroless has no shell; do not copy one in from the builder"),
        serves("distroless/static has no C library: build with CGO_ENABLED=0 and use an "
               "exec-form ENTRYPOINT"),
    ],
}
