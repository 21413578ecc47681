#!/usr/bin/env bash
# Chapter 12 · a tag is a pointer that its owner can move. Rebuild the same Dockerfile
# after "upstream" republishes a tag, and the image changes with no edit of yours.
set -euo pipefail
cd "$(dirname "$0")"
P="${LBL_PREFIX:-lbl-demo}"

cleanup() {
  docker rmi "$P-base:3" "$P-base:3.0.1" "$P-base:3.0.2" \
    "$P-app:floating" "$P-app:exact" >/dev/null 2>&1 || true
}
trap cleanup EXIT

build() { DOCKER_BUILDKIT=1 "$(command -v /usr/bin/docker || command -v docker)" build --network=none "$@"; }
id() { docker image inspect -f '{{.Id}}' "$1" | cut -c1-19; }

# "Upstream" publishes release 3.0.1 under two tags: the exact one and the floating `3`.
docker tag alpine:3.20 "$P-base:3.0.1"
docker tag alpine:3.20 "$P-base:3"

build_both() {
  build -q --build-arg BASE="$P-base:3" -t "$P-app:floating" . >/dev/null
  build -q --build-arg BASE="$P-base:3.0.1" -t "$P-app:exact" . >/dev/null
  for tag in floating exact; do
    echo "  FROM ...:$([ $tag = floating ] && echo 3 || echo 3.0.1) -> $(docker run --rm "$P-app:$tag")"
  done
}

echo "== monday: both tags point at $(id "$P-base:3")"
build_both

# Upstream ships a patch release, and moves `3` to it, as floating tags are meant to do.
build -q -t "$P-base:3.0.2" - >/dev/null <<'DOCKERFILE'
FROM alpine:3.20
RUN echo "the patched base (3.0.2)" > /etc/base-release
DOCKERFILE
docker tag "$P-base:3.0.2" "$P-base:3"

echo "== tuesday: same Dockerfile, same command; 3 now points at $(id "$P-base:3")"
build_both
echo "  the exact tag still points at $(id "$P-base:3.0.1"): only its owner's restraint keeps it there;"
echo "  a digest (name@sha256:...) names the content itself and cannot be moved."
