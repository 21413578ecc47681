#!/usr/bin/env bash
# Lab 09 · manifest: what a push of an image would upload, worked out offline from
# `docker save`. No registry is contacted: the plan is printed, never sent.
set -euo pipefail
cd "$(dirname "$0")"

prefix=${LBL_PREFIX:-lbl-demo}
tool="$prefix-push-plan"
sample="$prefix-sample"
remote="$prefix.registry.test:5000/team/sample"
work=$(mktemp -d)
cleanup() {
    docker rmi "$tool" "$sample:2.0.0" "$sample:2.0.1" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

docker build -q -t "$tool" . >/dev/null 2>&1
docker build -q -t "$sample:2.0.0" sample >/dev/null 2>&1

plan() {  # plan IMAGE REFERENCE: run the tool on the saved image, offline
    docker save "$1" | docker run -i --rm --network none --name "$prefix-plan" "$tool" "$2"
}

echo "== the full plan for $remote:2.0.0"
plan "$sample:2.0.0" "$remote:2.0.0" | tee "$work/2.0.0"

echo "== the same image under another tag: the manifest, and so its digest, do not change"
plan "$sample:2.0.0" "$remote:2.0" > "$work/2.0"
grep '^manifest digest' "$work/2.0.0" "$work/2.0" | sed "s|$work/||"
[ "$(grep '^manifest digest' "$work/2.0.0")" = "$(grep '^manifest digest' "$work/2.0")" ]

echo "== release 2.0.1 changes one file: one new layer blob, a new config, a new manifest"
cp -r sample "$work/sample"
echo "release 2.0.1 of the sample" > "$work/sample/release.txt"
docker build -q -t "$sample:2.0.1" "$work/sample" >/dev/null 2>&1
plan "$sample:2.0.1" "$remote:2.0.1" > "$work/2.0.1"
blobs() { grep -o 'HEAD [^ ]*' "$1" | sed 's|.*/||' | sort; }
echo "blobs 2.0.1 shares with 2.0.0 (the HEAD answers 200, nothing is sent):"
comm -12 <(blobs "$work/2.0.0") <(blobs "$work/2.0.1")
echo "blobs only 2.0.1 has (uploaded):"
comm -13 <(blobs "$work/2.0.0") <(blobs "$work/2.0.1")
grep '^manifest digest' "$work/2.0.1"
[ "$(comm -12 <(blobs "$work/2.0.0") <(blobs "$work/2.0.1") | wc -l)" -eq 1 ]
