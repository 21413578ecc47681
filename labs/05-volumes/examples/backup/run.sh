#!/usr/bin/env bash
# Chapter 5: back up a named volume to a tar archive on the host with a throwaway
# container, restore it into a new volume, and prove the two hold the same bytes.
set -euo pipefail
LBL_PREFIX=${LBL_PREFIX:-lbl-demo}
# Everything this script creates is named after $LBL_PREFIX:
WRITER="$LBL_PREFIX-writer" BACKUP="$LBL_PREFIX-backup" RESTORE="$LBL_PREFIX-restore"
SUM="$LBL_PREFIX-sum" APPDATA="$LBL_PREFIX-appdata" RESTORED="$LBL_PREFIX-restored"
BACKUPS=$(mktemp -d)

cleanup() {
  docker rm -f "$WRITER" "$BACKUP" "$RESTORE" "$SUM" >/dev/null 2>&1 || true
  docker volume rm -f "$APPDATA" "$RESTORED" >/dev/null 2>&1 || true
  rm -rf "$BACKUPS"
}
trap cleanup EXIT

# Run a command quietly; show what it printed only if it fails.
quiet() { local out; out=$("$@" 2>&1) || { echo "$out" >&2; return 1; }; }
# checksums VOLUME: one line per file, path and SHA-256, sorted, to compare volumes.
checksums() {
  docker run --rm --name "$SUM" -v "$1:/data:ro" alpine:3.20 \
    sh -c 'cd /data && find . -type f | sort | xargs sha256sum'
}

# Some data: a config file, a nested directory and 2 MiB of random bytes.
quiet docker run --name "$WRITER" -v "$APPDATA:/data" alpine:3.20 sh -c '
  echo "retention=30d" > /data/app.conf
  mkdir -p /data/uploads/2024
  head -c 2097152 /dev/urandom > /data/uploads/2024/photo.bin'
# Stop (here: it already exited) whatever writes to the volume before you copy it, so
# the archive is not taken in the middle of a write.

# The backup: mount the volume read-only, mount a host directory, tar one into the other.
# --user makes the archive belong to you on the host, not to root.
docker run --rm --name "$BACKUP" --user "$(id -u):$(id -g)" \
  -v "$APPDATA:/data:ro" -v "$BACKUPS:/backup" \
  alpine:3.20 tar -czf /backup/appdata.tar.gz -C /data .
echo "== archive on the host:"
ls -ln "$BACKUPS" | awk 'NR > 1 {print "   " $9 ": " $5 " bytes, owner uid " $3}'
echo "== its content:"
tar -tzvf "$BACKUPS/appdata.tar.gz" | awk '{print "   " $3 "\t" $6}'

# The restore: a new, empty volume, and the same trick the other way round.
docker volume create "$RESTORED" >/dev/null
docker run --rm --name "$RESTORE" \
  -v "$RESTORED:/data" -v "$BACKUPS:/backup:ro" \
  alpine:3.20 tar -xzf /backup/appdata.tar.gz -C /data

if [ "$(checksums "$APPDATA")" = "$(checksums "$RESTORED")" ]; then
  echo "== the restored volume matches the original, file for file:"
  checksums "$RESTORED" | awk '{print "   " substr($1, 1, 16) "...  " $2}'
else
  echo "the restored volume differs from the original" >&2
  exit 1
fi
