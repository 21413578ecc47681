#!/usr/bin/env bash
# Chapter 6: publishing a port. The server listens on 8080 inside its namespace; -p asks
# Docker to listen on a host address and forward to it. We bind 127.0.0.1 only, and let
# Docker pick a free host port so two runs never collide.
set -euo pipefail
LBL_PREFIX=${LBL_PREFIX:-lbl-demo}
# Everything this script creates is named after $LBL_PREFIX:
WEB="$LBL_PREFIX-web" EXPOSED="$LBL_PREFIX-exposed" CLIENT="$LBL_PREFIX-client"
NET="$LBL_PREFIX-net"

cleanup() {
  docker rm -f "$WEB" "$EXPOSED" "$CLIENT" >/dev/null 2>&1 || true
  docker network rm "$NET" >/dev/null 2>&1 || true
}
trap cleanup EXIT

# Run a command quietly; show what it printed only if it fails.
quiet() { local out; out=$("$@" 2>&1) || { echo "$out" >&2; return 1; }; }
# fetch URL: an HTTP GET from the host, with whichever client it has.
fetch() {
  if command -v curl >/dev/null; then curl -fsS --max-time 5 "$1"; else wget -qO- -T 5 "$1"; fi
}
SERVE='mkdir -p /www && echo "hello from $(hostname)" > /www/index.html && exec httpd -f -p 8080 -h /www'

quiet docker network create "$NET"
# 127.0.0.1::8080 means: host address 127.0.0.1, any free host port, container port 8080.
quiet docker run -d --name "$WEB" --network "$NET" -p 127.0.0.1::8080 alpine:3.20 sh -c "$SERVE"
# --expose (like EXPOSE in a Dockerfile) only records the port; it publishes nothing.
quiet docker run -d --name "$EXPOSED" --network "$NET" --expose 8080 alpine:3.20 sh -c "$SERVE"

echo "== docker port $WEB:"
docker port "$WEB"
HOSTPORT=$(docker port "$WEB" 8080/tcp | head -n 1)
echo "== GET http://$HOSTPORT/ from the host:"
for _ in $(seq 20); do fetch "http://$HOSTPORT/" 2>/dev/null && break; sleep 0.2; done
if command -v ss >/dev/null; then
  echo "== who listens on that port on the host (ss -ltn):"
  ss -ltn "sport = :${HOSTPORT##*:}" | awk 'NR > 1 {print "   " $4}'
fi

echo "== $EXPOSED: exposed $(docker inspect -f '{{range $p, $_ := .Config.ExposedPorts}}{{$p}} {{end}}' "$EXPOSED")but published: [$(docker port "$EXPOSED")]"
echo "== it still answers on its network, to other containers:"
docker run --rm --name "$CLIENT" --network "$NET" alpine:3.20 wget -qO- "http://$EXPOSED:8080/"
