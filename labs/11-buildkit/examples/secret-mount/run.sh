#!/usr/bin/env bash
# Build with a secret mount, then search the image for the token the way chapter 10
# found it in the leaky images: every layer (docker save) and the history.
set -euo pipefail
prefix="${LBL_PREFIX:?set LBL_PREFIX to a unique prefix}"
work="$(mktemp -d)"
image="$prefix-secret-mount"
token="fake-token-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"

cleanup() {
  docker rm -f "$prefix-secret-run" >/dev/null 2>&1 || true
  docker rmi -f "$image" "$image-rotated" "$image-none" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# The token lives outside the build context, in a file only this user can read.
umask 077
printf '%s\n' "$token" >"$work/token"

# --no-cache: the cache key of a step ignores its secrets (see the end), so without it
# this build could reuse the step from an earlier run, with an earlier token.
DOCKER_BUILDKIT=1 /usr/bin/docker build --network=none --progress=plain --no-cache \
  --secret "id=api_token,src=$work/token" -f Dockerfile.secret -t "$image" . >"$work/build.log" 2>&1

echo "== the step used it:     $(docker run --rm --name "$prefix-secret-run" "$image")"
echo "== /run/secrets in the image: $(docker run --rm --name "$prefix-secret-run" "$image" \
  sh -c 'ls -A /run/secrets 2>/dev/null | wc -l') entries"

mkdir "$work/saved"
docker save "$image" | tar -xf - -C "$work/saved"
layers=0 leaking=0
for layer in "$work"/saved/*/layer.tar; do
  layers=$((layers + 1))
  if tar -xOf "$layer" 2>/dev/null | grep -aq "$token"; then leaking=$((leaking + 1)); fi
done
history=$(docker history --no-trunc --format '{{.CreatedBy}}' "$image" | grep -c "$token" || true)
in_log=$(grep -c "$token" "$work/build.log" || true)
echo "== layers holding the token:        $leaking of $layers"
echo "== history entries showing it:      $history"
echo "== build log lines showing it:      $in_log"
echo "== what the history records for the step:"
docker history --no-trunc --format '{{.CreatedBy}}' "$image" | grep 'run/secrets' | cut -c1-100 | sed 's/^/   /'

[ "$leaking" -eq 0 ] && [ "$history" -eq 0 ] # the example fails if the token leaked

# Two things the cache does with secrets. First: a new token is not a new cache key.
printf '%s\n' "rotated-$token" >"$work/token"
DOCKER_BUILDKIT=1 /usr/bin/docker build --network=none --progress=plain \
  --secret "id=api_token,src=$work/token" -f Dockerfile.secret -t "$image-rotated" . >"$work/rotated.log" 2>&1
echo "== rebuilt with a different token: the RUN step is $(grep -A2 -E '^#[0-9]+ \[2/2\] RUN' "$work/rotated.log" |
  grep -oE 'CACHED|DONE' | head -n1)"
echo "   and the image still says: $(docker run --rm --name "$prefix-secret-run" "$image-rotated") (the new token has $(wc -c <"$work/token"))"

# Second: without --secret, required=true stops the build before the step runs.
if DOCKER_BUILDKIT=1 /usr/bin/docker build --network=none --progress=plain --no-cache \
  -f Dockerfile.secret -t "$image-none" . >"$work/none.log" 2>&1; then
  echo "the build without the secret succeeded: this should not happen" >&2
  exit 1
fi
echo "== built with no --secret at all: $(grep -oE 'secret api_token not found' "$work/none.log" | head -n1)"
