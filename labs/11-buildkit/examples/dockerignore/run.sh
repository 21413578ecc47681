#!/usr/bin/env bash
# A project folder that has grown what real ones grow: 20 MB of git history, 30 MB of
# build cache, a log, and a .env with a credential. Build it with and without the
# .dockerignore, with both builders, and measure what was sent and what was kept.
set -euo pipefail
prefix="${LBL_PREFIX:?set LBL_PREFIX to a unique prefix}"
work="$(mktemp -d)"

cleanup() {
  docker rm -f "$prefix-ignore-run" >/dev/null 2>&1 || true
  docker rmi -f "$prefix-ignored" "$prefix-everything" "$prefix-narrow" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

project() { # project DIR: this folder plus the clutter
  mkdir -p "$1/.git/objects/pack" "$1/build-cache"
  cp index.html Dockerfile "$1/"
  head -c 20000000 /dev/urandom >"$1/.git/objects/pack/pack-1.pack"
  head -c 30000000 /dev/urandom >"$1/build-cache/blob.bin"
  echo "debug output" >"$1/build.log"
  echo "API_TOKEN=fake-token-for-this-example" >"$1/.env"
}
project "$work/ignored"
cp .dockerignore "$work/ignored/"
project "$work/everything" # the same folder with no .dockerignore

legacy_sent() { # the legacy builder sends the whole context first; FROM alone adds no image
  echo "FROM alpine:3.20" | DOCKER_BUILDKIT=0 /usr/bin/docker build --network=none -f - "$1" 2>&1 |
    sed -n 's/^Sending build context to Docker daemon *//p' | tr -d '[:space:]'
}
buildkit() { # buildkit TAG DIR [flags...]: build, print what the context transfer moved
  local tag=$1 dir=$2
  shift 2
  DOCKER_BUILDKIT=1 /usr/bin/docker build --network=none --progress=plain -t "$tag" "$@" "$dir" 2>&1 |
    grep -oE 'transferring context: [0-9.]+[kMG]?B' | tail -n1 | awk '{print $3}'
}
size() { docker image inspect -f '{{.Size}}' "$1" | awk '{printf "%.1f MB", $1 / 1e6}'; }
has_env() {
  docker run --rm --name "$prefix-ignore-run" "$1" sh -c 'test -e /srv/www/.env && echo yes || echo no'
}

printf '%-36s %-14s %-16s %-10s %s\n' "" "legacy sends" "BuildKit sends" "image" ".env in image"
for variant in everything ignored; do
  sent_legacy=$(legacy_sent "$work/$variant")
  sent_bk=$(buildkit "$prefix-$variant" "$work/$variant")
  label="COPY . ., $( [ "$variant" = ignored ] && echo "with" || echo "no") .dockerignore"
  if [ "$variant" = everything ]; then sent_everything=$sent_legacy; fi
  printf '%-36s %-14s %-16s %-10s %s\n' "$label" "$sent_legacy" "$sent_bk" \
    "$(size "$prefix-$variant")" "$(has_env "$prefix-$variant")"
done

# BuildKit sends only the paths the Dockerfile names: with a narrow COPY, even the
# folder without a .dockerignore costs almost nothing to send.
printf 'FROM alpine:3.20\nCOPY index.html /srv/www/\n' >"$work/Dockerfile.narrow"
sent_bk=$(buildkit "$prefix-narrow" "$work/everything" -f "$work/Dockerfile.narrow")
printf '%-36s %-14s %-16s %-10s %s\n' "COPY index.html, no .dockerignore" "$sent_everything" "$sent_bk" \
  "$(size "$prefix-narrow")" "no"
