#!/bin/sh
# A visit counter. It keeps its count in /data, a volume, so that the count survives
# the container: run it twice on the same volume and the second run says "visit 2".
set -eu
count_file=/data/visits
count=$(cat "$count_file" 2>/dev/null || echo 0)
count=$((count + 1))
echo "$count" > "$count_file"
echo "visit $count, counted by $(id -un) (uid $(id -u))"
