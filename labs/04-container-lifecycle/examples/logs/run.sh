#!/usr/bin/env bash
# Chapter 4: what `docker logs` captures (the main process's stdout and stderr),
# what it does not (files inside the container), and how rotation caps it.
set -euo pipefail
LBL_PREFIX=${LBL_PREFIX:-lbl-demo}
# Everything this script creates is named after $LBL_PREFIX:
TALK="$LBL_PREFIX-talk" FILE="$LBL_PREFIX-file" CHATTY="$LBL_PREFIX-chatty"

cleanup() { docker rm -f "$TALK" "$FILE" "$CHATTY" >/dev/null 2>&1 || true; }
trap cleanup EXIT

# Run a command quietly; show what it printed only if it fails.
quiet() { local out; out=$("$@" 2>&1) || { echo "$out" >&2; return 1; }; }

# 1. Two lines to stdout, one to stderr, then exit. stdout and stderr are two pipes that
#    the daemon reads separately: without the pauses, their order in the log can swap.
quiet docker run --name "$TALK" alpine:3.20 \
  sh -c 'echo "out: starting"; sleep 0.2; echo "err: disk almost full" >&2; sleep 0.2; echo "out: done"'
echo "== docker logs 2>&1 (both streams)"
docker logs "$TALK" 2>&1
echo "== docker logs 2>/dev/null (the CLI keeps stdout and stderr apart)"
docker logs "$TALK" 2>/dev/null
echo "== docker logs --tail 1 --timestamps"
docker logs --tail 1 --timestamps "$TALK" 2>&1
echo "== driver: $(docker inspect -f '{{.HostConfig.LogConfig.Type}}' "$TALK"); the container is $(docker inspect -f '{{.State.Status}}' "$TALK") and its logs are still here"

# 2. An app that writes its log to a file: docker logs has nothing to show.
quiet docker run --name "$FILE" alpine:3.20 sh -c 'echo "written to a file" > /var/log-app.txt'
echo "== app logging to a file: docker logs prints $(docker logs "$FILE" 2>&1 | wc -l) line(s)"

# 3. Rotation: 20,000 lines of 100 bytes into a log capped at 2 files of 100 kB.
quiet docker run --name "$CHATTY" --log-opt max-size=100k --log-opt max-file=2 alpine:3.20 \
  sh -c 'i=0; while [ $i -lt 20000 ]; do i=$((i+1)); printf "%099d\n" $i; done'
echo "== wrote 20000 lines with max-size=100k max-file=2: docker logs keeps $(docker logs "$CHATTY" | wc -l)"
