#!/usr/bin/env bash
# Build the same Dockerfile with its defaults, then with two arguments overridden,
# then once more with a new version only, to see which steps the change re-runs.
# (Run it twice: the first two builds are then cached from the first run.)
set -euo pipefail
prefix="${LBL_PREFIX:?set LBL_PREFIX to a unique prefix}"
logs="$(mktemp -d)"

cleanup() {
  docker rm -f "$prefix-args-run" >/dev/null 2>&1 || true
  docker rmi -f "$prefix-defaults" "$prefix-release" "$prefix-patch" >/dev/null 2>&1 || true
  rm -rf "$logs"
}
trap cleanup EXIT

build() { # build TAG [--build-arg ...]: print which RUN steps ran and which were cached
  local tag=$1
  shift
  DOCKER_BUILDKIT=1 /usr/bin/docker build --network=none --progress=plain "$@" -t "$tag" . >"$logs/$tag.log" 2>&1
  # Each step's header is followed, a line or two later, by CACHED or by its output.
  awk '/^#[0-9]+ \[[0-9]+\/[0-9]+\] RUN/ {step = $1; name = substr($0, index($0, "RUN"), 40); next}
       step != "" && $1 == step && /CACHED|DONE/ {print "  " ($2 == "CACHED" ? "CACHED" : "ran   ") "  " name; step = ""}' \
    "$logs/$tag.log"
  docker run --rm --name "$prefix-args-run" "$tag" | sed 's/^/  | /'
}

echo "== docker build ."
build "$prefix-defaults"
echo "== docker build --build-arg APP_VERSION=1.4.2 --build-arg BASE_IMAGE=debian:bookworm-slim ."
build "$prefix-release" --build-arg APP_VERSION=1.4.2 --build-arg BASE_IMAGE=debian:bookworm-slim
# A version no earlier build has used, as CI would stamp with its build number.
version="1.4.3+build.$(date +%s)"
echo "== docker build --build-arg APP_VERSION=$version --build-arg BASE_IMAGE=debian:bookworm-slim ."
build "$prefix-patch" --build-arg "APP_VERSION=$version" --build-arg BASE_IMAGE=debian:bookworm-slim

echo "== the values are recorded in the image's history:"
docker history --no-trunc --format '{{.CreatedBy}}' "$prefix-patch" | grep -E '^RUN \|' | cut -c1-72 | sed 's/^/  /'
