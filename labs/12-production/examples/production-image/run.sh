#!/usr/bin/env bash
# Chapter 12 · build the greeter for production, read its labels, run it with limits,
# wait for its health check to pass, then stop it while a request is in flight.
set -euo pipefail
cd "$(dirname "$0")"
P="${LBL_PREFIX:-lbl-demo}"
IMAGE="$P-greeter:1.0.0"
NAME="$P-greeter"
BODY="$(mktemp)"

cleanup() {
  docker rm -f "$NAME" >/dev/null 2>&1 || true
  docker network rm "$P-net" >/dev/null 2>&1 || true
  docker rmi "$IMAGE" >/dev/null 2>&1 || true
  rm -f "$BODY"
}
trap cleanup EXIT

# BuildKit (this course's CI has it in /usr/bin/docker). Nothing here downloads anything.
build() { DOCKER_BUILDKIT=1 "$(command -v /usr/bin/docker || command -v docker)" build --network=none "$@"; }
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

echo "== 1. build, filling the labels in from the build"
build -q -t "$IMAGE" \
  --build-arg VERSION=1.0.0 \
  --build-arg REVISION="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" \
  --build-arg CREATED="$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
  . >/dev/null
docker image inspect -f '{{range $k, $v := .Config.Labels}}{{$k}}={{$v}}{{println}}{{end}}' "$IMAGE"
docker image inspect -f 'HEALTHCHECK: {{json .Config.Healthcheck}}' "$IMAGE"

echo "== 2. run it the way production would"
docker network create "$P-net" >/dev/null
# --health-interval 1s only so that this demo does not wait 30 s for the first check.
docker run -d --name "$NAME" --network "$P-net" -p 127.0.0.1::8080 \
  --read-only --cap-drop ALL --security-opt no-new-privileges \
  --memory 64m --memory-swap 64m --cpus 0.5 --pids-limit 64 \
  --restart on-failure:3 \
  --health-interval 1s \
  "$IMAGE" >/dev/null
start=$(date +%s%N)
status=""
for _ in $(seq 1 150); do
  now="$(docker inspect -f '{{.State.Health.Status}}' "$NAME")"
  if [ "$now" != "$status" ]; then
    echo "  after $(ms_since "$start") ms: $now"
    status="$now"
  fi
  [ "$status" = healthy ] && break
  sleep 0.2
done
[ "$status" = healthy ]
PORT="$(docker port "$NAME" 8080/tcp | head -n1 | sed 's/.*://')"
curl -fsS "http://127.0.0.1:$PORT/?name=production"

echo "== 3. docker stop while a 2-second request is in flight"
curl -fsS "http://127.0.0.1:$PORT/slow?ms=2000" >"$BODY" &
client=$!
sleep 0.5
start=$(date +%s%N)
docker stop "$NAME" >/dev/null
echo "  docker stop returned after $(ms_since "$start") ms"
wait "$client"
echo "  the request in flight got: $(cat "$BODY")"
echo "  exit code: $(docker inspect -f '{{.State.ExitCode}}' "$NAME")"

echo "== 4. the logs, one JSON object per line, from stdout"
docker logs "$NAME"
