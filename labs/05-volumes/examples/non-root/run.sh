#!/usr/bin/env bash
# Chapter 5: a non-root process writing to volumes. It works on a named volume mounted
# where the image prepared a directory it owns; it fails on a fresh path and on a
# host directory owned by someone else, until the ownership matches its uid.
set -euo pipefail
LBL_PREFIX=${LBL_PREFIX:-lbl-demo}
# Everything this script creates is named after $LBL_PREFIX (the image and its
# containers share one name):
APP="$LBL_PREFIX-app" CHOWN="$LBL_PREFIX-chown" DATA="$LBL_PREFIX-data"
ELSEWHERE="$LBL_PREFIX-elsewhere"
HOST_DIR=$(mktemp -d)

cleanup() {
  docker rm -f "$APP" >/dev/null 2>&1 || true
  docker run --rm --name "$CHOWN" -v "$HOST_DIR:/w" alpine:3.20 \
    chown -R "$(id -u):$(id -g)" /w >/dev/null 2>&1 || true
  rm -rf "$HOST_DIR"
  docker volume rm -f "$DATA" "$ELSEWHERE" >/dev/null 2>&1 || true
  docker rmi -f "$APP" >/dev/null 2>&1 || true
}
trap cleanup EXIT

# Run a command quietly; show what it printed only if it fails.
quiet() { local out; out=$("$@" 2>&1) || { echo "$out" >&2; return 1; }; }
quiet docker build -t "$APP" .
app() { docker run --rm --name "$APP" "$@" "$APP" || true; }
ls_data() { docker run --rm --name "$APP" "$@" alpine:3.20 ls -ldn /data | awk '{print "   /data is owned by uid " $3 ", mode " $1}'; }

echo "== 1. named volume on /data: the empty volume is seeded from the image's /data"
app -v "$DATA:/data"
app -v "$DATA:/data"
ls_data -v "$DATA:/data"

echo "== 2. named volume on a path the image does not have: Docker creates it as root"
docker run --rm --name "$APP" -v "$ELSEWHERE:/srv/data" "$APP" \
  sh -c 'ls -ldn /srv/data; echo x > /srv/data/f' || true

echo "== 3. bind mount of a host directory that uid 10001 does not own"
ls -ldn "$HOST_DIR" | awk '{print "   host dir owned by uid " $3 ", mode " $1}'
app -v "$HOST_DIR:/data"

echo "== 3b. give the directory to uid 10001 (a root container can chown it for you)"
docker run --rm --name "$CHOWN" -v "$HOST_DIR:/w" alpine:3.20 chown 10001:10001 /w
app -v "$HOST_DIR:/data"
