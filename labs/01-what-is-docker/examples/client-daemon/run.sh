#!/usr/bin/env bash
# Chapter 1: the docker command is only a client. It turns each command into HTTP
# requests to the daemon's API, here over the daemon's Unix socket, and curl can do
# the same. Needs curl; uses jq to shorten JSON when it is installed.
set -euo pipefail
prefix=${LBL_PREFIX:-lbl-ch01}
name="$prefix-by-hand"
cleanup() { docker rm -f "$name" >/dev/null 2>&1 || true; }
trap cleanup EXIT

echo "== The client and the server are two programs, with an API version each"
docker version --format 'client {{.Client.Version}} (API {{.Client.APIVersion}})
server {{.Server.Version}} (API {{.Server.APIVersion}}), {{.Server.Os}}/{{.Server.Arch}}'

sock=/var/run/docker.sock
case "${DOCKER_HOST:-}" in
  "") ;;
  unix://*) sock=${DOCKER_HOST#unix://} ;;
  *) echo "DOCKER_HOST is $DOCKER_HOST, not a Unix socket: skipping the curl part"; exit 0 ;;
esac
if [ ! -S "$sock" ]; then echo "no socket at $sock: skipping the curl part"; exit 0; fi
api() { curl --silent --show-error --fail --unix-socket "$sock" "$@"; }
api_version=$(docker version --format '{{.Server.APIVersion}}')
base="http://localhost/v$api_version"
show() { if command -v jq >/dev/null; then jq -c "$1"; else cat; echo; fi; }

echo
echo "== GET /version: what 'docker version' asked for"
api "$base/version" | show '{Version, ApiVersion, Os, KernelVersion}'

echo
echo "== 'docker run' by hand: create, start, wait, read the logs, remove"
id=$(api -X POST -H 'Content-Type: application/json' \
  -d '{"Image": "alpine:3.20", "Cmd": ["echo", "hello from a container made with curl"],
       "HostConfig": {"NetworkMode": "none"}}' \
  "$base/containers/create?name=$name" | sed -n 's/.*"Id":"\([0-9a-f]*\)".*/\1/p')
echo "POST /containers/create -> Id ${id:0:12}"
api -X POST "$base/containers/$id/start"
echo "POST /containers/${id:0:12}/start"
echo "POST /containers/${id:0:12}/wait -> $(api -X POST "$base/containers/$id/wait" | show '{StatusCode}')"
echo "the container's output, read back through 'docker logs':"
docker logs "$name"
api -X DELETE "$base/containers/$id"
echo "DELETE /containers/${id:0:12}"

echo
echo "== Behind the daemon: containerd, a shim, and the container's process"
docker run -d --name "$name" --network none alpine:3.20 sleep 60 >/dev/null
pid=$(docker inspect -f '{{.State.Pid}}' "$name")
if pgrep -x dockerd >/dev/null && [ -d "/proc/$pid" ]; then
  shim=$(ps -o ppid= -p "$pid" | tr -d ' ')
  ps -o pid,ppid,comm -p "$(pgrep -x dockerd | head -1),$(pgrep -x containerd | head -1),$shim,$pid"
else
  echo "(the daemon is not visible from here: Docker runs in a VM on this machine)"
fi
