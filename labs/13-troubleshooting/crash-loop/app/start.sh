#!/bin/sh
# Starts the status page. APP_ENV picks the page's banner, and there is no safe guess
# the script could make, so it refuses to start without one and says why.
set -eu
if [ -z "${APP_ENV:-}" ]; then
  echo "start.sh: APP_ENV is not set; set it to production or staging" >&2
  exit 1
fi
case "$APP_ENV" in
  production|staging) ;;
  *) echo "start.sh: APP_ENV=$APP_ENV is not production or staging" >&2; exit 1 ;;
esac
# The root filesystem may be read-only: the page is written to /tmp.
mkdir -p /tmp/www
echo "status: ok ($APP_ENV)" > /tmp/www/index.html
echo "start.sh: serving the $APP_ENV status page on :8080" >&2
exec httpd -f -p 8080 -h /tmp/www
