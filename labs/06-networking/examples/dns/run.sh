#!/usr/bin/env bash
# Chapter 6: name resolution on user-defined networks. Containers find each other by
# name or alias through Docker's embedded DNS server, only on networks they share.
set -euo pipefail
LBL_PREFIX=${LBL_PREFIX:-lbl-demo}
# Everything this script creates is named after $LBL_PREFIX:
WEB1="$LBL_PREFIX-web1" WEB2="$LBL_PREFIX-web2" CLIENT="$LBL_PREFIX-client"
BACK="$LBL_PREFIX-back" FRONT="$LBL_PREFIX-front"

cleanup() {
  docker rm -f "$WEB1" "$WEB2" "$CLIENT" >/dev/null 2>&1 || true
  docker network rm "$BACK" "$FRONT" >/dev/null 2>&1 || true
}
trap cleanup EXIT

# Run a command quietly; show what it printed only if it fails.
quiet() { local out; out=$("$@" 2>&1) || { echo "$out" >&2; return 1; }; }
# A web server whose page is its own hostname (the container's short id).
SERVE='mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 8080 -h /www'
# client NETWORK COMMAND: a throwaway BusyBox container on NETWORK.
client() { docker run --rm --name "$CLIENT" --network "$1" alpine:3.20 sh -c "$2" 2>&1 || true; }

quiet docker network create "$BACK"
quiet docker network create "$FRONT"
quiet docker run -d --name "$WEB1" --network "$BACK" --network-alias api alpine:3.20 sh -c "$SERVE"
quiet docker run -d --name "$WEB2" --network "$BACK" --network-alias api alpine:3.20 sh -c "$SERVE"
sleep 1

echo "== a container's resolver is Docker's embedded DNS server:"
client "$BACK" 'cat /etc/resolv.conf'
echo "== on $BACK, by container name and by the shared alias 'api':"
client "$BACK" "wget -qO- http://$WEB1:8080/ | sed 's/^/$WEB1 answers: /'"
client "$BACK" "nslookup api | grep ^Address: | grep -v ':53\$' | sed 's/^/api -> /'"
# Names are scoped to a network: $FRONT's DNS has no entry for web1. (We do not look
# up a missing name here: Docker would pass it on to the host's DNS servers.)
# Addresses are scoped too: from $FRONT, web1's address on $BACK is unreachable.
WEB1_BACK=$(docker inspect -f "{{(index .NetworkSettings.Networks \"$BACK\").IPAddress}}" "$WEB1")
echo "== from $FRONT, connect to web1's $BACK address, $WEB1_BACK:8080, for at most 2 s:"
client "$FRONT" "nc -w 2 $WEB1_BACK 8080 </dev/null && echo connected || echo 'no connection'"

echo "== docker network connect --alias api $FRONT $WEB1, then again from $FRONT:"
docker network connect --alias api "$FRONT" "$WEB1"
client "$FRONT" "wget -qO- http://api:8080/ | sed 's/^/api answers: /'"
echo "== the same name, looked up on each network, gives that network's address:"
client "$BACK" "nslookup $WEB1 | grep ^Address: | grep -v ':53\$' | sed 's/^/from $BACK:  /'"
client "$FRONT" "nslookup $WEB1 | grep ^Address: | grep -v ':53\$' | sed 's/^/from $FRONT: /'"
