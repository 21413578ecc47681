#!/usr/bin/env bash
# Chapter 6: --network host. The container shares the host's network namespace, so a
# server in it listens directly on the host: no -p, no proxy, and no isolation. This one
# binds 127.0.0.1 only; without that it would listen on every interface the host has.
set -euo pipefail
LBL_PREFIX=${LBL_PREFIX:-lbl-demo}
# Everything this script creates is named after $LBL_PREFIX:
HOSTWEB="$LBL_PREFIX-hostweb" HOSTWEB_P="$LBL_PREFIX-hostweb-p"

cleanup() { docker rm -f "$HOSTWEB" "$HOSTWEB_P" >/dev/null 2>&1 || true; }
trap cleanup EXIT

# Run a command quietly; show what it printed only if it fails.
quiet() { local out; out=$("$@" 2>&1) || { echo "$out" >&2; return 1; }; }
fetch() {
  if command -v curl >/dev/null; then curl -fsS --max-time 5 "$1"; else wget -qO- -T 5 "$1"; fi
}
# free_port: a loopback port nothing answers on (bash connects through /dev/tcp).
free_port() {
  local port
  for _ in $(seq 50); do
    port=$((20000 + RANDOM % 20000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return 0; }
  done
  return 1
}

PORT=$(free_port)
quiet docker run -d --name "$HOSTWEB" --network host alpine:3.20 sh -c \
  "mkdir -p /www && echo 'hello from the host network' > /www/index.html && exec httpd -f -p 127.0.0.1:$PORT -h /www"

echo "== docker port $HOSTWEB: [$(docker port "$HOSTWEB")] (nothing is published)"
echo "== GET http://127.0.0.1:$PORT/ from the host:"
for _ in $(seq 20); do fetch "http://127.0.0.1:$PORT/" 2>/dev/null && break; sleep 0.2; done
if command -v ss >/dev/null; then
  echo "== the listener, seen from the host (ss -ltn):"
  ss -ltn "sport = :$PORT" | awk 'NR > 1 {print "   " $4}'
fi
echo "== the container's hostname is the host's: $([ "$(docker exec "$HOSTWEB" hostname)" = "$(hostname)" ] && echo yes || echo no)"
echo "== -p is ignored in host mode; docker run says:"
docker run --rm --name "$HOSTWEB_P" --network host -p 127.0.0.1:9:9 alpine:3.20 true 2>&1 | grep -i publish || true
