#!/usr/bin/env bash
# The same three writes, on a normal root filesystem and on a read-only one:
# a dropped "tool" under /usr/local/bin, a scratch file in /tmp, and real data in /data.
set -euo pipefail
prefix="${LBL_PREFIX:?set LBL_PREFIX to a unique prefix}"
volume="$prefix-data"
n=0

cleanup() {
  for i in $(seq 1 "$n"); do docker rm -f "$prefix-ro-$i" >/dev/null 2>&1 || true; done
  docker rm -f "$prefix-ro-check" >/dev/null 2>&1 || true
  docker volume rm -f "$volume" >/dev/null 2>&1 || true
}
trap cleanup EXIT

writes='
  for target in /usr/local/bin/dropped /tmp/scratch /data/record; do
    mkdir -p "$(dirname "$target")" 2>/dev/null
    if echo "written" 2>/dev/null >"$target"; then echo "  write $target: ok"
    else echo "  write $target: refused (read-only file system)"; fi
  done
'

attempt() {
  n=$((n + 1))
  echo "== docker run $*"
  docker run --name "$prefix-ro-$n" "$@" alpine:3.20 sh -c "$writes"
}

docker volume create "$volume" >/dev/null

attempt
echo "   what the container changed in its writable layer (docker diff):"
docker diff "$prefix-ro-$n" | sed 's/^/     /'

attempt --read-only
attempt --read-only --tmpfs /tmp:rw,noexec,nosuid,size=16m
attempt --read-only --tmpfs /tmp:rw,noexec,nosuid,size=16m -v "$volume:/data"

# The last run is the shape to aim for: only /tmp and /data accept writes.
docker run --rm --name "$prefix-ro-check" --read-only --tmpfs /tmp -v "$volume:/data" alpine:3.20 \
  sh -c '! touch /usr/local/bin/x 2>/dev/null && touch /tmp/x /data/x'
