#!/usr/bin/env bash
# Lab 09 · publish · solution
set -euo pipefail

repo="$LBL_REGISTRY/greeter"
version="$(cat VERSION)"
# Seven hex digits is what `git log --oneline` shows: enough to find the commit again.
revision_tag="sha-${SOURCE_REVISION:0:7}"

# The labels go in at build time: a pushed image can no longer be changed, only replaced.
docker build --network none --quiet \
    --build-arg BASE="$LBL_IMAGE" \
    --build-arg VERSION="$version" \
    --build-arg REVISION="$SOURCE_REVISION" \
    --build-arg SOURCE="https://example.invalid/layer-by-layer/greeter" \
    -t "$repo:$version" . >/dev/null

# Two names for one image: the version for people, the revision for tracing a bug back.
docker tag "$repo:$version" "$repo:$revision_tag"
docker push --quiet "$repo:$version"
docker push --quiet "$repo:$revision_tag"

# RepoDigests records the digest the registry answered with. A digest names exactly
# these bytes, whatever anybody later pushes to the same tag.
pinned="$(docker image inspect --format '{{index .RepoDigests 0}}' "$repo:$version")"
docker image rm "$repo:$version" "$repo:$revision_tag" >/dev/null
docker pull --quiet "$pinned" >/dev/null
echo "pulled $pinned"
