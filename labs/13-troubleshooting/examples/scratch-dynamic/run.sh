#!/usr/bin/env bash
# Chapter 13 · a file that is plainly there, and "no such file or directory".
set -euo pipefail
cd "$(dirname "$0")"
P="${LBL_PREFIX:-lbl-demo}"
OUT="$(mktemp -d)"

cleanup() {
  docker rm -f "$P-broken" >/dev/null 2>&1 || true
  docker rmi "$P-scratch:builder" "$P-scratch:broken" "$P-scratch:fixed" >/dev/null 2>&1 || true
  rm -rf "$OUT"
}
trap cleanup EXIT

build() { DOCKER_BUILDKIT=1 "$(command -v /usr/bin/docker || command -v docker)" build --network=none "$@"; }
# How a binary starts: `file` reads its ELF header. Without `file`, the loader's path
# is a plain string near the start of a dynamically linked binary.
describe() {
  if command -v file >/dev/null; then
    file -b "$1" | tr ',' '\n' | grep -E 'dynamically|statically|interpreter' | sed 's/^ */  /'
  else
    head -c 4096 "$1" | grep -a -o '/lib[^[:cntrl:]]*ld-linux[^[:cntrl:]]*' | sed 's/^/  interpreter /' ||
      echo "  no interpreter: static"
  fi
}

for target in builder broken fixed; do
  build -q --target "$target" -t "$P-scratch:$target" . >/dev/null
done

echo "== the symptom"
docker run --name "$P-broken" "$P-scratch:broken" 2>&1 | grep -v '^WARNING' | sed 's/^/  /' || true
docker inspect -f '  exit code {{.State.ExitCode}}' "$P-broken"

echo "== 1. is the file there? list the container's filesystem (works without a shell)"
docker export "$P-broken" | tar -tv | grep hello | sed 's/^/  /'

echo "== 2. what does the kernel need to start it? copy it out and read its ELF header"
docker cp "$P-broken":/hello "$OUT/hello" >/dev/null
describe "$OUT/hello"
echo "  and Go's own record of how it was built:"
docker run --rm --entrypoint go "$P-scratch:builder" version -m /out/hello-dynamic |
  grep -E 'buildmode|CGO_ENABLED' | sed 's/^[[:space:]]*/  /'
echo "  scratch has no /lib64: the missing file is the loader, not /hello."

echo "== 3. the fix: a static binary"
docker run --rm --entrypoint cat "$P-scratch:builder" /out/hello-static >"$OUT/hello-static"
describe "$OUT/hello-static"
docker run --rm "$P-scratch:fixed" scratch 2>&1 | grep -v '^WARNING' | sed 's/^/  /'
