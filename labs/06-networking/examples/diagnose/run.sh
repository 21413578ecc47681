#!/usr/bin/env bash
# Chapter 6: diagnosing "it runs but I cannot reach it". The server below listens on
# 127.0.0.1 inside its container, a classic mistake. We climb the ladder, name -> address
# -> port -> listener -> HTTP, with BusyBox's nslookup, nc, netstat and wget, then fix it.
set -euo pipefail
LBL_PREFIX=${LBL_PREFIX:-lbl-demo}
# Everything this script creates is named after $LBL_PREFIX:
API="$LBL_PREFIX-api" PROBE="$LBL_PREFIX-probe" NET="$LBL_PREFIX-net"

cleanup() {
  docker rm -f "$API" "$PROBE" >/dev/null 2>&1 || true
  docker network rm "$NET" >/dev/null 2>&1 || true
}
trap cleanup EXIT

# Run a command quietly; show what it printed only if it fails.
quiet() { local out; out=$("$@" 2>&1) || { echo "$out" >&2; return 1; }; }
# probe NETWORK COMMAND: a BusyBox toolbox container; the command's errors go to stdout.
probe() { docker run --rm --name "$PROBE" --network "$1" alpine:3.20 sh -c "{ $2; } 2>&1" || true; }
# start_api BIND_ADDRESS: (re)start the server, listening on BIND_ADDRESS:8080.
start_api() {
  docker rm -f "$API" >/dev/null 2>&1 || true
  quiet docker run -d --name "$API" --network "$NET" -p 127.0.0.1::8080 alpine:3.20 sh -c \
    "mkdir -p /www && echo 'api is up' > /www/index.html && exec httpd -f -p $1:8080 -h /www"
  sleep 0.5
}
fetch() {
  if command -v curl >/dev/null; then curl -sS --max-time 5 "$1" 2>&1; else wget -qO- -T 5 "$1" 2>&1; fi
}
ladder() {
  local hostport
  hostport=$(docker port "$API" 8080/tcp | head -n 1)
  echo "   0. from the host, GET http://$hostport/:  $(fetch "http://$hostport/" | head -n 1)"
  echo "   1. is it running?      $(docker inspect -f '{{.State.Status}}, restarts={{.RestartCount}}' "$API")"
  echo "   2. does the name resolve?"
  probe "$NET" "nslookup $API | grep ^Address: | grep -v ':53\$' | sed 's/^/      /'"
  echo "   3. does the port accept a TCP connection?"
  probe "$NET" "nc -w 2 $API 8080 </dev/null && echo connected || echo no" | sed 's/^/      /'
  echo "   4. what is it listening on? (netstat from inside its own namespace)"
  probe "container:$API" "netstat -tln | tail -n +3 | sed 's/^/      /'"
  echo "   5. does HTTP answer? (wget -S prints the status line)"
  # No -T here: the course's BusyBox stand-in crashes on wget's timeout option.
  probe "$NET" "wget -S -q -O /dev/null http://$API:8080/ 2>&1 | head -n 1 | sed 's/^ */      /'"
}

quiet docker network create "$NET"
echo "== the server listens on 127.0.0.1:8080 inside its container:"
start_api 127.0.0.1
ladder
echo "== fixed: it listens on 0.0.0.0:8080, every address of its namespace:"
start_api 0.0.0.0
ladder
