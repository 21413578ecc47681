#!/bin/sh
# Stands in for a vendor's command-line tool: it reads an API token and "downloads" the
# licence file the app needs at build time. No network is used: the grader only cares
# where the token ends up, and a real download would use the token the same way.
# The token file is the first argument, or the vendor's usual place in $HOME.
set -eu
token_file="${1:-$HOME/.config/vendor/token}"
if [ ! -s "$token_file" ]; then
  echo "fetch-licence: no token in $token_file (build with --secret id=api_token,src=FILE)" >&2
  exit 1
fi
bytes=$(wc -c <"$token_file" | tr -d ' ')
mkdir -p /opt/vendor
printf 'licence: granted to greeter (checked a token of %s bytes)\n' "$bytes" >/opt/vendor/licence.txt
echo "fetch-licence: licence written to /opt/vendor/licence.txt"
