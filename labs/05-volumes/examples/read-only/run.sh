#!/usr/bin/env bash
# Chapter 5: --read-only makes the container's root filesystem read-only. The app then
# writes only where you gave it somewhere to write: a tmpfs for scratch files and a
# volume for data. Everything else it tries to change fails loudly.
set -euo pipefail
LBL_PREFIX=${LBL_PREFIX:-lbl-demo}
# Everything this script creates is named after $LBL_PREFIX:
RO="$LBL_PREFIX-ro" RO_DATA="$LBL_PREFIX-ro-data"

cleanup() {
  docker rm -f "$RO" >/dev/null 2>&1 || true
  docker volume rm -f "$RO_DATA" >/dev/null 2>&1 || true
}
trap cleanup EXIT

# Run a command quietly; show what it printed only if it fails.
quiet() { local out; out=$("$@" 2>&1) || { echo "$out" >&2; return 1; }; }

# A stand-in "app": a temp file in /tmp, a record in /data, and one sneaky write to /etc.
# (The { ...; } 2>&1 sends the shell's error message to stdout, where this script shows it.)
APP='
  echo scratch > /tmp/work.tmp && echo "wrote /tmp/work.tmp"
  date >> /data/records && echo "wrote /data/records"
  { echo 127.0.0.1 cache >> /etc/hosts.app && echo "wrote /etc/hosts.app"; } 2>&1 || true'

echo "== without --read-only, every write succeeds and lands in the writable layer:"
quiet docker run --name "$RO" -v "$RO_DATA:/data" alpine:3.20 sh -c "$APP"
docker logs "$RO"
docker diff "$RO"
docker rm "$RO" >/dev/null

echo "== with --read-only, a tmpfs on /tmp and the volume on /data:"
quiet docker run --name "$RO" --read-only --tmpfs /tmp -v "$RO_DATA:/data" alpine:3.20 sh -c "$APP"
docker logs "$RO"
echo "== docker diff now lists only the mount point Docker made for the volume:"
docker diff "$RO"
