#!/usr/bin/env bash
# Chapter 4: walk one container through every state, printing what `docker inspect`
# reports after each command.
set -euo pipefail
LBL_PREFIX=${LBL_PREFIX:-lbl-demo}
# Everything this script creates is named after $LBL_PREFIX:
STATES="$LBL_PREFIX-states" EXITS="$LBL_PREFIX-exits"

cleanup() { docker rm -f "$STATES" "$EXITS" >/dev/null 2>&1 || true; }
trap cleanup EXIT

# Run a command quietly; show what it printed only if it fails.
quiet() { local out; out=$("$@" 2>&1) || { echo "$out" >&2; return 1; }; }

state() {
  printf '%-28s -> %s\n' "$1" \
    "$(docker inspect -f 'status={{.State.Status}} pid={{.State.Pid}} exit={{.State.ExitCode}}' "$STATES")"
}

# A process that counts forever, one line a second: something to pause and stop.
quiet docker create --name "$STATES" alpine:3.20 \
  sh -c 'i=0; while true; do i=$((i+1)); echo "tick $i"; sleep 1; done'
state "docker create"
quiet docker start "$STATES"
state "docker start"
sleep 2
quiet docker pause "$STATES"        # freezes every process with the cgroup freezer
state "docker pause"
before=$(docker logs "$STATES" | wc -l)
sleep 2
after=$(docker logs "$STATES" | wc -l)
echo "  log lines while paused: $before before, $after after 2 s"
quiet docker unpause "$STATES"
state "docker unpause"
quiet docker stop -t 2 "$STATES"    # sh is PID 1 and ignores SIGTERM: killed after 2 s
state "docker stop -t 2"
quiet docker start "$STATES"        # an exited container starts again, same filesystem
state "docker start (again)"
quiet docker kill "$STATES"         # SIGKILL at once, no grace period
state "docker kill"
docker rm "$STATES" >/dev/null
echo "docker rm                    -> $(docker ps -a --filter "name=^$STATES\$" --format '{{.Names}}' | wc -l) container(s) left with that name"

# The exit code is the main process's own status, or 128 + the number of the signal
# that ended it: 137 = 128 + 9 (SIGKILL), 143 = 128 + 15 (SIGTERM).
for cmd in 'exit 0' 'exit 3'; do
  quiet docker run --name "$EXITS" alpine:3.20 sh -c "$cmd" || true
  printf '%-28s -> exit=%s\n' "run: sh -c '$cmd'" "$(docker inspect -f '{{.State.ExitCode}}' "$EXITS")"
  docker rm "$EXITS" >/dev/null
done
# With --init, a tiny init is PID 1 and sleep is its child: SIGTERM ends sleep at once.
quiet docker run -d --init --name "$EXITS" alpine:3.20 sleep 60
quiet docker stop "$EXITS"
printf '%-28s -> exit=%s\n' "run --init sleep; stop" "$(docker inspect -f '{{.State.ExitCode}}' "$EXITS")"
