#!/usr/bin/env bash
# Lab 09 · auth · starter
# Also given: LBL_REGISTRY_USER and LBL_REGISTRY_PASSWORD_FILE (a file holding the password).
set -euo pipefail
set -x  # handy while debugging... but look at what it prints

repo="$LBL_REGISTRY/greeter"
docker tag "$LBL_IMAGE" "$repo:$(cat VERSION)"

# TODO: log in without the password ever appearing on a command line or in the output.
docker login -u "$LBL_REGISTRY_USER" -p "$(cat "$LBL_REGISTRY_PASSWORD_FILE")" "$LBL_REGISTRY"
docker push "$repo:$(cat VERSION)"
# TODO: leave no stored credentials behind when the script is done.
