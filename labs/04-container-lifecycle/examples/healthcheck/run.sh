#!/usr/bin/env bash
# Chapter 4: watch a HEALTHCHECK move a container from starting to healthy, to
# unhealthy when /healthz disappears, and back. Times are seconds since `docker run`.
set -euo pipefail
LBL_PREFIX=${LBL_PREFIX:-lbl-demo}
# Everything this script creates is named after $LBL_PREFIX:
# (the image and the container share one name)
HEALTH="$LBL_PREFIX-health"

cleanup() {
  docker rm -f "$HEALTH" >/dev/null 2>&1 || true
  docker rmi -f "$HEALTH" >/dev/null 2>&1 || true
}
trap cleanup EXIT

# Run a command quietly; show what it printed only if it fails.
quiet() { local out; out=$("$@" 2>&1) || { echo "$out" >&2; return 1; }; }
health() { docker inspect -f '{{.State.Health.Status}}' "$HEALTH"; }
elapsed() { echo "$T0 $(date +%s.%N)" | awk '{printf "%5.1f s", $2 - $1}'; }
# wait_for STATUS: poll every 0.2 s (at most 30 s) until the health status is STATUS.
wait_for() {
  for _ in $(seq 150); do
    [ "$(health)" = "$1" ] && { echo "$(elapsed)  $1"; return 0; }
    sleep 0.2
  done
  echo "gave up waiting for $1 (status is $(health))" >&2
  return 1
}

quiet docker build -t "$HEALTH" .
T0=$(date +%s.%N)
quiet docker run -d --name "$HEALTH" "$HEALTH"
echo "$(elapsed)  $(health)"
wait_for healthy

docker exec "$HEALTH" rm /www/healthz
echo "$(elapsed)  (removed /www/healthz)"
wait_for unhealthy
echo "docker ps shows: $(docker ps --filter "name=^$HEALTH\$" --format '{{.Status}}')"
echo "the last probe, as the daemon recorded it:"
docker inspect -f '{{range .State.Health.Log}}  exit={{.ExitCode}} output={{printf "%q" .Output}}{{println}}{{end}}' "$HEALTH" \
  | grep . | tail -n 1

docker exec "$HEALTH" sh -c 'echo ok > /www/healthz'
echo "$(elapsed)  (restored /www/healthz)"
wait_for healthy
echo "unhealthy did not stop or restart it: status=$(docker inspect -f '{{.State.Status}}' "$HEALTH")"
