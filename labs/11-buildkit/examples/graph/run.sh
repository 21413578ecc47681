#!/usr/bin/env bash
# Build the same Dockerfile with the legacy builder and with BuildKit, from scratch
# (--no-cache), and compare what ran and how long it took.
set -euo pipefail
prefix="${LBL_PREFIX:?set LBL_PREFIX to a unique prefix}"
logs="$(mktemp -d)"

cleanup() {
  docker rmi -f "$prefix-legacy" "$prefix-buildkit" >/dev/null 2>&1 || true
  # The legacy builder keeps an untagged image for every step, unused stages included.
  # Remove the ones this build made (newest first); the base image is never on the list.
  if [ -f "$logs/legacy.log" ]; then
    awk '/^Step [0-9]+\/[0-9]+ : FROM/ {skip = 1; next}
         /^ ---> [0-9a-f]+$/ {if (!skip) print $2; skip = 0}' "$logs/legacy.log" |
      tac | xargs -r docker rmi >/dev/null 2>&1 || true
  fi
  rm -rf "$logs"
}
trap cleanup EXIT

seconds() { # seconds LOG COMMAND...: run it, print the elapsed time
  local log=$1 start end
  shift
  start=$(date +%s.%N)
  "$@" >"$log" 2>&1
  end=$(date +%s.%N)
  awk "BEGIN {printf \"%.1f\", $end - $start}"
}

legacy=$(seconds "$logs/legacy.log" env DOCKER_BUILDKIT=0 /usr/bin/docker build \
  --network=none --no-cache -t "$prefix-legacy" .)
buildkit=$(seconds "$logs/buildkit.log" env DOCKER_BUILDKIT=1 /usr/bin/docker build \
  --network=none --no-cache --progress=plain -t "$prefix-buildkit" .)

echo "== legacy builder: ${legacy} s; the steps it ran, top to bottom:"
grep -E '^Step' "$logs/legacy.log" | grep -E 'RUN|COPY' | sed 's/^/  /'

echo "== BuildKit: ${buildkit} s; its --progress=plain log, step headers and results:"
grep -E '^#[0-9]+ (\[(assets|server|docs|base|runtime)|DONE [0-9.]+s$)' "$logs/buildkit.log" |
  grep -vE '^#[0-9]+ DONE 0\.0s$| FROM ' | sed 's/^/  /'

# What this example exists to show, checked rather than hoped for:
grep -q 'docs: built' "$logs/legacy.log" || grep -q 'AS docs' "$logs/legacy.log"
if grep -q '\[docs' "$logs/buildkit.log"; then
  echo "BuildKit ran the docs stage, which the target does not need" >&2
  exit 1
fi
echo "== the docs stage: run by the legacy builder, never started by BuildKit"
