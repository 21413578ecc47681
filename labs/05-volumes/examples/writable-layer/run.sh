#!/usr/bin/env bash
# Chapter 5: a container's changes live in its own writable layer. `docker diff` lists
# them, `docker ps --size` weighs them, and `docker rm` throws them away.
set -euo pipefail
LBL_PREFIX=${LBL_PREFIX:-lbl-demo}
# Everything this script creates is named after $LBL_PREFIX:
FIRST="$LBL_PREFIX-first" SECOND="$LBL_PREFIX-second"

cleanup() { docker rm -f "$FIRST" "$SECOND" >/dev/null 2>&1 || true; }
trap cleanup EXIT

# Run a command quietly; show what it printed only if it fails.
quiet() { local out; out=$("$@" 2>&1) || { echo "$out" >&2; return 1; }; }

# Add a note and a 5 MiB file, change /etc/group, delete a file that came with the image.
quiet docker run --name "$FIRST" alpine:3.20 sh -c '
  echo "remember me" > /root/note.txt
  dd if=/dev/zero of=/var/blob.bin bs=1M count=5 2>/dev/null
  echo "app:x:10001:" >> /etc/group
  rm /etc/os-release'

echo "== docker diff (A added, C changed, D deleted)"
docker diff "$FIRST"
echo "== size of the writable layer, and of the image underneath"
docker ps -a --size --filter "name=^$FIRST\$" --format '{{.Size}}'
echo "   in bytes: $(docker inspect --size -f '{{.SizeRw}}' "$FIRST")"

# The container has exited, and its layer is still there: copy the note out of it.
echo "== the exited container still holds its files:"
docker cp "$FIRST:/root/note.txt" - | tar -xO

# A second container from the same image starts from the image, not from the first one.
echo "== a new container from the same image:"
docker run --name "$SECOND" alpine:3.20 cat /root/note.txt >/dev/null 2>&1 || true
docker logs "$SECOND" 2>&1
docker rm "$FIRST" >/dev/null
echo "== after docker rm: $(docker ps -a --filter "name=^$FIRST\$" -q | wc -l) container, and its note is gone with it"
