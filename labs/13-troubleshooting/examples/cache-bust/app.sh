#!/bin/sh
# The app: it reports what its dependency step left behind.
echo "app running; $(cat /app/deps.txt)"
