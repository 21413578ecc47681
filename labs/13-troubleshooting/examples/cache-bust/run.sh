#!/usr/bin/env bash
# Chapter 13 · "the cache never works in CI": a timestamp early in the Dockerfile.
set -euo pipefail
cd "$(dirname "$0")"
P="${LBL_PREFIX:-lbl-demo}"

cleanup() {
  docker rmi "$P-cache:bad" "$P-cache:good" "$P-stamp" >/dev/null 2>&1 || true
}
trap cleanup EXIT

build() { DOCKER_BUILDKIT=1 "$(command -v /usr/bin/docker || command -v docker)" build --network=none "$@"; }
# From BuildKit's plain progress, list each RUN/COPY step and whether it ran or was cached.
steps() {
  awk '/^#[0-9]+ \[[0-9]+\/[0-9]+\] (RUN|COPY)/ { id = $1; if (!(id in name)) { sub(/^#[0-9]+ /, ""); name[id] = $0; order[++n] = id } }
       /^#[0-9]+ CACHED/ { cached[$1] = 1 }
       END { for (i = 1; i <= n; i++) printf "    %-6s %s\n", (order[i] in cached ? "cached" : "RAN"), name[order[i]] }'
}
ci_build() {   # what a CI job does: build with the current time as the build date
  local dockerfile="$1" tag="$2" start log
  start=$(date +%s%N)
  log="$(build --progress=plain --build-arg BUILD_DATE="$(date -u +%FT%T.%NZ)" -f "$dockerfile" -t "$tag" . 2>&1)"
  echo "  $dockerfile: $(( ($(date +%s%N) - start) / 1000000 )) ms"
  steps <<<"$log"
}

for variant in bad good; do
  dockerfile=Dockerfile; [ "$variant" = bad ] && dockerfile=Dockerfile.bad
  ci_build "$dockerfile" "$P-cache:$variant" >/dev/null   # the first build fills the cache
  echo "== $variant: a second build, no file changed, a new BUILD_DATE"
  ci_build "$dockerfile" "$P-cache:$variant"
done

echo "== diagnosis: docker history records each RUN with the build args it saw"
docker history --no-trunc --format '{{.CreatedSince}}	{{.CreatedBy}}' "$P-cache:bad" | sed -n '1,4p' |
  cut -c1-100 | sed 's/^/  /'

echo "== the opposite trap: RUN date is cached, so its 'timestamp' goes stale"
for attempt in 1 2; do
  build -q -t "$P-stamp" - >/dev/null <<'DOCKERFILE'
FROM alpine:3.20
RUN date -u +%T > /built-at
DOCKERFILE
  echo "  build $attempt at $(date -u +%T): /built-at says $(docker run --rm "$P-stamp" cat /built-at)"
  sleep 2
done
