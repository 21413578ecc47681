#!/usr/bin/env bash
# The same setuid-root binary, started by the same unprivileged user, three ways.
# Then: how many setuid/setgid files a Debian base has before and after stripping them.
set -euo pipefail
prefix="${LBL_PREFIX:?set LBL_PREFIX to a unique prefix}"
image="$prefix-peek"
stripped="$prefix-stripped"

cleanup() {
  docker rm -f "$prefix-peek-1" "$prefix-peek-2" "$prefix-peek-3" "$prefix-count" >/dev/null 2>&1 || true
  docker rmi -f "$image" "$stripped" >/dev/null 2>&1 || true
}
trap cleanup EXIT

DOCKER_BUILDKIT=1 /usr/bin/docker build --network=none -q -t "$image" . >/dev/null

echo "== docker run (defaults)"
docker run --rm --name "$prefix-peek-1" "$image"
echo "== docker run --cap-drop ALL"
docker run --rm --name "$prefix-peek-2" --cap-drop ALL "$image"
echo "== docker run --security-opt no-new-privileges"
docker run --rm --name "$prefix-peek-3" --security-opt no-new-privileges "$image"

# Only the last run must refuse: that is the point of the example.
docker run --rm --name "$prefix-peek-3" --security-opt no-new-privileges "$image" | grep 'euid=10001' >/dev/null

count_special() {
  # docker export reads the file system without needing anything inside the image.
  docker create --name "$prefix-count" "$1" /nothing >/dev/null
  docker export "$prefix-count" | tar -tvf - | grep -cE '^-..[sS]|^-.....[sS]' || true
  docker rm "$prefix-count" >/dev/null
}
DOCKER_BUILDKIT=1 /usr/bin/docker build --network=none -q -f Dockerfile.stripped -t "$stripped" . >/dev/null
echo "== setuid/setgid files"
echo "debian:bookworm-slim:          $(count_special debian:bookworm-slim)"
echo "after find ... chmod a-s:      $(count_special "$stripped")"
