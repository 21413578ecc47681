#!/usr/bin/env bash
# Lab 09 · auth · solution
set -euo pipefail

repo="$LBL_REGISTRY/greeter"
docker tag "$LBL_IMAGE" "$repo:$(cat VERSION)"

# --password-stdin: the password travels through a pipe, never through argv, where
# `ps`, a shell trace (set -x) or a CI log would show it.
docker login --username "$LBL_REGISTRY_USER" --password-stdin "$LBL_REGISTRY" \
    < "$LBL_REGISTRY_PASSWORD_FILE"
# Log out even when the push fails: the trap runs on every way out of the script.
trap 'docker logout "$LBL_REGISTRY" >/dev/null' EXIT
docker push --quiet "$repo:$(cat VERSION)"
