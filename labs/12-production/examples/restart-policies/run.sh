#!/usr/bin/env bash
# Chapter 12 · restart policies in production: a bounded retry for a leaking service,
# what the engine records about each death, and changing the policy of a live container.
set -euo pipefail
P="${LBL_PREFIX:-lbl-demo}"

cleanup() {
  docker rm -f "$P-leaky" "$P-web" >/dev/null 2>&1 || true
}
trap cleanup EXIT

wait_exited() {   # until the container has stopped for good (no restart pending)
  for _ in $(seq 1 150); do
    [ "$(docker inspect -f '{{.State.Status}}' "$1")" = exited ] && return 0
    sleep 0.2
  done
  return 1
}

echo "== 1. a service that leaks memory, under --memory 32m and --restart on-failure:3"
# Each run allocates 4 MiB every 50 ms until the kernel's OOM killer ends it (exit 137).
# 137 is a failure, so on-failure restarts it: three times, then the engine gives up.
since="$(date +%s)"
docker run -d --name "$P-leaky" --memory 32m --memory-swap 32m --restart on-failure:3 \
  python:3.11-slim python -c '
import time
leak = []
while True:
    leak.append(bytearray(4 * 1024 * 1024))
    time.sleep(0.05)
' >/dev/null
sleep 1
wait_exited "$P-leaky"
docker inspect -f '  status {{.State.Status}}, restarts {{.RestartCount}}, exit code {{.State.ExitCode}}, OOMKilled {{.State.OOMKilled}}' "$P-leaky"
echo "  its events:" $(docker events --since "$since" --until "$(( $(date +%s) + 1 ))" --filter type=container \
  --format '{{.Status}} {{.Actor.ID}}' | awk -v id="$(docker inspect -f '{{.Id}}' "$P-leaky")" '$2 == id {print $1}')

echo "== 2. change the policy of a running container with docker update"
# A stand-in service that crashes (exit 1) when /tmp/crash appears. It removes the file
# first: a restart reuses the same container, writable layer and all, so a file left
# there would crash every later start too.
docker run -d --name "$P-web" alpine:3.20 \
  sh -c 'echo "up at $(date +%T)"; while [ ! -f /tmp/crash ]; do sleep 0.2; done; rm /tmp/crash; exit 1' >/dev/null
docker inspect -f '  before: {{.HostConfig.RestartPolicy.Name}}' "$P-web"
docker update --restart unless-stopped "$P-web" >/dev/null
docker inspect -f '  after:  {{.HostConfig.RestartPolicy.Name}}' "$P-web"
docker exec "$P-web" touch /tmp/crash
sleep 2
docker inspect -f '  after a crash: status {{.State.Status}}, restarts {{.RestartCount}}' "$P-web"
docker logs "$P-web" 2>&1 | sed 's/^/    /'
docker stop "$P-web" >/dev/null
sleep 1
docker inspect -f '  after docker stop: status {{.State.Status}}, restarts {{.RestartCount}}' "$P-web"
