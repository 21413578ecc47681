#!/bin/sh
# Runs node when the first argument is an option (-e, --version) or a script that is
# not itself a command; runs anything else (npm, sh, node ...) unchanged.
set -e
first=${1:-}
case "$first" in
    -*) set -- node "$@" ;;
    *)
        if ! command -v "$first" >/dev/null 2>&1 || { [ -f "$first" ] && [ ! -x "$first" ]; }; then
            set -- node "$@"
        fi
        ;;
esac
exec "$@"
