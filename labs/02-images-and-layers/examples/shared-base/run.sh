#!/usr/bin/env bash
# Chapter 2: two images built FROM the same base share its layers, on disk and in
# transfers. Docker stores each layer once, under its digest.
set -euo pipefail
prefix=${LBL_PREFIX:-lbl-ch02}
cleanup() { docker rmi -f "$prefix-app-a" "$prefix-app-b" >/dev/null 2>&1 || true; }
trap cleanup EXIT

# BuildKit is the default builder from Docker 23 on; older clients need DOCKER_BUILDKIT=1.
docker_build() {
  if docker buildx version >/dev/null 2>&1; then docker build "$@"
  else DOCKER_BUILDKIT=1 /usr/bin/docker build "$@"; fi
}
docker_build --quiet --network=none -t "$prefix-app-a" app-a >/dev/null
docker_build --quiet --network=none -t "$prefix-app-b" app-b >/dev/null

layers() { docker image inspect -f '{{range .RootFS.Layers}}{{println .}}{{end}}' "$1" | sed '/^$/d'; }
echo "== Layer digests (diff_ids), bottom layer first"
for image in python:3.11-slim "$prefix-app-a" "$prefix-app-b"; do
  echo "${image#"$prefix-"}:"
  layers "$image" | cut -c1-19 | sed 's/^/  /'
done
shared=$(comm -12 <(layers "$prefix-app-a" | sort) <(layers "$prefix-app-b" | sort) | wc -l)
echo "app-a and app-b have $shared layers in common: all of python:3.11-slim's"

echo
echo "== docker system df -v: SIZE counts the shared base in full; UNIQUE is what each image adds"
printf '%-18s %8s %8s %8s\n' IMAGE SIZE SHARED UNIQUE
docker system df -v --format \
  '{{range .Images}}{{.Repository}}:{{.Tag}} {{.Size}} {{.SharedSize}} {{.UniqueSize}}{{println}}{{end}}' |
  awk -v p="$prefix-" '$1 == "python:3.11-slim" || index($1, p) == 1 {
    sub(p, "", $1); printf "%-18s %8s %8s %8s\n", $1, $2, $3, $4 }'
