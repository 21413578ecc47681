#!/usr/bin/env bash
# Who is a container's process on the host? Start one as the image's default user
# (root) and one with --user 10001, and look from outside: the process table as the
# host sees it (docker top), and the owner of a file each writes into a bind mount.
set -euo pipefail
prefix="${LBL_PREFIX:?set LBL_PREFIX to a unique prefix}"
shared="$(mktemp -d)"
chmod 777 "$shared" # let uid 10001 write here too

cleanup() {
  docker rm -f "$prefix-as-root" "$prefix-as-user" >/dev/null 2>&1 || true
  rm -rf "$shared"
}
trap cleanup EXIT

start() { # start NAME [docker run flags...]
  local name=$1
  shift
  docker run -d --name "$prefix-$name" "$@" -v "$shared:/shared" alpine:3.20 \
    sh -c "touch /shared/written-by-$name && exec sleep 60" >/dev/null
}
start as-root
start as-user --user 10001:10001

for name in as-root as-user; do
  # Wait for the file, so the container has run its first command.
  for _ in $(seq 50); do [ -e "$shared/written-by-$name" ] && break; sleep 0.1; done
  echo "== $name"
  echo "  inside, id says:          $(docker exec "$prefix-$name" id)"
  echo "  the host's process table: uid $(docker top "$prefix-$name" -o pid,uid,args | awk 'NR==2 {print $2}') runs 'sleep 60'"
  echo "  the file in the bind mount belongs to host uid $(stat -c %u "$shared/written-by-$name")"
done
