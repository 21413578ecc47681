#!/usr/bin/env bash
# Chapter 3: the same worker, started with an exec-form and a shell-form CMD.
# docker stop sends SIGTERM to PID 1, waits (here 5 s), then sends SIGKILL.
set -euo pipefail
prefix=${LBL_PREFIX:-lbl-ch03}
cleanup() {
  docker rm -f "$prefix-exec-form" "$prefix-shell-form" >/dev/null 2>&1 || true
  docker rmi -f "$prefix-exec-form" "$prefix-shell-form" >/dev/null 2>&1 || true
}
trap cleanup EXIT

# BuildKit is the default builder from Docker 23 on; older clients need DOCKER_BUILDKIT=1.
docker_build() {
  if docker buildx version >/dev/null 2>&1; then docker build "$@"
  else DOCKER_BUILDKIT=1 /usr/bin/docker build "$@"; fi
}
docker_build --quiet --network=none -t "$prefix-exec-form" -f Dockerfile . >/dev/null
docker_build --quiet --network=none -t "$prefix-shell-form" -f shell-form.Dockerfile . >/dev/null

for form in exec-form shell-form; do
  name="$prefix-$form"
  docker run -d --name "$name" --network none "$name" >/dev/null
  for _ in $(seq 1 50); do  # wait until the worker has started
    docker logs "$name" 2>&1 | grep started >/dev/null && break
    sleep 0.1
  done
  echo "== $form: CMD is $(docker image inspect -f '{{json .Config.Cmd}}' "$name")"
  # Every process in the container except this listing's own shell: PID and command line.
  docker exec "$name" sh -c 'for p in /proc/[0-9]*; do n=${p#/proc/}; [ "$n" = $$ ] && continue
    printf "  PID %-3s %s\n" "$n" "$(tr "\0" " " < "$p/cmdline")"; done'
  start=$(date +%s%N)
  docker stop -t 5 "$name" >/dev/null
  took=$(( ($(date +%s%N) - start) / 1000000 ))
  code=$(docker inspect -f '{{.State.ExitCode}}' "$name")
  echo "  docker stop took $took ms; exit code $code"
  echo "  logs: $(docker logs "$name" 2>&1 | tr '\n' '|')"
  expected=0; [ "$form" = shell-form ] && expected=137  # 137 = 128 + 9, killed by SIGKILL
  [ "$code" = "$expected" ] || { echo "expected exit code $expected"; exit 1; }
done
