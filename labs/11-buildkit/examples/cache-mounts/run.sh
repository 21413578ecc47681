#!/usr/bin/env bash
# Time the compile step after a one-line source edit, with and without cache mounts.
# Each build gets an edit no earlier build has seen, so the compile step always runs.
set -euo pipefail
prefix="${LBL_PREFIX:?set LBL_PREFIX to a unique prefix}"
work="$(mktemp -d)"
tags=()

cleanup() {
  if [ "${#tags[@]}" -gt 0 ]; then docker rmi -f "${tags[@]}" >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

seconds=""
build() { # build VARIANT: edit the greeting, build, set $seconds to the compile step's time
  local variant=$1 n=${#tags[@]}
  local context="$work/$variant-$n" log="$work/$variant-$n.log" tag="$prefix-$variant-$n"
  mkdir -p "$context"
  cp -r app "Dockerfile.$variant" "$context/"
  # The one-line edit: a new greeting, unique to this build.
  sed -i "s/this answer came from a container/edit $(date +%s%N)/" "$context/app/greeting.go"
  tags+=("$tag")
  DOCKER_BUILDKIT=1 /usr/bin/docker build --network=none --progress=plain \
    -f "$context/Dockerfile.$variant" -t "$tag" "$context" >"$log" 2>&1
  # The step's number is on its header line; its time is on the "#N DONE" line.
  local step
  step=$(grep -E '^#[0-9]+ \[builder [0-9]+/[0-9]+\] RUN .*go build' "$log" | head -n1 | cut -d' ' -f1)
  seconds=$(grep -E "^$step DONE [0-9.]+s$" "$log" | awk '{print $3}')
}

# The first build with mounts fills them (it is slow only the first time on a machine:
# the mounts outlive every image, and this script's next run starts warm).
build mounts && first=$seconds
build mounts && edited=$seconds
build plain && plain=$seconds

printf '%-38s %s\n' "compile step after a one-line edit" "seconds"
printf '%-38s %s\n' "  with cache mounts" "$edited"
printf '%-38s %s\n' "  without (Dockerfile.plain)" "$plain"
printf '%-38s %s\n' "(first build with mounts in this run)" "$first"
