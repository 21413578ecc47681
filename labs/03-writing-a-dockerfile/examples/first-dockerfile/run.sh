#!/usr/bin/env bash
# Chapter 3: build the greeter, run it, ask it for a page, look at what each
# instruction left in the image, and stop it cleanly.
set -euo pipefail
prefix=${LBL_PREFIX:-lbl-ch03}
image="$prefix-greeter"
work=$(mktemp -d)
cleanup() {
  rm -rf "$work"
  docker rm -f "$prefix-greeter-1" >/dev/null 2>&1 || true
  docker network rm "$prefix-net" >/dev/null 2>&1 || true
  docker rmi -f "$image" >/dev/null 2>&1 || true
}
trap cleanup EXIT
command -v jq >/dev/null || { echo "this example needs jq"; exit 1; }
command -v curl >/dev/null || { echo "this example needs curl"; exit 1; }

# BuildKit is the default builder from Docker 23 on; older clients need DOCKER_BUILDKIT=1.
docker_build() {
  if docker buildx version >/dev/null 2>&1; then docker build "$@"
  else DOCKER_BUILDKIT=1 /usr/bin/docker build "$@"; fi
}
docker_build --quiet --network=none --build-arg APP_VERSION=1.0.0 -t "$image" . >/dev/null

echo "== What each instruction left behind: a layer, or only a line in the config"
base_steps=$(docker history -q python:3.11-slim | wc -l)
docker save "$image" | tar -xO manifest.json > "$work/manifest.json"
docker save "$image" | tar -xO "$(jq -r '.[0].Config' "$work/manifest.json")" |
  jq -r --argjson skip "$base_steps" '.history[$skip:][]
    | (if .empty_layer then "  config  " else "  LAYER   " end) + (.created_by | sub(" # buildkit$"; ""))' |
  cut -c1-100
echo "layers: $(docker image inspect -f '{{len .RootFS.Layers}}' python:3.11-slim) in python:3.11-slim, $(docker image inspect -f '{{len .RootFS.Layers}}' "$image") in $image"

echo
echo "== The config that ENV, WORKDIR, USER, EXPOSE and CMD wrote"
docker image inspect -f 'User={{.Config.User}}  WorkingDir={{.Config.WorkingDir}}  Cmd={{json .Config.Cmd}}
Env={{json .Config.Env}}
ExposedPorts={{json .Config.ExposedPorts}}' "$image"

echo
echo "== Run it, publish its port on 127.0.0.1 only, and ask for /"
docker network create "$prefix-net" >/dev/null
docker run -d --name "$prefix-greeter-1" --network "$prefix-net" --read-only \
  -p 127.0.0.1::8080 "$image" >/dev/null
port=$(docker port "$prefix-greeter-1" 8080/tcp | head -n 1 | sed 's/.*://')
for _ in $(seq 1 50); do
  if answer=$(curl --silent --fail "http://127.0.0.1:$port/"); then break; fi
  sleep 0.2
done
echo "curl http://127.0.0.1:$port/ -> ${answer:?the greeter did not answer}"

echo
echo "== docker stop sends SIGTERM; the app exits at once"
start=$(date +%s%N)
docker stop "$prefix-greeter-1" >/dev/null
echo "stopped in $(( ($(date +%s%N) - start) / 1000000 )) ms, exit code $(docker inspect -f '{{.State.ExitCode}}' "$prefix-greeter-1")"
docker logs "$prefix-greeter-1"
