#!/usr/bin/env bash
# Lab 09 · publish · starter
# The grader gives you: LBL_IMAGE (the lab-08 image), LBL_REGISTRY (host:port of the
# course's registry), SOURCE_REVISION (the commit being released) and LBL_PREFIX.
set -euo pipefail

repo="$LBL_REGISTRY/greeter"

# TODO: build a release image from ./Dockerfile with BASE=$LBL_IMAGE and the version
#       (from ./VERSION), revision and source passed as --build-arg, so they become labels.
docker tag "$LBL_IMAGE" "$repo:latest"

# TODO: tag it with the version and with the revision too, and push every tag.
docker push "$repo:latest"

# TODO: find the digest the registry gave the image, remove your local tags, pull it
#       back by digest and print: pulled $repo@sha256:...
