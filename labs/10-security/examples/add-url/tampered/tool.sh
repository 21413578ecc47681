#!/bin/sh
# The same URL, later: someone replaced the file on the server.
echo "tool 1.0: NOT the build you reviewed"
