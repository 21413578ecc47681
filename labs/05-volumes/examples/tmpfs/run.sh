#!/usr/bin/env bash
# Chapter 5: a tmpfs mount is memory, not disk. It has a size limit, it is mounted
# noexec by default, and its content is gone as soon as the container stops.
set -euo pipefail
LBL_PREFIX=${LBL_PREFIX:-lbl-demo}
# Everything this script creates is named after $LBL_PREFIX:
TMPFS="$LBL_PREFIX-tmpfs"

cleanup() { docker rm -f "$TMPFS" >/dev/null 2>&1 || true; }
trap cleanup EXIT

# Run a command quietly; show what it printed only if it fails.
quiet() { local out; out=$("$@" 2>&1) || { echo "$out" >&2; return 1; }; }

# --init makes `docker stop` quick: sleep is not PID 1, so SIGTERM ends it.
quiet docker run -d --init --name "$TMPFS" --tmpfs /scratch:size=8m alpine:3.20 sleep 600

echo "== how it is mounted:"
docker exec "$TMPFS" grep ' /scratch ' /proc/mounts
echo "== write 10 MiB into an 8 MiB tmpfs:"
docker exec "$TMPFS" sh -c 'dd if=/dev/zero of=/scratch/big bs=1M count=10 2>&1 | head -n 1; ls -l /scratch/big' || true
echo "== a script on the tmpfs cannot be executed (noexec):"
docker exec "$TMPFS" sh -c 'printf "#!/bin/sh\necho ran\n" > /scratch/run.sh; chmod +x /scratch/run.sh; /scratch/run.sh' 2>&1 || true
echo "== docker diff: the mount point and --init's binary, but nothing written to the tmpfs:"
docker diff "$TMPFS"
quiet docker restart "$TMPFS"
echo "== after docker restart, /scratch holds $(docker exec "$TMPFS" ls -A /scratch | wc -l) file(s)"
