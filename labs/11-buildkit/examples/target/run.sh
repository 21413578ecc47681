#!/usr/bin/env bash
# Which stages run depends on the target. Build the default target (runtime), then
# --target test; then plant a failing test and build both targets again.
set -euo pipefail
prefix="${LBL_PREFIX:?set LBL_PREFIX to a unique prefix}"
work="$(mktemp -d)"

cleanup() {
  docker rm -f "$prefix-greet" >/dev/null 2>&1 || true
  docker rmi -f "$prefix-runtime" "$prefix-test" "$prefix-runtime-broken" "$prefix-test-broken" \
    >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

build() { # build LOG CONTEXT [flags...]: BuildKit, plain progress, log kept for reading
  local log=$1 context=$2
  shift 2
  DOCKER_BUILDKIT=1 /usr/bin/docker build --network=none --progress=plain "$@" "$context" >"$log" 2>&1
}
stages() { # the stages that appear in a plain-progress log, in order of first appearance
  grep -oE '^#[0-9]+ \[[a-z]+ ' "$1" | awk '{print substr($2, 2)}' | awk '!seen[$0]++' | tr '\n' ' '
}

echo "== docker build . (the default target is the last stage, runtime)"
build "$work/runtime.log" . -t "$prefix-runtime"
echo "  stages in the log: $(stages "$work/runtime.log")"
echo "  the image says:    $(docker run --rm --name "$prefix-greet" "$prefix-runtime" Ada)"

echo "== docker build --target test ."
build "$work/test.log" . --target test -t "$prefix-test"
echo "  stages in the log: $(stages "$work/test.log")"
if grep -qE '^#[0-9]+ [0-9.]+ ok ' "$work/test.log"; then
  grep -E -- '--- (PASS|FAIL)|^#[0-9]+ [0-9.]+ ok ' "$work/test.log" | sed 's/^#[0-9]* [0-9.]* /  /'
else # same files as a build before this one: BuildKit reuses the step, tests and all
  echo "  go test: CACHED (these exact files passed in an earlier build)"
fi

# A copy of the build context with one test that cannot pass.
cp -r Dockerfile app "$work/"
sed -i 's/"hello, Ada: this/"goodbye, Ada: this/' "$work/app/greeting_test.go"

echo "== the same two builds, with a failing test in the context"
if build "$work/test-broken.log" "$work" --target test -t "$prefix-test-broken"; then
  echo "--target test passed with a failing test" >&2
  exit 1
fi
echo "  --target test: the build FAILED, as it should:"
grep -E -- '--- FAIL' "$work/test-broken.log" | sed 's/^#[0-9]* [0-9.]* /    /'
build "$work/runtime-broken.log" "$work" -t "$prefix-runtime-broken"
echo "  default target: built fine, stages in the log: $(stages "$work/runtime-broken.log")"
