#!/usr/bin/env bash
# Chapter 3: where ARG and ENV values end up, and where they do not.
set -euo pipefail
prefix=${LBL_PREFIX:-lbl-ch03}
image="$prefix-arg-env"
cleanup() { docker rmi -f "$image" >/dev/null 2>&1 || true; }
trap cleanup EXIT

# BuildKit is the default builder from Docker 23 on; older clients need DOCKER_BUILDKIT=1.
docker_build() {
  if docker buildx version >/dev/null 2>&1; then docker build "$@"
  else DOCKER_BUILDKIT=1 /usr/bin/docker build "$@"; fi
}
docker_build --quiet --network=none --build-arg RELEASE=2.0 -t "$image" . >/dev/null

echo "== docker run: ENV is there, the ARG is not, but what the RUN step wrote is"
docker run --rm --name "$prefix-arg-env-run" --network none "$image"

echo
echo "== docker run -e overrides ENV for one container"
docker run --rm --name "$prefix-arg-env-run" --network none -e APP_HOME=/elsewhere "$image" \
  sh -c 'echo "APP_HOME=$APP_HOME"'

echo
echo "== The image config keeps ENV"
docker image inspect -f '{{json .Config.Env}}' "$image"

echo
echo "== ...and the history keeps the build argument's value, in the RUN step that saw it"
docker history --no-trunc --format '{{.CreatedBy}}' "$image" | awk '/^RUN \|/ && !seen { print; seen = 1 }'
