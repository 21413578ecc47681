#!/usr/bin/env bash
# Chapter 13 · the method, step by step, on a container that exits as soon as it starts.
set -euo pipefail
cd "$(dirname "$0")"
P="${LBL_PREFIX:-lbl-demo}"
NAME="$P-app"

cleanup() {
  docker rm -f "$NAME" "$P-127" "$P-126" >/dev/null 2>&1 || true
  docker rmi "$P-method" >/dev/null 2>&1 || true
}
trap cleanup EXIT

build() { DOCKER_BUILDKIT=1 "$(command -v /usr/bin/docker || command -v docker)" build --network=none "$@"; }
build -q -t "$P-method" . >/dev/null

since="$(date +%s)"
docker run -d --name "$NAME" "$P-method" >/dev/null
sleep 1

echo "== 0. docker ps -a: what state is it in?"
docker ps -a --filter "name=^$NAME\$" --format '{{.Status}}' | sed 's/^/  /'

echo "== 1. docker logs: what did it say before it went?"
docker logs "$NAME" 2>&1 | sed 's/^/  /'

echo "== 2. docker inspect: how was it started, and how did it end?"
docker inspect -f '  exit code {{.State.ExitCode}}, OOMKilled {{.State.OOMKilled}}, user {{.Config.User}}
  entrypoint {{json .Config.Entrypoint}}, cmd {{json .Config.Cmd}}
  env {{json .Config.Env}}' "$NAME"

echo "== 3. docker events: what did the engine see happen?"
docker events --since "$since" --until "$(( $(date +%s) + 1 ))" --filter type=container \
    --format '{{.Status}} {{.Actor.ID}} {{index .Actor.Attributes "exitCode"}}' |
  awk -v id="$(docker inspect -f '{{.Id}}' "$NAME")" '$2 == id { print "  " $1 ($3 != "" ? " (exitCode " $3 ")" : "") }'

echo "== 4. docker history: which step of the image set that path?"
docker history --no-trunc --format '{{.CreatedBy}}' "$P-method" | sed -n '1,6p' | cut -c1-80 | sed 's/^/  /'

echo "== 5. docker diff: what did it change before it exited?"
docker diff "$NAME" | sed 's/^/  /'

echo "== 6. exec needs a running container: look with a throwaway one instead"
docker exec "$NAME" ls /etc/app 2>&1 | grep -v '^WARNING' | sed 's/^/  exec: /' || true
docker run --rm --entrypoint ls "$P-method" -lR /etc/app | sed 's/^/  /'

echo "== the fix, and a look inside the running container"
docker rm -f "$NAME" >/dev/null
docker run -d --name "$NAME" -e APP_CONFIG=/etc/app/app.conf "$P-method" >/dev/null
sleep 1
docker logs "$NAME" 2>&1 | sed 's/^/  /'
docker exec "$NAME" ps -o pid,user,args | sed 's/^/  /'
docker exec "$NAME" wget -q -O - http://127.0.0.1:8080/ | sed 's/^/  page: /'

echo "== appendix: exit codes that come from the runtime, before any app code runs"
docker run --name "$P-127" alpine:3.20 no-such-command >/dev/null 2>&1 || true
docker run --name "$P-126" alpine:3.20 /etc/hostname >/dev/null 2>&1 || true
for c in 127 126; do
  docker inspect -f "  {{.State.ExitCode}}: {{.State.Error}}" "$P-$c" | sed 's/.*unable to start container process: /  '"$c"': /'
done
