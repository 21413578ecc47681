#!/bin/sh
# A tiny journal for lab 05: every run appends one numbered entry to the journal file
# in $DATA_DIR and says how many entries there are. It writes nothing anywhere else.
set -eu

dir="${DATA_DIR:?set DATA_DIR to the folder that keeps the journal}"
journal="$dir/journal.log"

count=0
if [ -f "$journal" ]; then
  count=$(wc -l < "$journal")
fi
count=$((count + 1))

# One line per run: a failed write (a read-only or foreign-owned folder) stops the
# script here with sh's own error message and a non-zero exit code.
printf 'entry %d written by uid %s at %s\n' "$count" "$(id -u)" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >> "$journal"
echo "journal: entry $count saved in $journal"
