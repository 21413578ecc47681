#!/usr/bin/env bash
# Build two images that "use and forget" a fake token, then look for the token where
# anyone who can pull the image can look: the layers (docker save) and the history.
set -euo pipefail
prefix="${LBL_PREFIX:?set LBL_PREFIX to a unique prefix}"
work="$(mktemp -d)"
token="fake-token-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"

cleanup() {
  docker rm -f "$prefix-leak-run" >/dev/null 2>&1 || true
  docker rmi -f "$prefix-copy-then-rm" "$prefix-build-arg" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# The build context: the two Dockerfiles and a token file made for this run only.
cp Dockerfile.copy-then-rm Dockerfile.build-arg "$work/"
printf '%s\n' "$token" >"$work/token.txt"
build() { DOCKER_BUILDKIT=1 /usr/bin/docker build --network=none -q "$@" >/dev/null; }
build -f "$work/Dockerfile.copy-then-rm" -t "$prefix-copy-then-rm" "$work"
build -f "$work/Dockerfile.build-arg" --build-arg "API_TOKEN=$token" -t "$prefix-build-arg" "$work"

inspect() {
  local image=$1 dir="$work/$1"
  echo "== $image"
  echo "  the container's file system: $(docker run --rm --name "$prefix-leak-run" "$image" \
    sh -c 'ls /tmp/token.txt 2>/dev/null || echo "no /tmp/token.txt"')"

  # Every layer, as the tar archive `docker save` writes for it.
  mkdir -p "$dir"
  docker save "$image" | tar -xf - -C "$dir"
  local layers=0 leaking=0 layer
  for layer in "$dir"/*/layer.tar; do
    layers=$((layers + 1))
    if tar -xOf "$layer" 2>/dev/null | grep -aq "$token"; then
      leaking=$((leaking + 1))
      echo "  token found in layer $(basename "$(dirname "$layer")" | cut -c1-12): $(tar -tf "$layer" | grep -v '/$' | tr '\n' ' ')"
    fi
    # `rm` in a later step adds a whiteout marker: it hides the file, and deletes nothing.
    if tar -tf "$layer" | grep '\.wh\.' >/dev/null; then
      echo "  whiteout in layer $(basename "$(dirname "$layer")" | cut -c1-12): $(tar -tf "$layer" | grep '\.wh\.' | tr '\n' ' ')"
    fi
  done
  echo "  layers holding the token: $leaking of $layers"
  echo "  docker history of this Dockerfile's steps (newest first; SIZE is what each added):"
  docker history --no-trunc --format '{{.Size}}{{"\t"}}{{.CreatedBy}}' "$image" | grep -v '#(nop)' |
    sed "s/$token/<the token>/" | awk -F'\t' '{printf "    %-6s %s\n", $1, substr($2, 1, 72)}'

  local history
  history=$(docker history --no-trunc --format '{{.CreatedBy}}' "$image" | grep -c "$token" || true)
  echo "  history entries showing the token: $history"
}

inspect "$prefix-copy-then-rm"
inspect "$prefix-build-arg"
