#!/usr/bin/env bash
# Chapter 13 · "Permission denied" on a volume: who owns the mount point, and who is the app?
set -euo pipefail
cd "$(dirname "$0")"
P="${LBL_PREFIX:-lbl-demo}"

cleanup() {
  docker rm -f "$P-broken" "$P-fixed" >/dev/null 2>&1 || true
  docker volume rm "$P-data-broken" "$P-data-fixed" >/dev/null 2>&1 || true
  docker rmi "$P-perm:broken" "$P-perm:fixed" >/dev/null 2>&1 || true
}
trap cleanup EXIT

build() { DOCKER_BUILDKIT=1 "$(command -v /usr/bin/docker || command -v docker)" build --network=none "$@"; }
build -q --target broken -t "$P-perm:broken" . >/dev/null
build -q --target fixed -t "$P-perm:fixed" . >/dev/null
docker volume create "$P-data-broken" >/dev/null
docker volume create "$P-data-fixed" >/dev/null

echo "== the symptom"
docker run --name "$P-broken" -v "$P-data-broken:/data" "$P-perm:broken" 2>&1 |
  grep -v '^WARNING' | sed 's/^/  /' || true
docker inspect -f '  exit code {{.State.ExitCode}}' "$P-broken"

echo "== 1. who is the app? (the image's USER; --entrypoint id asks without starting the app)"
docker run --rm --entrypoint id "$P-perm:broken" | sed 's/^/  /'

echo "== 2. what is mounted at /data, and who owns it?"
docker inspect -f '{{range .Mounts}}  {{.Type}} {{.Name}} -> {{.Destination}} (rw={{.RW}}){{end}}' "$P-broken"
docker run --rm -v "$P-data-broken:/data" alpine:3.20 ls -lnd /data | sed 's/^/  /'
echo "  uid 0 owns it with mode 755: uid 10001 may read it, not write to it."

echo "== 3. the fix: the image creates /data owned by the app, so a new volume copies that"
docker run --name "$P-fixed" -v "$P-data-fixed:/data" "$P-perm:fixed" 2>&1 |
  grep -v '^WARNING' | sed 's/^/  /'
docker run --rm -v "$P-data-fixed:/data" alpine:3.20 ls -lnd /data | sed 's/^/  /'
echo "  (an existing volume keeps its owner: for that one, chown it once, as root:)"
docker run --rm -v "$P-data-broken:/data" alpine:3.20 chown 10001:10001 /data
docker run --rm -v "$P-data-broken:/data" "$P-perm:broken" 2>&1 | grep -v '^WARNING' | sed 's/^/  /'
