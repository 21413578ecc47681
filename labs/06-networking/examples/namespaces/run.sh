#!/usr/bin/env bash
# Chapter 6: every network mode, seen from inside. For each one, print the container's
# network namespace (an inode number: equal numbers mean the same namespace) and its
# IPv4 interfaces. The kernel reuses a number once its namespace is gone, so compare
# against namespaces that are alive: the host's, and $APP's, which keeps running.
set -euo pipefail
LBL_PREFIX=${LBL_PREFIX:-lbl-demo}
# Everything this script creates is named after $LBL_PREFIX:
APP="$LBL_PREFIX-app" NS="$LBL_PREFIX-ns" NET="$LBL_PREFIX-net"

cleanup() {
  docker rm -f "$NS" "$APP" >/dev/null 2>&1 || true
  docker network rm "$NET" >/dev/null 2>&1 || true
}
trap cleanup EXIT

# Run a command quietly; show what it printed only if it fails.
quiet() { local out; out=$("$@" 2>&1) || { echo "$out" >&2; return 1; }; }

# What a container sees: its namespace, then "name address" for each IPv4 interface.
LOOK='echo "$(readlink /proc/self/ns/net | tr -dc 0-9) $(ip -o -4 addr | awk "{printf \"%s=%s \", \$2, \$4}")"'
row() { printf '%-30s %-12s %s\n' "$1" "$2" "$3"; }
# look MODE-LABEL [docker run options...]
look() {
  local label=$1 out
  shift
  out=$(docker run --rm --name "$NS" "$@" alpine:3.20 sh -c "$LOOK")
  row "$label" "${out%% *}" "${out#* }"
}

if docker network inspect bridge >/dev/null 2>&1; then
  echo "(this engine has the default 'bridge' network: plain docker run joins it)"
else
  echo "(this engine runs without the default 'bridge' network: plain docker run gets loopback only)"
fi
quiet docker network create "$NET"
quiet docker run -d --init --name "$APP" --network "$NET" alpine:3.20 sleep 600

row MODE NAMESPACE "IPv4 INTERFACES"
row "(the host itself)" "$(readlink /proc/self/ns/net | tr -dc 0-9)" "(host)"
look "--network none" --network none
look "--network $NET" --network "$NET"
look "--network container:app" --network "container:$APP"
echo "   ($APP's own namespace: $(docker exec "$APP" readlink /proc/self/ns/net | tr -dc 0-9))"
# In host mode the container sees every interface the host has: count them, both sides.
host_ns=$(docker run --rm --name "$NS" --network host alpine:3.20 sh -c \
  'echo "$(readlink /proc/self/ns/net | tr -dc 0-9) $(ip -o -4 addr | wc -l)"')
row "--network host" "${host_ns%% *}" "${host_ns#* } interfaces; the host has $(ip -o -4 addr | wc -l)"
