#!/usr/bin/env bash
# Chapter 5: a bind mount puts a host directory inside the container. Both sides see
# each other's writes at once; `:ro` makes the container's side read-only; the mount
# hides whatever the image had at that path; and `-v` quietly creates a missing source.
set -euo pipefail
LBL_PREFIX=${LBL_PREFIX:-lbl-demo}
# Everything this script creates is named after $LBL_PREFIX:
BIND="$LBL_PREFIX-bind" CHOWN="$LBL_PREFIX-chown"
HOST_DIR=$(mktemp -d)

cleanup() {
  docker rm -f "$BIND" >/dev/null 2>&1 || true
  # Files the container wrote belong to its root user: hand them back before deleting.
  docker run --rm --name "$CHOWN" -v "$HOST_DIR:/w" alpine:3.20 \
    chown -R "$(id -u):$(id -g)" /w >/dev/null 2>&1 || true
  rm -rf "$HOST_DIR"
}
trap cleanup EXIT

echo "written on the host" > "$HOST_DIR/from-host.txt"

echo "== the container reads the host's file and writes one back:"
docker run --rm --name "$BIND" -v "$HOST_DIR:/work" alpine:3.20 sh -c '
  cat /work/from-host.txt
  echo "written in the container" > /work/from-container.txt'
echo "== on the host, right after:"
cat "$HOST_DIR/from-container.txt"
ls -ln "$HOST_DIR/from-container.txt" | awk '{print "owner uid " $3 ", gid " $4 " (the container ran as root)"}'

echo "== with :ro the container can read but not write:"
docker run --rm --name "$BIND" -v "$HOST_DIR:/work:ro" alpine:3.20 sh -c '
  cat /work/from-host.txt; { touch /work/new.txt; } 2>&1 || true'

echo "== mounted over /etc/ssl/certs, the image's certificates disappear from view:"
echo "   without the mount: $(docker run --rm --name "$BIND" alpine:3.20 ls /etc/ssl/certs | xargs)"
echo "   with the mount:    $(docker run --rm --name "$BIND" -v "$HOST_DIR:/etc/ssl/certs:ro" alpine:3.20 ls /etc/ssl/certs | xargs)"

echo "== a typo in the source path: -v creates an empty directory, --mount refuses:"
echo "   /work holds $(docker run --rm --name "$BIND" -v "$HOST_DIR/typo:/work" alpine:3.20 ls -A /work | wc -l) entries"
[ -d "$HOST_DIR/typo" ] && echo "   the host now has $HOST_DIR/typo, owned by uid $(stat -c %u "$HOST_DIR/typo")"
docker run --rm --name "$BIND" --mount "type=bind,source=$HOST_DIR/typo2,target=/work" \
  alpine:3.20 true 2>&1 | grep -o 'invalid mount config.*' || true
