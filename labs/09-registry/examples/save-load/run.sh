#!/usr/bin/env bash
# Lab 09 · save-load: carry an image as a file, and check that every part of it is
# named by the SHA-256 of its own bytes.
set -euo pipefail
cd "$(dirname "$0")"

prefix=${LBL_PREFIX:-lbl-demo}
image="$prefix-greeting:1.0.0"
work=$(mktemp -d)
cleanup() {
    docker rmi "$image" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
short() { sed -E 's/([0-9a-f]{12})[0-9a-f]{52}/\1.../g'; }  # print 12 of a digest's 64 hex digits

docker build -q -t "$image" . >/dev/null 2>&1
id=$(docker image inspect -f '{{.Id}}' "$image")
echo "image ID: $id" | short

echo "== docker save writes the image as a tar of its config, its layers and an index"
docker save -o "$work/image.tar" "$image"
tar -tf "$work/image.tar" | sort | short
mkdir "$work/x" && tar -xf "$work/image.tar" -C "$work/x"
short < "$work/x/manifest.json"; echo

# manifest.json names the config and the layers by their paths inside the archive
# (<id>.json and <dir>/layer.tar here; blobs/sha256/<digest> on Docker 25 and later).
config=$(grep -o '"Config":"[^"]*"' "$work/x/manifest.json" | cut -d'"' -f4)
layers=$(grep -o '"Layers":\[[^]]*\]' "$work/x/manifest.json" | grep -o '"[^"]*"' | tr -d '"' | grep -v '^Layers$')

echo "== the image ID is the SHA-256 of the config file"
echo "sha256sum $config" | short
echo "  = sha256:$(sha256sum "$work/x/$config" | cut -d' ' -f1)" | short
[ "sha256:$(sha256sum "$work/x/$config" | cut -d' ' -f1)" = "$id" ]

echo "== each layer's SHA-256 is listed in the config, in order (RootFS.Layers, the diff IDs)"
i=0
for layer in $layers; do
    actual="sha256:$(sha256sum "$work/x/$layer" | cut -d' ' -f1)"
    expected=$(docker image inspect -f "{{index .RootFS.Layers $i}}" "$image")
    printf 'layer %d  %s  %8d bytes  %s\n' "$i" "${actual:7:12}" "$(stat -c %s "$work/x/$layer")" \
        "$([ "$actual" = "$expected" ] && echo matches || echo DIFFERS)"
    [ "$actual" = "$expected" ]
    i=$((i + 1))
done

echo "== the first layer is the base image's: same bytes, same digest, stored once"
base=$(docker image inspect -f '{{index .RootFS.Layers 0}}' alpine:3.20)
[ "$(docker image inspect -f '{{index .RootFS.Layers 0}}' "$image")" = "$base" ] &&
    echo "alpine:3.20 layer 0 = ${base:7:12}"

echo "== the same image saved twice gives the same bytes"
docker save -o "$work/again.tar" "$image"
sha256sum "$work/image.tar" "$work/again.tar" | sed "s|$work/||" | short
cmp -s "$work/image.tar" "$work/again.tar" && echo "identical"

echo "== remove the image, load it back from the file: the ID comes back unchanged"
docker rmi "$image" >/dev/null
docker image inspect "$image" >/dev/null 2>&1 || echo "$image: gone"
docker load -i "$work/image.tar"
[ "$(docker image inspect -f '{{.Id}}' "$image")" = "$id" ] && echo "same ID after load: ${id:7:12}"
ls -l "$work/image.tar" | awk '{print "archive size:", $5, "bytes"}'
gzip -c "$work/image.tar" | wc -c | awk '{print "gzip-compressed:", $1, "bytes"}'
