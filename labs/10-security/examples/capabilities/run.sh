#!/usr/bin/env bash
# Run the same capability probe as root and as a user, with and without capabilities.
set -euo pipefail
prefix="${LBL_PREFIX:?set LBL_PREFIX to a unique prefix}"
image="$prefix-caps"
n=0

cleanup() {
  for i in $(seq 1 "$n"); do docker rm -f "$prefix-caps-$i" >/dev/null 2>&1 || true; done
  docker rmi -f "$image" >/dev/null 2>&1 || true
}
trap cleanup EXIT

DOCKER_BUILDKIT=1 /usr/bin/docker build --network=none -q -t "$image" . >/dev/null

probe() {
  n=$((n + 1))
  echo "== docker run $*"
  docker run --rm --name "$prefix-caps-$n" "$@" "$image"
}

probe                                # Docker's default set for root
probe --cap-drop ALL                 # root, with nothing
probe --cap-drop ALL --cap-add CHOWN # root, with exactly one capability back
probe --user 10001                   # not root: no effective capabilities at all
