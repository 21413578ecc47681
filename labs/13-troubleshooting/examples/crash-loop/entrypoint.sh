#!/bin/sh
# The app's start script: it needs DATABASE_URL, and says so before it exits.
set -eu
: "${DATABASE_URL:?DATABASE_URL is not set (example: postgres://app@db:5432/app)}"
echo "connecting to ${DATABASE_URL#*@}"   # the part after "@": never log the password
exec sleep 3600                         # stands in for the real server
