"""Lab 13 marking scheme: five broken images. Each hint names the command that shows the
cause; ``more`` says what to change once that command has shown it."""

from checks.goals import Goal, alternatives, behaviour, build, goal, image, runtime, troubleshooting

# The optional Podman exercise builds lab 08's go solution; these bases are copied into its store.
LAB08_GO = "08-multi-stage/go"
LAB08_BASES = ("golang:1.22-alpine", "alpine:3.20")

BUILDS = goal("builds", "The image builds", 1, build.succeeds(),
              hint="every starter builds as shipped; read the failing step in the log above")


def serves(hint: str, more: str = "") -> Goal:
    return goal("serves", "Answers HTTP 200 on / within 5 s", 2, runtime.http_ok("/", within_s=5),
                hint=hint, more=more)


RUBRIC = {
    "scratch-loader": [
        BUILDS,
        goal("loadable", "The entrypoint's loader is in the image (or it needs none)", 3,
             troubleshooting.entrypoint_loadable(),
             hint="`docker logs` says `exec /healthz: no such file or directory`; copy the binary "
                  "out with `docker cp NAME:/healthz .` and run `file healthz`: which interpreter "
                  "does it name, and is that file in a scratch image?",
             more="drop -buildmode=pie and build with CGO_ENABLED=0: "
                  "RUN CGO_ENABLED=0 go build -trimpath -ldflags=\"-s -w\" -o /out/healthz ."),
        serves("the container exits before it can answer: `docker ps -a` shows the exit code and "
               "`docker logs` the reason; a binary on scratch must be static"),
    ],
    "volume-owner": [
        BUILDS,
        goal("non-root", "Still runs as a non-root user", 1, image.non_root_user(),
             hint="keep USER app: running as root would hide the problem, not fix it"),
        goal("not-world-writable", "/data is not writable by every user", 1,
             troubleshooting.not_world_writable("/data"),
             hint="chmod 777 lets every process write the app's data: give /data an owner instead"),
        goal("counts", "Two runs on a new volume at /data both succeed, the second says visit 2", 4,
             troubleshooting.writes_to_fresh_volume("/data", runs=2, expect_in_last="visit 2"),
             hint="compare `docker run --rm --entrypoint id IMAGE` with `docker run --rm -v "
                  "NAME:/data alpine:3.20 ls -lnd /data`: who is the app, and who owns /data?",
             more="a new volume copies the owner of the image's /data: create it owned by the app, "
                  "RUN mkdir -p /data && chown app:app /data, before USER app"),
    ],
    "localhost": [
        BUILDS,
        goal("serves-inside", "Answers HTTP 200 on / from inside its own network namespace", 1,
             runtime.http_ok("/", within_s=5),
             hint="the server does not answer even on its own loopback: `docker logs NAME` shows why"),
        goal("serves-outside", "Answers HTTP 200 on / from another container on its network", 4,
             troubleshooting.answers_from_neighbour("/", within_s=5),
             hint="it answers inside and not outside: ask what it listens on with a sidecar, "
                  "`docker run --rm --network container:NAME alpine:3.20 netstat -ltn`",
             more="server.py reads LISTEN_HOST: set ENV LISTEN_HOST=0.0.0.0 in the Dockerfile"),
    ],
    "crash-loop": [
        BUILDS,
        goal("stays-up", "Under --restart on-failure, still running after 3 s, never restarted", 4,
             troubleshooting.stays_up(seconds=3),
             hint="`docker inspect -f '{{.RestartCount}} {{.State.ExitCode}}' NAME` shows the loop, "
                  "`docker logs NAME` every attempt's last words, and `docker inspect -f "
                  "'{{json .Config.Env}}' NAME` what the app was given",
             more="start.sh needs APP_ENV (production or staging): ENV APP_ENV=production before "
                  "the ENTRYPOINT"),
        serves("the app exits before it can answer: `docker logs` says what it is missing"),
    ],
    "cache-bust": [
        BUILDS,
        goal("compile-cached", "A new build-info.txt does not recompile the server", 4,
             behaviour.dependency_step_cached("go build", edit="build-info.txt"),
             hint="build twice with --progress=plain, with a new build-info.txt in between, and "
                  "read which steps say CACHED; `docker history IMAGE` lists the layers in order: "
                  "which one is new every time, and what comes after it?",
             more="copy only go.mod and *.go before `go build`, and COPY build-info.txt "
                  "/build-info.txt in the final stage, straight from the context"),
        serves("the server reads /build-info.txt: the final stage must still contain it"),
    ],
    "podman": [
        goal("podman-builds", "The script builds the image with Podman", 3,
             alternatives.builds("greeter", source=LAB08_GO, bases=LAB08_BASES),
             hint="the image must be in Podman's store, not Docker's: `podman images` lists it; "
                  "podman reads the same Dockerfile, so only the command changes",
             more='podman build --pull=never --network none -t "$LBL_PREFIX-greeter" .'),
        goal("podman-serves", "It runs under Podman and answers HTTP 200 on / within 5 s", 2,
             alternatives.answers("greeter", port=8080),
             hint="try it: podman run -d --name g IMAGE, then podman exec g wget -qO- "
                  "http://127.0.0.1:8080/ and podman logs g"),
        goal("same-size", "Docker's build of the same Dockerfile is the same size (within 10%)", 1,
             alternatives.same_size_as_docker("greeter"),
             hint="both follow the OCI image layout: the same steps give the same layers; "
                  "compare `podman image inspect` with `docker image inspect`"),
    ],
}
