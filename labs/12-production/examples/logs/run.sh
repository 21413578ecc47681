#!/usr/bin/env bash
# Chapter 12 · logs belong on stdout: the app writes lines, and where they end up is the
# engine's configuration (its log driver), not the app's.
set -euo pipefail
cd "$(dirname "$0")"
P="${LBL_PREFIX:-lbl-demo}"
COLLECTED="$(mktemp)"
COLLECTOR=""

cleanup() {
  [ -n "$COLLECTOR" ] && kill "$COLLECTOR" 2>/dev/null || true
  docker rm -f "$P-to-file" "$P-to-stdout" "$P-local" "$P-syslog" "$P-none" >/dev/null 2>&1 || true
  docker rmi "$P-logs:to-file" "$P-logs:to-stdout" >/dev/null 2>&1 || true
  rm -f "$COLLECTED"
}
trap cleanup EXIT

build() { DOCKER_BUILDKIT=1 "$(command -v /usr/bin/docker || command -v docker)" build --network=none "$@"; }
build -q --target to-file -t "$P-logs:to-file" . >/dev/null
build -q --target to-stdout -t "$P-logs:to-stdout" . >/dev/null

echo "== 1. the same app, logging to a file and to stdout"
for variant in to-file to-stdout; do
  docker run --name "$P-$variant" "$P-logs:$variant" >/dev/null 2>&1
  echo "  $variant: docker logs shows $(docker logs "$P-$variant" 2>&1 | wc -l) lines"
done
echo "  to-file's lines went to its writable layer, where nothing collects them:"
docker diff "$P-to-file" | grep app.log | sed 's/^/    /'

echo "== 2. the same stdout, other log drivers (the engine's default: $(docker info -f '{{.LoggingDriver}}'))"
docker run --name "$P-local" --log-driver local "$P-logs:to-stdout" >/dev/null 2>&1
echo "  local:  docker logs shows $(docker logs "$P-local" 2>&1 | wc -l) lines"

# A stand-in for a log collector: a UDP syslog listener on the host's loopback. The
# engine itself (not the container) sends each line to it.
if command -v python3 >/dev/null; then
  python3 -u -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1], flush=True)
while True:
    print(s.recv(4096).decode(errors="replace").strip(), flush=True)
' >"$COLLECTED" &
  COLLECTOR=$!
  for _ in $(seq 1 50); do [ -s "$COLLECTED" ] && break; sleep 0.1; done
  port="$(head -n1 "$COLLECTED")"
  docker run --name "$P-syslog" --log-driver syslog \
    --log-opt "syslog-address=udp://127.0.0.1:$port" --log-opt tag=orders \
    "$P-logs:to-stdout" >/dev/null 2>&1
  sleep 0.5
  echo "  syslog: the collector received $(tail -n +2 "$COLLECTED" | wc -l) lines; the first:"
  sed -n 2p "$COLLECTED" | sed 's/^/    /'
  echo "  syslog: and docker logs still shows $(docker logs "$P-syslog" 2>&1 | wc -l) lines (the engine keeps a local copy)"
fi

docker run --name "$P-none" --log-driver none "$P-logs:to-stdout" >/dev/null 2>&1
echo "  none:   $(docker logs "$P-none" 2>&1 | grep -v '^WARNING' || true)"
