#!/usr/bin/env bash
# Chapter 3: what COPY and ADD each do with the same tar archive, and with a directory.
set -euo pipefail
prefix=${LBL_PREFIX:-lbl-ch03}
image="$prefix-copy-vs-add"
work=$(mktemp -d)
cleanup() { docker rmi -f "$image" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

# BuildKit is the default builder from Docker 23 on; older clients need DOCKER_BUILDKIT=1.
docker_build() {
  if docker buildx version >/dev/null 2>&1; then docker build "$@"
  else DOCKER_BUILDKIT=1 /usr/bin/docker build "$@"; fi
}

cp -r vendor copy-and-add.Dockerfile "$work/"
tar -czf "$work/vendor.tar.gz" vendor
echo "== The build context"
(cd "$work" && find . -type f | sort)
docker_build --quiet --network=none -f "$work/copy-and-add.Dockerfile" -t "$image" "$work" >/dev/null

echo
echo "== Files in the image"
docker run --rm --name "$prefix-copy-vs-add-run" --network none "$image" | sort
