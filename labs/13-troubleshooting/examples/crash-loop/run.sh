#!/usr/bin/env bash
# Chapter 13 · a crash loop: the container is "Restarting", exec is refused, and the
# reason is in the logs of the attempts that already died.
set -euo pipefail
cd "$(dirname "$0")"
P="${LBL_PREFIX:-lbl-demo}"

cleanup() {
  docker rm -f "$P-app" >/dev/null 2>&1 || true
  docker rmi "$P-needs-env" >/dev/null 2>&1 || true
}
trap cleanup EXIT

build() { DOCKER_BUILDKIT=1 "$(command -v /usr/bin/docker || command -v docker)" build --network=none "$@"; }
build -q -t "$P-needs-env" . >/dev/null

echo "== the symptom: started with --restart always, and no DATABASE_URL"
docker run -d --name "$P-app" --restart always "$P-needs-env" >/dev/null
sleep 4
docker ps -a --filter "name=^$P-app\$" --format 'status: {{.Status}}' | sed 's/^/  /'

echo "== 1. try to look inside"
docker exec "$P-app" env 2>&1 | grep -v '^WARNING' | sed 's/^/  /' || true

echo "== 2. how often has it died, and how?"
docker inspect -f '  restarts: {{.RestartCount}}; last exit code: {{.State.ExitCode}}' "$P-app"

echo "== 3. the logs hold every attempt's output"
docker logs "$P-app" 2>&1 | sort | uniq -c | sed 's/^ */  /'

echo "== 4. the configuration it was given"
docker inspect -f '{{range .Config.Env}}  {{println .}}{{end}}' "$P-app" | grep . || true

echo "== the fix: give it the setting (a new container: env is fixed at creation)"
docker rm -f "$P-app" >/dev/null
docker run -d --name "$P-app" --restart always \
  -e DATABASE_URL=postgres://app:secret@db:5432/app "$P-needs-env" >/dev/null
sleep 2
docker ps --filter "name=^$P-app\$" --format 'status: {{.Status}}' | sed 's/^/  /'
docker inspect -f '  restarts: {{.RestartCount}}' "$P-app"
docker logs "$P-app" 2>&1 | sed 's/^/  /'
