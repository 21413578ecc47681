#!/usr/bin/env bash
# Lab 09 · tags: one build, many names. Tags are pointers that can move; the image ID,
# a hash of the image's content, cannot.
set -euo pipefail
cd "$(dirname "$0")"

prefix=${LBL_PREFIX:-lbl-demo}
repo="$prefix-shop"                              # a repository name on this engine
remote="$prefix.registry.test:5000/team/shop"    # the same, fully qualified (never pushed)
tmp=$(mktemp)
cleanup() {
    rm -f "$tmp"
    docker image ls --format '{{.Repository}}:{{.Tag}}' |
        grep -E "^($repo|$remote):" | xargs -r docker rmi >/dev/null 2>&1 || true
}
trap cleanup EXIT

# The source revision: the commit this checkout is at, or "unknown" outside git.
revision=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)

build() {  # build VERSION [FLAGS...]: tag it with the full version and version+revision
    local version=$1; shift
    docker build -q "$@" --build-arg VERSION="$version" --build-arg REVISION="$revision" \
        -t "$repo:$version" -t "$repo:$version-$revision" . >/dev/null 2>&1
    docker image inspect -f '{{.Id}}' "$repo:$version"
}
id() { docker image inspect -f '{{.Id}}' "$1" | cut -c8-19; }  # short ID, as `docker image ls` shows it

echo "== build 1.4.2 at revision $revision, then give it the moving tags too"
v142=$(build 1.4.2)
for tag in 1.4 1 latest; do docker tag "$repo:1.4.2" "$repo:$tag"; done
docker tag "$repo:1.4.2" "$remote:1.4.2"
docker image ls --format '{{.Repository}}:{{.Tag}} {{.ID}}' | grep -E "^($repo|$remote):" | sort |
    awk '{ printf "%-40s %s\n", $1, $2 }'

echo "== every name is the same image: one ID, many RepoTags, and no RepoDigests"
docker image inspect -f '{{range .RepoTags}}{{println .}}{{end}}' "$v142" | grep . | sort
echo "RepoDigests: $(docker image inspect -f '{{json .RepoDigests}}' "$v142") (a push or a pull fills it)"
docker image inspect -f '{{range $k, $v := .Config.Labels}}{{println $k $v}}{{end}}' "$v142" |
    grep '^org.opencontainers'

echo "== two names Docker refuses: semver's '+' is not allowed in a tag, capitals not in a repository"
for ref in "$repo:1.4.2+$revision" "$prefix-Shop:1.4.2"; do
    if docker tag "$v142" "$ref" 2>"$tmp"; then echo "unexpectedly accepted: $ref" >&2; exit 1; fi
    sed 's/^Error parsing reference: //' "$tmp"
done

echo "== release 1.4.3: the moving tags follow it, the full versions stay put"
v143=$(build 1.4.3)
for tag in 1.4 1 latest; do docker tag "$repo:1.4.3" "$repo:$tag"; done
for tag in 1.4.2 "1.4.2-$revision" 1.4.3 1.4 1 latest; do
    printf '%-40s %s\n' "$repo:$tag" "$(id "$repo:$tag")"
done
[ "$(docker image inspect -f '{{.Id}}' "$repo:latest")" = "$v143" ]
[ "$(docker image inspect -f '{{.Id}}' "$repo:1.4.2")" = "$v142" ]

echo "== same inputs, same cache: rebuilding 1.4.2 gives the same ID"
[ "$(build 1.4.2)" = "$v142" ] && echo "1.4.2 rebuilt from cache:    $(id "$v142")"
echo "== --no-cache runs every step again; new creation times make a new config, so a new ID"
docker build -q --no-cache --build-arg VERSION=1.4.2 --build-arg REVISION="$revision" \
    -t "$repo:1.4.2-nocache" . >/dev/null 2>&1
nocache=$(docker image inspect -f '{{.Id}}' "$repo:1.4.2-nocache")
echo "1.4.2 rebuilt with --no-cache: $(id "$nocache")"
[ "$nocache" != "$v142" ]

echo "== an ID names content, so it always means the same image, whatever the tags do"
docker run --rm --network none --name "$prefix-run" "$v142"
