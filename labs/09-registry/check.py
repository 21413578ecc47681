"""Lab 09 marking scheme: what must be in the course's registry after the script runs."""

from checks.goals import goal, registry

RUBRIC = {
    "publish": [
        goal("pushes", "The script runs and pushes to the registry", 1, registry.pushes(),
             hint="run `bash run.sh` yourself with the variables set (see the README); the "
                  "first failing command is the one to fix"),
        goal("release-tags", "Tagged with the version and the source revision, not only latest", 2,
             registry.release_tags(),
             hint="tag the same image twice, $repo:$(cat VERSION) and $repo:sha-${SOURCE_REVISION:0:7}, "
                  "and push both; `curl 127.0.0.1:PORT/v2/greeter/tags/list` shows what arrived"),
        goal("labels", "OCI labels name the version, revision and source", 2, registry.oci_labels(),
             hint="build from ./Dockerfile with --build-arg BASE=$LBL_IMAGE and VERSION, REVISION "
                  "and SOURCE; `docker image inspect --format '{{json .Config.Labels}}'` shows them",
             more="docker build --build-arg BASE=\"$LBL_IMAGE\" --build-arg VERSION=\"$(cat VERSION)\" "
                  "--build-arg REVISION=\"$SOURCE_REVISION\" --build-arg SOURCE=URL -t \"$repo:$version\" ."),
        goal("pulled-by-digest", "Pulled back by digest, and it is the pushed one", 2,
             registry.pulled_by_digest(),
             hint="after the push, `docker image inspect --format '{{index .RepoDigests 0}}'` gives "
                  "REPO@sha256:…; remove the tags, `docker pull` that reference, and echo \"pulled $ref\""),
    ],
    "auth": [
        goal("pushes", "Logs in and pushes to the registry that wants a password", 2,
             registry.pushes(auth=True),
             hint="a push without `docker login` first gets `no basic auth credentials`; log in "
                  "with LBL_REGISTRY_USER and the password in LBL_REGISTRY_PASSWORD_FILE"),
        goal("no-password-shown", "The password is in no file, output or image", 2,
             registry.no_password_shown(),
             hint="`set -x` prints every command with its arguments: a password on a command line "
                  "ends up in the log. Remove set -x and pass the password another way"),
        goal("password-stdin", "docker login reads the password from stdin", 2, registry.login_from_stdin(),
             hint="docker login --username \"$LBL_REGISTRY_USER\" --password-stdin \"$LBL_REGISTRY\" "
                  "< \"$LBL_REGISTRY_PASSWORD_FILE\""),
        goal("logged-out", "No stored credentials after the script", 1, registry.logged_out(),
             hint="`docker login` writes the credentials into $DOCKER_CONFIG/config.json; "
                  "`docker logout \"$LBL_REGISTRY\"` in an EXIT trap removes them whatever happens"),
    ],
}
