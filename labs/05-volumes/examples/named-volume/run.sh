#!/usr/bin/env bash
# Chapter 5: a named volume outlives the containers that use it. Three short-lived
# containers share one counter; the volume is removed only when we say so.
set -euo pipefail
LBL_PREFIX=${LBL_PREFIX:-lbl-demo}
# Everything this script creates is named after $LBL_PREFIX:
VOL="$LBL_PREFIX-counter" RUNNER="$LBL_PREFIX-runner" HOLDER="$LBL_PREFIX-holder"

cleanup() {
  docker rm -f "$RUNNER" "$HOLDER" >/dev/null 2>&1 || true
  docker volume rm -f "$VOL" >/dev/null 2>&1 || true
}
trap cleanup EXIT

# Run a command quietly; show what it printed only if it fails.
quiet() { local out; out=$("$@" 2>&1) || { echo "$out" >&2; return 1; }; }

docker volume create "$VOL" >/dev/null
for _ in 1 2 3; do
  # --rm deletes each container as soon as it exits; the volume stays.
  docker run --rm --name "$RUNNER" -v "$VOL:/data" alpine:3.20 sh -c '
    n=$(cat /data/count 2>/dev/null || echo 0)
    n=$((n + 1)); echo "$n" > /data/count
    echo "container $(hostname) saw run number $n"'
done
echo "== the same volume through --mount, the long form, mounted read-only:"
docker run --rm --name "$RUNNER" --mount "type=volume,source=$VOL,target=/data,readonly" \
  alpine:3.20 sh -c 'echo "count is $(cat /data/count)"; { echo x > /data/count; } 2>&1 || true'

echo "== docker volume inspect:"
docker volume inspect -f 'driver={{.Driver}} mountpoint={{.Mountpoint}}' "$VOL"

# A volume that a container still uses (even a stopped one) cannot be removed.
quiet docker create --name "$HOLDER" -v "$VOL:/data" alpine:3.20 true
echo "== docker volume rm while a container uses it:"
docker volume rm "$VOL" 2>&1 || true
docker rm "$HOLDER" >/dev/null
docker volume rm "$VOL" >/dev/null && echo "== after removing the container, docker volume rm succeeds"
