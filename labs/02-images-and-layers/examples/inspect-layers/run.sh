#!/usr/bin/env bash
# Chapter 2: open an image up. docker save writes the config and every layer as plain
# files; their sha256 sums are the IDs that Docker uses for them. Needs jq.
set -euo pipefail
prefix=${LBL_PREFIX:-lbl-ch02}
image="$prefix-site"
work=$(mktemp -d)
cleanup() { docker rmi -f "$image" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
command -v jq >/dev/null || { echo "this example needs jq"; exit 1; }

# BuildKit is the default builder from Docker 23 on; older clients need DOCKER_BUILDKIT=1.
docker_build() {
  if docker buildx version >/dev/null 2>&1; then docker build "$@"
  else DOCKER_BUILDKIT=1 /usr/bin/docker build "$@"; fi
}
docker_build --quiet --network=none -t "$image" . >/dev/null

docker save "$image" | tar -x -C "$work"
cd "$work"
config=$(jq -r '.[0].Config' manifest.json)

echo "== The image ID is the sha256 of its config file"
echo "docker image inspect: $(docker image inspect -f '{{.Id}}' "$image")"
echo "sha256sum of config:  sha256:$(sha256sum "$config" | cut -d' ' -f1)"

echo
echo "== Each layer is a tar; its sha256 is the diff_id the config lists"
i=0
for layer in $(jq -r '.[0].Layers[]' manifest.json); do
  listed=$(jq -r ".rootfs.diff_ids[$i]" "$config")
  actual="sha256:$(sha256sum "$layer" | cut -d' ' -f1)"
  [ "$listed" = "$actual" ] && verdict="matches" || verdict="DIFFERS"
  printf 'layer %d  %s  %s the config  %8d bytes  %4d entries\n' \
    "$i" "${actual:0:19}" "$verdict" "$(stat -c %s "$layer")" "$(tar -tf "$layer" | wc -l)"
  if [ "$i" -gt 0 ]; then  # the base layer is a whole filesystem: skip its listing
    tar -tvf "$layer" | awk '{print "         " $1, $3, $6}'
  fi
  i=$((i + 1))
done

echo
echo "== The config: how to run the image, and the history of how it was built"
jq -c '.config | {Env, Cmd, ExposedPorts}' "$config"
# (The course's stand-in base images add LABEL steps of their own: left out here.)
jq -r '.history[] | select(.created_by | test("LABEL org.layerbylayer") | not)
       | (if .empty_layer then "  (no layer) " else "  LAYER      " end) + .created_by' "$config" \
  | cut -c1-100
