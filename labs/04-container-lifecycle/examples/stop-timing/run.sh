#!/usr/bin/env bash
# Chapter 4: how long does `docker stop` take? The same Python server, run five ways.
# For each run it prints PID 1 inside the container, the seconds `docker stop` took,
# the exit code, and whether the server itself logged a clean shutdown.
set -euo pipefail
LBL_PREFIX=${LBL_PREFIX:-lbl-demo}
# Everything this script creates is named after $LBL_PREFIX:
# two images, and one container per run, called $LBL_PREFIX-RUN.
STOP_EXEC="$LBL_PREFIX-stop-exec" STOP_SHELL="$LBL_PREFIX-stop-shell"
RUNS=(exec shell exec-nohandler exec-nohandler-init shell-init)

cleanup() {
  for run in "${RUNS[@]}"; do docker rm -f "$LBL_PREFIX-$run" >/dev/null 2>&1 || true; done
  docker rmi -f "$STOP_EXEC" "$STOP_SHELL" >/dev/null 2>&1 || true
}
trap cleanup EXIT

# Run a command quietly; show what it printed only if it fails.
quiet() { local out; out=$("$@" 2>&1) || { echo "$out" >&2; return 1; }; }
quiet docker build -f Dockerfile.exec -t "$STOP_EXEC" .
quiet docker build -f Dockerfile.shell -t "$STOP_SHELL" .

# measure NAME IMAGE [docker run options...]
measure() {
  local run=$1 name="$LBL_PREFIX-$1" image=$2
  shift 2
  quiet docker run -d --name "$name" "$@" "$image"
  for _ in $(seq 100); do  # wait up to 10 s for the server to say it is listening
    grep -q listening <<<"$(docker logs "$name" 2>&1)" && break
    sleep 0.1
  done
  local pid1 start end took code clean=no
  # What is PID 1 inside the container? /proc/1/cmdline needs no tools in the image.
  pid1=$(docker exec "$name" cat /proc/1/cmdline | tr '\0' ' ')
  start=$(date +%s.%N)
  docker stop "$name" >/dev/null  # default grace period: 10 s, then SIGKILL
  end=$(date +%s.%N)
  took=$(echo "$start $end" | awk '{printf "%.1f", $2 - $1}')
  code=$(docker inspect -f '{{.State.ExitCode}}' "$name")
  grep -q "shutting down" <<<"$(docker logs "$name" 2>&1)" && clean=yes
  printf '%-20s %-50s %6ss %5s %6s\n' "$run" "$pid1" "$took" "$code" "$clean"
  docker rm "$name" >/dev/null
}

printf '%-20s %-50s %7s %5s %6s\n' RUN "PID 1" STOP EXIT CLEAN
measure exec                "$STOP_EXEC"
measure shell               "$STOP_SHELL"
measure exec-nohandler      "$STOP_EXEC"  -e HANDLE_SIGTERM=0
measure exec-nohandler-init "$STOP_EXEC"  -e HANDLE_SIGTERM=0 --init
measure shell-init          "$STOP_SHELL" --init
