#!/usr/bin/env bash
# Chapter 1: one image, two containers. Each container gets its own writable layer on
# top of the same read-only image; what one writes, the other never sees.
set -euo pipefail
prefix=${LBL_PREFIX:-lbl-ch01}
image="$prefix-hello"
cleanup() {
  docker rm -f "$prefix-one" "$prefix-two" "$prefix-three" >/dev/null 2>&1 || true
  docker rmi -f "$image" >/dev/null 2>&1 || true
}
trap cleanup EXIT

# BuildKit is the default builder from Docker 23 on; older clients need DOCKER_BUILDKIT=1.
docker_build() {
  if docker buildx version >/dev/null 2>&1; then docker build "$@"
  else DOCKER_BUILDKIT=1 /usr/bin/docker build "$@"; fi
}

docker_build --quiet --network=none -t "$image" ../hello >/dev/null
echo "image $image is $(docker image inspect -f '{{.Id}}' "$image" | cut -c1-19)"

echo "== Two containers from the same image"
docker run --name "$prefix-one" --network none "$image" sh -c 'echo "written by one" > /note.txt'
docker run --name "$prefix-two" --network none "$image" sh -c 'cat /note.txt 2>/dev/null || echo "two: there is no /note.txt here"'

echo "== Both have stopped, and both still exist"
docker ps -a --filter "name=$prefix-" --format 'table {{.Names}}\t{{.Image}}\t{{.Status}}'

echo "== What container one changed, relative to the image (A = added, C = changed)"
docker diff "$prefix-one"

echo "== Its file outlives the process: copy it out of the stopped container"
docker cp "$prefix-one:/note.txt" - | tar -xO

echo "== The image did not change: a fresh container has no note"
docker run --name "$prefix-three" --network none "$image" sh -c 'ls /note.txt 2>&1 || true'

echo "== Removing container one removes its writable layer, and the note with it"
docker rm "$prefix-one" >/dev/null
docker ps -a --filter "name=$prefix-one" --format '{{.Names}}' | grep -q . && exit 1
echo "container one is gone; the image is still here: $(docker image inspect -f '{{.Id}}' "$image" | cut -c1-19)"
