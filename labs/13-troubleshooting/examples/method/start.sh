#!/bin/sh
# Starts the app: reads its config from $APP_CONFIG, then serves a page on $PORT.
# Its own messages go to stderr, all of them, so that they stay in order in docker logs.
set -eu
echo "start.sh: running as $(id -un), config from $APP_CONFIG" >&2
mkdir -p /tmp/app && date -u +%T > /tmp/app/started   # a trace that docker diff will show
if [ ! -r "$APP_CONFIG" ]; then
  echo "error: cannot read config file $APP_CONFIG" >&2
  exit 3
fi
. "$APP_CONFIG"
mkdir -p /tmp/www && echo "$GREETING" > /tmp/www/index.html
echo "serving on :$PORT" >&2
exec httpd -f -p "$PORT" -h /tmp/www
