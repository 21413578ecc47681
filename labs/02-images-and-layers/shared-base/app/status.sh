#!/bin/sh
# Lab 02 · shared-base: the status tool.
. /opt/common/common.sh
banner "status"
field "kernel" "$(uname -r)"
field "uptime" "$(cut -d' ' -f1 /proc/uptime) s"
field "user" "$(id -un)"
