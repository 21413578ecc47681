#!/usr/bin/env bash
# Chapter 12 · the same command as PID 1, with and without `docker run --init`:
# who reaps orphaned children, and who passes SIGTERM on.
set -euo pipefail
P="${LBL_PREFIX:-lbl-demo}"

cleanup() {
  docker rm -f "$P-bare" "$P-init" >/dev/null 2>&1 || true
}
trap cleanup EXIT

# Five short-lived children that outlive their parent: each `( sleep 1 & )` subshell
# exits at once, so its sleep is re-parented to PID 1. Then PID 1 becomes a long
# `sleep`, a program that never calls wait() and sets no signal handler: the way
# many apps behave when nobody wrote them to be PID 1.
WORKLOAD='for i in 1 2 3 4 5; do ( sleep 1 & ); done; exec sleep 600'

docker run -d --name "$P-bare" alpine:3.20 sh -c "$WORKLOAD" >/dev/null
docker run -d --name "$P-init" --init alpine:3.20 sh -c "$WORKLOAD" >/dev/null
sleep 3   # the children have exited by now

for name in bare init; do
  echo "== $name: processes 3 s later (STAT Z = zombie)"
  docker exec "$P-$name" ps -o pid,ppid,stat,args | grep -v ' ps -o '
  zombies="$(docker exec "$P-$name" ps -o stat | grep -c '^Z' || true)"
  echo "  zombies: $zombies"
done

for name in bare init; do
  start=$(date +%s%N)
  docker stop "$P-$name" >/dev/null
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  code="$(docker inspect -f '{{.State.ExitCode}}' "$P-$name")"
  echo "== $name: docker stop took $ms ms, exit code $code"
done
