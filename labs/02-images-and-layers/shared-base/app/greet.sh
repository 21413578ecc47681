#!/bin/sh
# Lab 02 · shared-base: the greet tool.
. /opt/common/common.sh
banner "greet"
field "message" "hello from a layer both images share"
field "user" "$(id -un)"
