#!/usr/bin/env bash
# Chapter 8 · the same Go server on four runtime bases. For each one: its size, the
# base's share of it, whether it has a shell to `docker exec` into, and whether the
# server answers. The builder stage is built too, as the single-stage baseline: it is
# the image you would ship if the Dockerfile stopped after `go build`.
set -euo pipefail
prefix="${LBL_PREFIX:?set LBL_PREFIX to a unique prefix}"
here="$(cd "$(dirname "$0")" && pwd)"
app="$here/../../go/app"
targets=(builder on-debian on-alpine on-distroless on-scratch)
declare -A base=(
  [builder]=golang:1.22-alpine [on-debian]=debian:bookworm-slim [on-alpine]=alpine:3.20
  [on-distroless]=gcr.io/distroless/static-debian12:nonroot [on-scratch]=scratch
)

cleanup() {
  docker rm -f "$prefix-server" "$prefix-probe" "$prefix-shell" >/dev/null 2>&1 || true
  for t in "${targets[@]}"; do docker rmi -f "$prefix-$t" >/dev/null 2>&1 || true; done
}
trap cleanup EXIT

mb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1e6 }'; }
size() { docker image inspect -f '{{.Size}}' "$1"; }

for t in "${targets[@]}"; do
  # BuildKit builds only the stages the target needs; no network: Go's standard library suffices.
  DOCKER_BUILDKIT=1 /usr/bin/docker build -q --network none --target "$t" \
    -f "$here/bases.Dockerfile" -t "$prefix-$t" "$app" >/dev/null
done

printf '%-14s %-42s %9s %9s %6s %7s\n' TARGET BASE IMAGE_MB BASE_MB SHELL SERVES
for t in "${targets[@]}"; do
  image="$prefix-$t"
  if [ "$t" = on-scratch ]; then base_mb=0.0; else base_mb=$(mb "$(size "${base[$t]}")"); fi

  # Is there a /bin/sh to run? On scratch and distroless the start itself fails.
  if docker run --name "$prefix-shell" --entrypoint /bin/sh "$image" -c true >/dev/null 2>&1; then
    shell=yes
  else
    shell=no
  fi
  docker rm -f "$prefix-shell" >/dev/null 2>&1 || true

  serves=-
  if [ "$t" != builder ]; then
    # Loopback only: a probe joins the server's network namespace and asks 127.0.0.1.
    docker run -d --name "$prefix-server" --read-only --cap-drop ALL "$image" >/dev/null
    if docker run --name "$prefix-probe" --network "container:$prefix-server" alpine:3.20 \
      sh -c 'for i in 1 2 3 4 5; do wget -qO- http://127.0.0.1:8080/ && exit 0; sleep 1; done; exit 1' \
      >/dev/null 2>&1; then serves=yes; else serves=no; fi
    docker rm -f "$prefix-server" "$prefix-probe" >/dev/null
  fi
  printf '%-14s %-42s %9s %9s %6s %7s\n' "$t" "${base[$t]}" "$(mb "$(size "$image")")" "$base_mb" "$shell" "$serves"
  if [ "$t" != builder ] && [ "$serves" != yes ]; then
    echo "the server on $t did not answer" >&2
    exit 1
  fi
done

echo
echo "Layers of the scratch image (docker history): nothing from the builder but the file it copied."
docker history --format '{{printf "%-8s" .Size}} {{.CreatedBy}}' "$prefix-on-scratch" | sed 's/^/  /'
