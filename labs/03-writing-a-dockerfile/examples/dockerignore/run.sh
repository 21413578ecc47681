#!/usr/bin/env bash
# Chapter 3: the build context is every file under the folder you build, sent to the
# builder before the first instruction runs. Add the clutter a real project has (a Git
# history, a local secret, a log), then build with and without .dockerignore.
set -euo pipefail
prefix=${LBL_PREFIX:-lbl-ch03}
work=$(mktemp -d)
cleanup() { docker rmi -f "$prefix-ignored" "$prefix-not-ignored" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

# BuildKit is the default builder from Docker 23 on; older clients need DOCKER_BUILDKIT=1.
docker_build() {
  if docker buildx version >/dev/null 2>&1; then docker build "$@"
  else DOCKER_BUILDKIT=1 /usr/bin/docker build "$@"; fi
}

# A private copy of the folder, plus clutter. The token is fake.
cp -r . "$work/context"
cd "$work/context"
mkdir -p .git/objects/pack
head -c 30000000 /dev/urandom > .git/objects/pack/history.pack
echo "API_TOKEN=not-a-real-token-but-it-could-have-been" > .env
head -c 5000000 /dev/urandom | base64 > debug.log

echo "== The folder holds $(du -sb . | cut -f1) bytes in $(find . -type f | wc -l) files"
for variant in ignored not-ignored; do
  [ "$variant" = not-ignored ] && mv .dockerignore "$work/saved.dockerignore"
  docker_build --progress=plain --no-cache --network=none -t "$prefix-$variant" . > "$work/$variant.log" 2>&1
  # BuildKit prints the context it sent as "transferring context: <size>": take the last one.
  sent=$(grep -o 'transferring context: [0-9.]*[kMG]*B' "$work/$variant.log" | tail -n 1 | awk '{print $3}')
  echo
  echo "== $variant: context sent $sent, image $(docker image inspect -f '{{.Size}}' "$prefix-$variant") bytes"
  docker run --rm --name "$prefix-$variant-ls" --network none "$prefix-$variant" \
    sh -c 'ls -A /srv/www | tr "\n" " "; echo; if [ -f .env ]; then echo "the image holds .env: $(cat .env)"; fi'
done
