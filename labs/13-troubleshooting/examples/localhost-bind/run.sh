#!/usr/bin/env bash
# Chapter 13 · the port is published, the app is running, and the client gets nothing.
set -euo pipefail
cd "$(dirname "$0")"
P="${LBL_PREFIX:-lbl-demo}"

cleanup() {
  docker rm -f "$P-app" >/dev/null 2>&1 || true
  docker network rm "$P-net" >/dev/null 2>&1 || true
  docker rmi "$P-loopback" >/dev/null 2>&1 || true
}
trap cleanup EXIT

build() { DOCKER_BUILDKIT=1 "$(command -v /usr/bin/docker || command -v docker)" build --network=none "$@"; }
build -q -t "$P-loopback" . >/dev/null
docker network create "$P-net" >/dev/null

start() {   # start the app with the given extra flags; print the host port it got
  docker rm -f "$P-app" >/dev/null 2>&1 || true
  docker run -d --name "$P-app" --network "$P-net" -p 127.0.0.1::8080 "$@" "$P-loopback" >/dev/null
  for _ in $(seq 1 50); do  # until the app has said it is listening
    docker logs "$P-app" 2>&1 | grep listening >/dev/null && break
    sleep 0.2
  done
  docker port "$P-app" 8080/tcp | head -n1 | sed 's/.*://'
}

PORT="$(start)"
echo "== the symptom: curl http://127.0.0.1:$PORT/"
curl -sS -m 5 "http://127.0.0.1:$PORT/" 2>&1 | sed 's/^/  /' || true

echo "== 1. is it running, and is the port published?"
docker ps --filter "name=^$P-app\$" --format 'status: {{.Status}}; ports: {{.Ports}}' | sed 's/^/  /'

echo "== 2. does the app answer from inside its own container?"
docker exec "$P-app" python -c \
  'import urllib.request; print(urllib.request.urlopen("http://127.0.0.1:8080/").read().decode(), end="")' |
  sed 's/^/  /'

echo "== 3. and from a neighbour on the same network?"
docker run --rm --network "$P-net" alpine:3.20 wget -q -O - "http://$P-app:8080/" 2>&1 |
  grep -v '^WARNING' | sed 's/^/  /' || true

echo "== 4. what is it listening on? (a BusyBox sidecar in the app's network namespace)"
docker run --rm --network "container:$P-app" alpine:3.20 netstat -ltn | grep ':8080' | sed 's/^/  /'
docker logs "$P-app" 2>&1 | sed 's/^/  the app said: /'

echo "== the fix: listen on every interface"
PORT="$(start -e HOST=0.0.0.0)"
docker run --rm --network "container:$P-app" alpine:3.20 netstat -ltn | grep ':8080' | sed 's/^/  /'
curl -sS -m 5 "http://127.0.0.1:$PORT/" | sed 's/^/  curl: /'
