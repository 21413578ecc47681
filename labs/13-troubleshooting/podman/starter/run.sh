#!/usr/bin/env bash
# Lab 13 · podman · starter (optional exercise)
# Runs in a folder holding lab 08's go app with lab 08's solution as ./Dockerfile.
# The grader gives you LBL_PREFIX, and a podman whose store already holds the bases.
set -euo pipefail

image="$LBL_PREFIX-greeter"

# TODO: build ./Dockerfile with Podman instead of Docker, into $image, with no network
#       (the app needs only Go's standard library). The Dockerfile does not change.
docker build --network none -t "$image" .

# TODO: print what Podman built: its id, size and format (podman image inspect).
