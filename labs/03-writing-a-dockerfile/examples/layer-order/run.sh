#!/usr/bin/env bash
# Chapter 3: build each Dockerfile, edit one line of greeter.py, build again, and list
# which steps BuildKit took from its cache and which it ran again. (The first build may
# come entirely from the cache, if you have built these files before.)
set -euo pipefail
prefix=${LBL_PREFIX:-lbl-ch03}
work=$(mktemp -d)
cleanup() { docker rmi -f "$prefix-good-order" "$prefix-bad-order" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

# BuildKit is the default builder from Docker 23 on; older clients need DOCKER_BUILDKIT=1.
docker_build() {
  if docker buildx version >/dev/null 2>&1; then docker build "$@"
  else DOCKER_BUILDKIT=1 /usr/bin/docker build "$@"; fi
}

# One line per Dockerfile step, from BuildKit's plain progress output:
# "cached" or "ran" and how long it took, then the instruction.
steps() {
  awk '
    match($0, /^#[0-9]+ \[[0-9]+\/[0-9]+\] /) {
      id = $1; if (!(id in text)) { order[++n] = id }
      text[id] = substr($0, RLENGTH + 1); sub(/FROM [^ ]*\//, "FROM ", text[id]) }
    $2 == "CACHED" { cached[$1] = 1 }
    $2 == "DONE" { took[$1] = $3 }
    END { for (i = 1; i <= n; i++) { id = order[i]
            status = (id in cached) ? "cached" : "ran " took[id]
            if (text[id] ~ /^FROM /) status = "base"
            printf "  %-10s %s\n", status, substr(text[id], 1, 70) } }'
}

# A private copy of the build context: the edit below must not touch your checkout.
cp -r . "$work/context"
cd "$work/context"
cp greeter.py "$work/greeter.py.orig"

for variant in good-order bad-order; do
  dockerfile=Dockerfile
  [ "$variant" = bad-order ] && dockerfile=bad-order.Dockerfile
  cp "$work/greeter.py.orig" greeter.py
  echo "== $variant ($dockerfile)"
  for build in first after-edit; do
    # The edit is new on every run: an edit made before would be found in the cache.
    [ "$build" = after-edit ] && echo "# edited at $(date +%s%N)" >> greeter.py
    start=$(date +%s%N)
    docker_build --progress=plain --network=none -f "$dockerfile" \
      -t "$prefix-$variant" . > "$work/$variant-$build.log" 2>&1
    took=$(( ($(date +%s%N) - start) / 1000000 ))
    echo "-- $build build: $took ms in all"
    steps < "$work/$variant-$build.log"
  done
  docker run --rm --name "$prefix-$variant-run" --network none "$prefix-$variant"
  echo
done
