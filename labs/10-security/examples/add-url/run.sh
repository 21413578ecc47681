#!/usr/bin/env bash
# A local web server plays the part of a download site. Build with ADD <url>, then
# replace the file on the server and build again: same Dockerfile, different image.
# Then do the same with a pinned sha256: the second build refuses.
set -euo pipefail
prefix="${LBL_PREFIX:?set LBL_PREFIX to a unique prefix}"
site="$(mktemp -d)"
server_pid=""

cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
  docker rm -f "$prefix-tool-run" >/dev/null 2>&1 || true
  docker rmi -f "$prefix-add-url-1" "$prefix-add-url-2" "$prefix-pinned-1" "$prefix-pinned-2" >/dev/null 2>&1 || true
  rm -rf "$site"
}
trap cleanup EXIT

# Serve $site on a free port of 127.0.0.1 (port 0 lets the kernel pick it).
cp release/tool.sh "$site/tool.sh"
python3 -u -m http.server --bind 127.0.0.1 --directory "$site" 0 >"$site.log" 2>&1 &
server_pid=$!
for _ in $(seq 50); do grep -q 'port' "$site.log" 2>/dev/null && break; sleep 0.1; done
port=$(sed -n 's/.* port \([0-9]*\) .*/\1/p' "$site.log" | head -n1)
url="http://127.0.0.1:$port/tool.sh"
rm -f "$site.log"

# The builder runs RUN steps on the host's network here, so they can reach 127.0.0.1.
build() { DOCKER_BUILDKIT=1 /usr/bin/docker build --network=host --build-arg "TOOL_URL=$url" "$@"; }
run() { docker run --rm --name "$prefix-tool-run" "$1"; }

echo "== ADD $url"
build --progress=plain -f Dockerfile.add-url -t "$prefix-add-url-1" . >"$site/add.log" 2>&1
grep -oE 'ADD saved the download with mode [0-9]+, owner [a-z]+' "$site/add.log" | head -n1
echo "first build:             $(run "$prefix-add-url-1")"
cp tampered/tool.sh "$site/tool.sh"
build -q -f Dockerfile.add-url -t "$prefix-add-url-2" . >/dev/null
echo "same Dockerfile, rebuilt: $(run "$prefix-add-url-2")"

echo "== RUN wget + sha256sum -c"
cp release/tool.sh "$site/tool.sh"
build -q -f Dockerfile.pinned -t "$prefix-pinned-1" . >/dev/null
echo "first build:             $(run "$prefix-pinned-1")"
cp tampered/tool.sh "$site/tool.sh"
# --no-cache: the RUN line has not changed, so without it the first build's layer is reused.
if build --no-cache --progress=plain -f Dockerfile.pinned -t "$prefix-pinned-2" . >"$site/log" 2>&1; then
  echo "the tampered file was accepted: this should not happen" >&2
  exit 1
fi
echo "same Dockerfile, rebuilt: the build failed:"
grep -E 'FAILED|did NOT match' "$site/log" | sed 's/^#[0-9]* [0-9.]* /  /' | sort -u
