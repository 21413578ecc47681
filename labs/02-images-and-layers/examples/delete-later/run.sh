#!/usr/bin/env bash
# Chapter 2: measure what deleting a file costs, in a later layer and in the same layer.
set -euo pipefail
prefix=${LBL_PREFIX:-lbl-ch02}
cleanup() { docker rmi -f "$prefix-delete-later" "$prefix-delete-same-layer" >/dev/null 2>&1 || true; }
trap cleanup EXIT

# BuildKit is the default builder from Docker 23 on; older clients need DOCKER_BUILDKIT=1.
docker_build() {
  if docker buildx version >/dev/null 2>&1; then docker build "$@"
  else DOCKER_BUILDKIT=1 /usr/bin/docker build "$@"; fi
}
docker_build --quiet --network=none -t "$prefix-delete-later" . >/dev/null
docker_build --quiet --network=none -t "$prefix-delete-same-layer" ../delete-same-layer >/dev/null

size() { docker image inspect -f '{{.Size}}' "$1"; }
layers() { docker image inspect -f '{{len .RootFS.Layers}}' "$1"; }
# What a push or a pull would move, roughly: the saved image, gzip-compressed.
gzipped() { docker save "$1" | gzip -c | wc -c; }
echo "== Sizes in bytes (docker image inspect .Size; docker save | gzip), and layer counts"
printf '%-20s %12s %12s %7s\n' image size gzipped layers
for image in alpine:3.20 "$prefix-delete-later" "$prefix-delete-same-layer"; do
  printf '%-20s %12s %12s %7s\n' "${image#"$prefix-"}" "$(size "$image")" "$(gzipped "$image")" "$(layers "$image")"
done

echo
echo "== docker history of delete-later: the blob's layer is still there"
# (The course's stand-in base images add LABEL steps of their own: left out here.)
docker history --format 'table {{.Size}}\t{{.CreatedBy}}' "$prefix-delete-later" |
  grep -v 'LABEL org.layerbylayer' | cut -c1-90

echo
echo "== A container from delete-later cannot see the blob"
docker run --rm --name "$prefix-look" --network none "$prefix-delete-later" \
  sh -c 'ls -la /data; du -sh /data'

wasted=$(( $(size "$prefix-delete-later") - $(size "$prefix-delete-same-layer") ))
echo
echo "delete-later carries $wasted more bytes than delete-same-layer"
[ "$wasted" -gt 19000000 ] || { echo "expected about 20 MB of difference"; exit 1; }
