#!/bin/sh
# A stand-in app that writes its log where it was told to: $LOG_FILE, or stdout.
log="${LOG_FILE:-/dev/stdout}"
for i in $(seq 1 "${COUNT:-3}"); do
  echo "$(date -u +%FT%TZ) level=info msg=\"order processed\" n=$i" >>"$log"
done
