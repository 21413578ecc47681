#!/usr/bin/env bash
# Chapter 1: build the first image, run it once, and see how big it is.
set -euo pipefail
prefix=${LBL_PREFIX:-lbl-ch01}
image="$prefix-first"
cleanup() { docker rmi -f "$image" >/dev/null 2>&1 || true; }
trap cleanup EXIT

# BuildKit is the default builder from Docker 23 on; older clients need DOCKER_BUILDKIT=1.
docker_build() {
  if docker buildx version >/dev/null 2>&1; then docker build "$@"
  else DOCKER_BUILDKIT=1 /usr/bin/docker build "$@"; fi
}
docker_build --quiet --network=none -t "$image" . >/dev/null

# --rm removes the container when it exits; --network none leaves it only loopback.
docker run --rm --name "$prefix-first-run" --network none "$image"
echo "image size: $(docker image inspect -f '{{.Size}}' "$image") bytes"
