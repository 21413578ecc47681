#!/usr/bin/env bash
# Chapter 4: restart policies. A process that always fails, under `on-failure:5`, and
# the delay the daemon waits before each restart; then `always` against `docker stop`.
set -euo pipefail
LBL_PREFIX=${LBL_PREFIX:-lbl-demo}
# Everything this script creates is named after $LBL_PREFIX:
FLAKY="$LBL_PREFIX-flaky" FINE="$LBL_PREFIX-fine" ALWAYS="$LBL_PREFIX-always"

cleanup() { docker rm -f "$FLAKY" "$FINE" "$ALWAYS" >/dev/null 2>&1 || true; }
trap cleanup EXIT

# Run a command quietly; show what it printed only if it fails.
quiet() { local out; out=$("$@" 2>&1) || { echo "$out" >&2; return 1; }; }
# wait_exited NAME: poll until the container is exited and the daemon has given up on it.
wait_exited() {
  for _ in $(seq 200); do
    [ "$(docker inspect -f '{{.State.Status}}' "$1")" = exited ] && return 0
    sleep 0.1
  done
  echo "$1 did not settle" >&2
  return 1
}

# 1. A process that exits 1 every time, allowed 5 restarts.
quiet docker run -d --name "$FLAKY" --restart on-failure:5 alpine:3.20 sh -c 'echo started; exit 1'
wait_exited "$FLAKY"
echo "on-failure:5, exits 1 every time:"
echo "  $(docker inspect -f 'status={{.State.Status}} exit={{.State.ExitCode}} restarts={{.RestartCount}}' "$FLAKY")"
echo "  seconds between one start and the next (from docker logs --timestamps):"
prev=""
while read -r stamp _; do
  now=$(date -d "$stamp" +%s.%N)
  [ -n "$prev" ] && echo "$prev $now" | awk '{printf "    %.2f\n", $2 - $1}'
  prev=$now
done < <(docker logs --timestamps "$FLAKY")

# 2. The same policy with a process that succeeds: on-failure never restarts it.
quiet docker run -d --name "$FINE" --restart on-failure:5 alpine:3.20 sh -c 'echo done; exit 0'
wait_exited "$FINE"
echo "on-failure:5, exits 0:"
echo "  $(docker inspect -f 'status={{.State.Status}} exit={{.State.ExitCode}} restarts={{.RestartCount}}' "$FINE")"

# 3. `always` restarts even a clean exit, until someone stops the container by hand.
quiet docker run -d --name "$ALWAYS" --restart always alpine:3.20 sh -c 'sleep 1; exit 0'
sleep 4
echo "always, a 1 s job, after 4 s:"
echo "  $(docker inspect -f 'status={{.State.Status}} restarts={{.RestartCount}}' "$ALWAYS")"
quiet docker stop "$ALWAYS"
sleep 3
echo "always, 3 s after docker stop:"
echo "  $(docker inspect -f 'status={{.State.Status}} restarts={{.RestartCount}}' "$ALWAYS")"
