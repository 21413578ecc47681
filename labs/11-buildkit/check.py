"""Lab 11 marking scheme: each goal, its points, and the hint a student sees on failure."""

from checks.goals import Goal, behaviour, build, goal, image, runtime, secrets, static

GREETER = "/usr/local/bin/greeter"
# What the dockerignore exercise's context holds besides the site: none of it may ship.
CLUTTER = ("srv/www/.env", "srv/www/*.log", "srv/www/build-cache", "srv/www/build-cache/*",
           "srv/www/drafts", "srv/www/drafts/*")

BUILDS = goal("builds", "The image builds", 1, build.succeeds(),
              hint="read the failing step in the log above; the line number points at it")


def serves(hint: str) -> Goal:
    return goal("serves", "Answers HTTP 200 on / within 5 s", 2, runtime.http_ok("/", within_s=5),
                hint=hint)


RUBRIC = {
    "secret": [
        BUILDS,
        goal("secret-mount", "The step that runs fetch-licence mounts the secret api_token", 2,
             static.secret_mount("fetch-licence", "api_token"),
             hint="give that RUN its own --mount=type=secret,id=api_token and pass fetch-licence "
                  "the mounted file's path",
             more="RUN --mount=type=secret,id=api_token,required=true fetch-licence "
                  "/run/secrets/api_token, and delete the steps that copy and remove the token"),
        goal("no-token", "The token is in no layer, history entry or build log line", 3,
             secrets.not_leaked("api_token"),
             hint="a file written by one step stays in that step's layer, even after a later rm: "
                  "never copy the token, let the step that needs it mount it",
             more="the only step that touches the token is the RUN that mounts it; nothing writes "
                  "it to a file, an ENV, an ARG or the output"),
        goal("licensed", "The image holds the fetched licence", 1,
             runtime.command_succeeds(["cat", "/opt/vendor/licence.txt"],
                                      expect_in_output="licence: granted"),
             hint="fetch-licence writes /opt/vendor/licence.txt when it finds a token in the file "
                  "you name (or in ~/.config/vendor/token)"),
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
    "args": [
        BUILDS,
        goal("default", "Built with no --build-arg, `greeter -version` prints dev", 2,
             runtime.command_succeeds([GREETER, "-version"], expect_in_output="dev"),
             hint="give the argument a default: ARG APP_VERSION=dev",
             more="an ARG with no default is empty unless --build-arg sets it, and -X main.version= "
                  "with an empty value stamps an empty version"),
        goal("override", "Built with --build-arg APP_VERSION=..., it prints that version", 2,
             behaviour.build_arg_overrides("APP_VERSION", [GREETER, "-version"]),
             hint="the go build step must use ${APP_VERSION}, and the ARG must be declared in the "
                  "builder stage: an ARG before the first FROM is empty inside every stage"),
        goal("declared-late", "A new APP_VERSION re-runs neither go mod download nor anything before it", 2,
             behaviour.build_arg_spares("APP_VERSION", "go mod download"),
             hint="every RUN after an ARG has its value in its cache key: declare APP_VERSION just "
                  "before the go build step, not at the top of the stage"),
        serves("the version does not change how the server runs; check the ENTRYPOINT"),
    ],
    "skip-stage": [
        BUILDS,
        goal("stages", "Stages named builder, docs and runtime", 1,
             static.stages(min_count=3, named=("builder", "docs", "runtime")),
             hint="keep the docs stage: the team builds it with --target docs"),
        goal("docs-build", "--target docs still builds the API reference", 1,
             behaviour.target_builds("docs"),
             hint="the docs stage runs go doc on top of the builder stage"),
        goal("docs-skipped", "The default build never starts the docs stage", 3,
             build.stage_skipped("docs"),
             hint="BuildKit runs a stage only when the target reaches it through FROM or COPY "
                  "--from: nothing in the runtime stage may point at docs",
             more="delete COPY --from=docs from the runtime stage; the log of a plain docker build "
                  "then has no [docs ...] step at all"),
        goal("no-docs-shipped", "No API reference in the release image", 1,
             image.files_absent(("usr/share/doc/greeter", "usr/share/doc/greeter/*"), "API reference"),
             hint="the release image needs the binary and a user, not the docs"),
        serves("check the runtime stage's ENTRYPOINT"),
    ],
    "dockerignore": [
        BUILDS,
        goal("no-clutter", "No .env, log, build cache or draft in the image", 3,
             image.files_absent(CLUTTER, "file the site does not need"),
             hint="list .env, *.log, build-cache/ and drafts/ in Dockerfile.dockerignore, one per line"),
        goal("log-edit-cached", "Editing debug.log leaves COPY . . a cache hit", 2,
             behaviour.dependency_step_cached("COPY . .", edit="debug.log"),
             hint="a file the builder never receives cannot change the cache key of COPY . .: "
                  "ignore *.log",
             more="a line `*.log` in Dockerfile.dockerignore"),
        serves("the site still needs index.html and style.css: do not ignore them"),
    ],
}
