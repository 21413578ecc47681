#!/usr/bin/env bash
# Chapter 6: --network container:NAME puts a second container in the first one's network
# namespace. The app below has no network at all and listens on loopback only, yet the
# sidecar reaches it at 127.0.0.1, because it is the same loopback.
set -euo pipefail
LBL_PREFIX=${LBL_PREFIX:-lbl-demo}
# Everything this script creates is named after $LBL_PREFIX:
APP="$LBL_PREFIX-app" SIDECAR="$LBL_PREFIX-sidecar"

cleanup() { docker rm -f "$APP" "$SIDECAR" >/dev/null 2>&1 || true; }
trap cleanup EXIT

# Run a command quietly; show what it printed only if it fails.
quiet() { local out; out=$("$@" 2>&1) || { echo "$out" >&2; return 1; }; }
# sidecar COMMAND: a throwaway container that joins the app's network namespace.
# (Inside it, 2>&1 puts the command's own error messages on stdout, where we show them.)
sidecar() {
  docker run --rm --name "$SIDECAR" --network "container:$APP" alpine:3.20 sh -c "{ $1; } 2>&1" || true
}

quiet docker run -d --name "$APP" --network none alpine:3.20 sh -c \
  'mkdir -p /www && echo "hello from the app, on loopback only" > /www/index.html && exec httpd -f -p 127.0.0.1:8080 -h /www'
sleep 0.5

echo "== the app's interfaces:   $(docker exec "$APP" ip -o -4 addr | awk '{printf "%s=%s ", $2, $4}')"
echo "== the sidecar's interfaces: $(sidecar "ip -o -4 addr" | awk '{printf "%s=%s ", $2, $4}')"
echo "== the sidecar fetches http://127.0.0.1:8080/:"
sidecar "wget -qO- http://127.0.0.1:8080/"
echo "== and lists the app's listening sockets (the app's image needs no tools for this):"
sidecar "netstat -tln | tail -n +3"
echo "== ports are shared too: the sidecar cannot listen on 8080 as well:"
sidecar "httpd -f -p 127.0.0.1:8080"
echo "== Docker even hands the sidecar the app's hostname: app=$(docker exec "$APP" hostname), sidecar=$(sidecar hostname)"
