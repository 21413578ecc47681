"""Lab 08 marking scheme: each goal, its points, and the hint a student sees on failure."""

from pathlib import Path

from checks.goals import Goal, behaviour, build, goal, image, runtime, static

GO_TOOLCHAIN = ("**/bin/go", "**/bin/gofmt", "**/pkg/tool/*/compile")
JDK_TOOLS = ("**/bin/javac",)
# gcc's drivers and its compiler proper, and the headers Debian's python3-dev installs.
# Not **/include/python3*: the official python image keeps its own headers under
# /usr/local/include, so that pattern would fail every solution built on it.
C_BUILD_TOOLS = ("usr/bin/gcc*", "usr/bin/cc", "usr/bin/*-linux-gnu-gcc*",
                 "usr/lib/gcc/*/*/cc1", "usr/include/python3*/Python.h")
# The psutil version the python exercise pins: whatever requirements.txt says.
PSUTIL = next(line.split("==", 1)[1].strip()
              for line in (Path(__file__).parent / "python/app/requirements.txt").read_text().splitlines()
              if line.startswith("psutil=="))

# The grader adds this file to a copy of the app to prove the tester stage runs the tests.
PLANTED_FAILING_TEST = """package main

import "testing"

func TestPlantedByTheGrader(t *testing.T) {
	t.Fatal("planted by the grader: the tester stage must fail on a failing test")
}
"""
# The node exercise's one devDependency, wherever a node_modules holds it. Debian's own
# /usr/share/nodejs (in the stand-in's base) has no node_modules/typescript to match.
TYPESCRIPT = ("**/node_modules/typescript/package.json", "**/node_modules/.bin/tsc")

# Every exercise starts with these two: the image must build, and the server must answer.
BUILDS = goal("builds", "The image builds", 1, build.succeeds(),
              hint="read the failing step in the log above; the line number points at it")


def builder_stage(hint: str, more: str = "") -> Goal:
    return goal("stages", "Two stages, one named builder", 2, static.stages(min_count=2, named=("builder",)),
                hint=hint, more=more)


def non_root(hint: str, more: str = "") -> Goal:
    return goal("non-root", "Runs as a non-root user", 1, image.non_root_user(), hint=hint, more=more)


def serves(hint: str) -> Goal:
    return goal("serves", "Answers HTTP 200 on / within 5 s", 2, runtime.http_ok("/", within_s=5),
                hint=hint)


RUBRIC = {
    "go": [
        BUILDS,
        builder_stage("add `AS builder` to the first FROM, then start a second stage with another "
                      "FROM and take the binary with COPY --from=builder",
                      more="FROM golang:1.22-alpine AS builder at the top; after the go build line, "
                           "FROM alpine:3.20 and COPY --from=builder /usr/local/bin/greeter "
                           "/usr/local/bin/greeter"),
        goal("no-toolchain", "No Go toolchain in the final image", 2,
             image.files_absent(GO_TOOLCHAIN, "Go toolchain"),
             hint="the final stage must start FROM a runtime base (alpine:3.20), not from "
                  "golang; copy only the compiled binary into it",
             more="the last FROM in the file decides what ships: everything above it that you "
                  "do not COPY --from is left behind, the toolchain included"),
        goal("small", "At most 25 MB, and at most 10% of its build stage", 2,
             image.size(max_mb=25, max_fraction_of_build_stage=0.10),
             hint="everything in the final stage ships: keep it to the base, the binary and a user",
             more="build with CGO_ENABLED=0 -ldflags=\"-s -w\" and copy just that one file into "
                  "a stage FROM alpine:3.20"),
        non_root("create a user in the runtime stage (adduser -D -H -u 10001 app) and "
                 "switch to it with USER app",
                 more="RUN adduser -D -H -u 10001 app in the final stage, then USER app before the "
                      "ENTRYPOINT"),
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
    "cache-order": [
        BUILDS,
        goal("dependency-cached", "A source edit does not re-run the download", 4,
             behaviour.dependency_step_cached("go mod download", edit="greeting.go"),
             hint="COPY go.mod ./ and RUN go mod download before COPY . .: a step is reused only "
                  "while everything it was built from is unchanged"),
        serves("the order of steps does not change how the server runs; check the ENTRYPOINT"),
    ],
    "cache-mounts": [
        BUILDS,
        goal("mounts", "Download and compile use cache mounts", 2,
             static.cache_mounts("go mod download", "go build"),
             hint="RUN --mount=type=cache,target=/go/pkg/mod go mod download, and mount both "
                  "/go/pkg/mod and /root/.cache/go-build on the go build step"),
        goal("cache-not-in-layers", "Go's build cache is in no layer of the build stage", 2,
             image.files_absent(("root/.cache/go-build/*",), "Go build cache", in_build_stage=True),
             hint="a cache mount's contents never enter a layer: mount /root/.cache/go-build "
                  "instead of letting go build write there"),
        goal("compile-reuses-cache", "After an edit, compiling takes at most half as long", 3,
             behaviour.cache_mount_speeds_up("go build", edit="greeting.go", max_ratio=0.5),
             hint="with /root/.cache/go-build mounted, only the edited package is recompiled"),
        serves("cache mounts change how the image is built, not how it runs; check the ENTRYPOINT"),
    ],
    "target": [
        BUILDS,
        goal("stages", "A tester stage and a runtime stage", 2,
             static.stages(min_count=3, named=("builder", "tester", "runtime")),
             hint="add FROM builder AS tester with RUN go test ./..., and name the last stage runtime"),
        goal("tester-passes", "--target tester builds on the real code", 2,
             behaviour.target_builds("tester"),
             hint="the tester stage runs `go test ./...` on top of the builder stage"),
        goal("tester-catches", "--target tester fails when a test fails", 2,
             behaviour.target_fails_with("tester", (("planted_test.go", PLANTED_FAILING_TEST),),
                                         "a failing test planted by the grader"),
             hint="the tester stage must RUN the tests (go test ./...), not just compile them"),
        goal("no-tests-shipped", "No test files or toolchain in the runtime image", 2,
             image.files_absent(("**/*_test.go", *GO_TOOLCHAIN), "test files or Go toolchain"),
             hint="the runtime stage copies the binary only; tests stay in the tester stage"),
        serves("check the runtime stage's ENTRYPOINT"),
    ],
    "java": [
        BUILDS,
        builder_stage("add `AS builder` to the JDK stage, then start a second stage FROM "
                      "eclipse-temurin:17-jre-alpine and take the jar with COPY --from=builder"),
        goal("no-javac", "No javac in the final image", 2, image.files_absent(JDK_TOOLS, "Java compiler"),
             hint="the final stage must start FROM a JRE (eclipse-temurin:17-jre-alpine), not "
                  "from the JDK; a JRE can run the jar and cannot compile"),
        goal("small", "At most 65% of its build stage", 2,
             image.size(max_fraction_of_build_stage=0.65),
             hint="the runtime's base is nearly all of the size: start the final stage FROM "
                  "eclipse-temurin:17-jre-alpine, not the JDK, and copy only the jar into it"),
        non_root("create a user in the runtime stage (adduser -D -H -u 10001 app) and "
                 "switch to it with USER app"),
        serves("run the jar with an exec-form ENTRYPOINT or CMD, such as "
               '["java", "-jar", "/opt/app/greeter.jar"]; the JRE puts java on PATH'),
    ],
    "python": [
        BUILDS,
        builder_stage("add `AS builder` to the first FROM, then start a second FROM python:3.11-slim "
                      "and take the installed packages with COPY --from=builder"),
        goal("no-compiler", "No C compiler or python3-dev headers in the final image", 2,
             image.files_absent(C_BUILD_TOOLS, "C compiler or Python headers"),
             hint="keep apt-get install gcc ... python3-dev in the builder only; in the final "
                  "stage copy just the venv (or wheels) that pip built"),
        non_root("create a user in the final stage (useradd --system --uid 10001 app) and "
                 "switch to it with USER app"),
        goal("small", "At most 60% of its build stage", 2,
             image.size(max_fraction_of_build_stage=0.60),
             hint="the compiler and headers are most of the build stage: the final stage should "
                  "be the base image plus the installed packages and server.py"),
        goal("imports", f"psutil {PSUTIL} imports in the final image", 1,
             runtime.command_succeeds(["python", "-c", "import psutil; print(psutil.__version__)"],
                                      expect_in_output=PSUTIL),
             hint="copy the whole venv to the same path it had in the builder and put its bin/ "
                  "first on PATH (or pip install the built wheels in the final stage)"),
        serves("start the server with CMD [\"python\", \"server.py\"], using the python that "
               "can import psutil"),
    ],
    "node": [
        BUILDS,
        goal("stages", "A `deps` stage, and a final stage that copies from another", 2,
             static.stages(min_count=2, named=("deps",)),
             hint="name the npm ci stage `deps`, compile in a stage FROM deps, then start the "
                  "final stage with a new FROM and take files with COPY --from"),
        goal("no-devdeps", "No TypeScript in the final image's node_modules", 2,
             image.files_absent(TYPESCRIPT, "devDependency (TypeScript) in node_modules"),
             hint="run `npm prune --omit=dev` in the build stage after compiling, and copy "
                  "node_modules into the final stage from there"),
        goal("small", "At most 96% of its build stage", 2,
             image.size(max_fraction_of_build_stage=0.96),
             hint="the final stage should copy in only package.json, node_modules and dist/; "
                  "no sources, no npm cache, no compiler"),
        goal("non-root", "Runs as the image's `node` user", 1, image.non_root_user(name="node"),
             hint="node:20-alpine already has a `node` user (uid 1000): add USER node to the "
                  "final stage"),
        serves("start the compiled server with an exec-form CMD [\"node\", \"dist/server.js\"]; "
               "it must find dist/ and node_modules/ in its working directory"),
    ],
}
