#!/bin/sh
# The worker: asks the store for the oldest queued job, does the work (upper-cases the
# text and counts its words), and reports the result. No port, no state: you can run
# as many of these as you like with `docker-compose up --scale worker=3`.
set -eu
token=$(cat /run/secrets/store_token)
auth="Authorization: Bearer $token"
trap 'echo "worker: stopping"; exit 0' TERM INT
echo "worker: polling $STORE_URL every ${POLL_SECONDS}s"
while true; do
    job=$(wget -qO- --header "$auth" --post-data '' "$STORE_URL/claim" || true)
    if [ -n "$job" ]; then
        id=$(printf '%s' "$job" | cut -f1)
        text=$(printf '%s' "$job" | cut -f2-)
        result="$(printf '%s' "$text" | tr '[:lower:]' '[:upper:]') ($(printf '%s' "$text" | wc -w) words)"
        wget -qO- --header "$auth" --post-data "$result" "$STORE_URL/done/$id" >/dev/null
        echo "worker: job $id done"
    fi
    sleep "$POLL_SECONDS"
done
