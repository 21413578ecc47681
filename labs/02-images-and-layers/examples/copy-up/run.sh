#!/usr/bin/env bash
# Chapter 2: the union filesystem at work. A running container sees one merged tree;
# its changes land in its own upper directory. Changing a single byte of a file from
# the image copies the whole file up first. The overlay2 listing needs a Linux host
# and root; elsewhere the script shows docker diff and docker ps -s only.
set -euo pipefail
prefix=${LBL_PREFIX:-lbl-ch02}
image="$prefix-copy-up"
box="$prefix-copy-up-box"
cleanup() { docker rm -f "$box" >/dev/null 2>&1 || true; docker rmi -f "$image" >/dev/null 2>&1 || true; }
trap cleanup EXIT

# BuildKit is the default builder from Docker 23 on; older clients need DOCKER_BUILDKIT=1.
docker_build() {
  if docker buildx version >/dev/null 2>&1; then docker build "$@"
  else DOCKER_BUILDKIT=1 /usr/bin/docker build "$@"; fi
}
docker_build --quiet --network=none -t "$image" . >/dev/null
docker run -d --name "$box" --network none "$image" >/dev/null
writable() { docker ps -a -s --filter "name=^$box\$" --format '{{.Size}}'; }

echo "== A fresh container: its writable layer is (nearly) empty"
echo "size: $(writable)"

echo
echo "== Add a file, change a small file, delete one, change ONE byte of a 20 MB file"
docker exec "$box" sh -c '
  echo hello > /srv/data/new.txt
  echo "and edited" >> /srv/data/small.txt
  rm /bin/vi
  printf x | dd of=/srv/data/big.bin bs=1 seek=0 conv=notrunc 2>/dev/null'
echo "size: $(writable)"

echo
echo "== docker diff: A added, C changed, D deleted (relative to the image)"
docker diff "$box"

upper=$(docker inspect -f '{{.GraphDriver.Data.UpperDir}}' "$box" 2>/dev/null || true)
if [ "$(docker inspect -f '{{.GraphDriver.Name}}' "$box")" = overlay2 ] && [ -d "$upper" ]; then
  lower=$(docker inspect -f '{{.GraphDriver.Data.LowerDir}}' "$box")
  echo
  echo "== overlay2: $(tr ':' '\n' <<<"$lower" | wc -l) read-only lower dirs, one upper dir"
  echo "the upper dir holds exactly the changes (vi's whiteout is a 0/0 character device):"
  (cd "$upper" && find . -mindepth 1 ! -type d -printf '  %M %9s bytes  %p\n' | sort -k4)
fi
