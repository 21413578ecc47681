#!/bin/sh
# A stand-in for a tool you download at build time: release 1.0, as published.
echo "tool 1.0: the build you reviewed"
