#!/usr/bin/env bash
# Chapter 13 · one `docker run`, seen from each layer below the docker CLI:
# dockerd, containerd, runc, and the OCI runtime spec that runc is handed.
# Steps 2-3 read the engine host's state: they need root on a Linux host (not
# Docker Desktop), and they say so and skip when they cannot.
set -euo pipefail
P="${LBL_PREFIX:-lbl-demo}"
NAME="$P-oci"

cleanup() {
  docker rm -f "$NAME" >/dev/null 2>&1 || true
}
trap cleanup EXIT

docker run -d --name "$NAME" --memory 64m --cpus 0.5 --read-only alpine:3.20 sleep 300 >/dev/null
ID="$(docker inspect -f '{{.Id}}' "$NAME")"

echo "== 1. the engine's components, as dockerd reports them"
docker version --format '{{range .Server.Components}}  {{.Name}} {{.Version}}{{println}}{{end}}' | grep .
docker info --format '  default OCI runtime: {{.DefaultRuntime}}'

echo "== 2. containerd's view of the same container (namespace moby)"
SOCK=""
for candidate in /run/docker/containerd/containerd.sock /run/containerd/containerd.sock; do
  [ -S "$candidate" ] && [ -r "$candidate" ] && SOCK="$candidate" && break
done
if [ -n "$SOCK" ] && command -v ctr >/dev/null; then
  ctr --address "$SOCK" -n moby containers ls 2>/dev/null |
    awk -v id="$ID" '$1 == id { print "  id " substr($1, 1, 12) "... (the same id as docker'"'"'s), runtime " $3 }'
else
  echo "  skipped: no readable containerd socket or no ctr here"
fi

echo "== 3. runc's view, and the OCI runtime spec (config.json) it started from"
RUNC_ROOT=/run/docker/runtime-runc/moby
if command -v runc >/dev/null && [ -r "$RUNC_ROOT" ] && command -v python3 >/dev/null; then
  state="$(runc --root "$RUNC_ROOT" state "$ID")"
  bundle="$(python3 -c 'import json, sys; print(json.load(sys.stdin)["bundle"])' <<<"$state")"
  python3 - "$bundle/config.json" "$state" <<'PY'
import json, sys
spec = json.load(open(sys.argv[1]))
state = json.loads(sys.argv[2])
res = spec["linux"]["resources"]
print(f"  runc state: {state['status']}, pid {state['pid']} on the host")
rows = [
    ("ociVersion", spec["ociVersion"], ""),
    ("process.args", " ".join(spec["process"]["args"]), "the command given to docker run"),
    ("root.readonly", spec["root"].get("readonly", False), "--read-only"),
    ("linux.resources.memory.limit", res["memory"]["limit"], "--memory 64m"),
    ("linux.resources.cpu quota/period", f"{res['cpu']['quota']}/{res['cpu']['period']}", "--cpus 0.5"),
    ("linux.namespaces", ",".join(n["type"] for n in spec["linux"]["namespaces"]), ""),
]
for key, value, flag in rows:
    print(f"  {key:<33} {str(value):<24} {'<- ' + flag if flag else ''}".rstrip())
PY
else
  echo "  skipped: needs runc, read access to $RUNC_ROOT (root) and python3"
fi

echo "== 4. the image side: the manifest docker save writes (ids shortened)"
docker save alpine:3.20 | tar -xO manifest.json |
  python3 -c 'import json, sys; print(json.dumps(json.load(sys.stdin), indent=2))' |
  sed -E 's/([0-9a-f]{12})[0-9a-f]{52}/\1.../g; s/^/  /'
