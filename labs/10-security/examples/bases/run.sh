#!/usr/bin/env bash
# What each base image brings before you add a single file: its size, how many
# regular files, how many of them carry a setuid or setgid bit, whether there is a
# shell, how many packages a scanner would find recorded, and the default user.
# The file system is read from `docker export`, so it works on images with no shell.
set -euo pipefail
prefix="${LBL_PREFIX:?set LBL_PREFIX to a unique prefix}"
work="$(mktemp -d)"
container="$prefix-bases"

cleanup() {
  docker rm -f "$container" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

printf '%-44s %8s %7s %12s %6s %9s %s\n' IMAGE SIZE_MB FILES SETUID/GID SHELL PACKAGES USER
for image in debian:bookworm-slim python:3.11-slim alpine:3.20 gcr.io/distroless/static-debian12:nonroot; do
  # `docker create` needs a command for images without one; it never runs.
  docker create --name "$container" "$image" /nothing >/dev/null
  docker export "$container" >"$work/fs.tar"
  docker rm "$container" >/dev/null

  # Every container gets five empty files from Docker itself: leave them out.
  tar -tvf "$work/fs.tar" | grep -vE ' (\.dockerenv|dev/console|etc/hostname|etc/hosts|etc/resolv\.conf)$' >"$work/list"
  files=$(grep -c '^-' "$work/list" || true)
  # Mode column: the 4th character is s/S for setuid, the 7th for setgid.
  special=$(grep -cE '^-..[sS]|^-.....[sS]' "$work/list" || true)
  if grep -qE ' (usr/)?bin/(ba)?sh( |$)' "$work/list"; then shell=yes; else shell=no; fi
  # dpkg's database, the thing an image scanner reads on a Debian-based image.
  if tar -xOf "$work/fs.tar" var/lib/dpkg/status >"$work/status" 2>/dev/null; then
    packages=$(grep -c '^Package:' "$work/status")
  else
    packages=none
  fi
  size=$(docker image inspect -f '{{.Size}}' "$image")
  user=$(docker image inspect -f '{{.Config.User}}' "$image")
  printf '%-44s %8.1f %7s %12s %6s %9s %s\n' "$image" "$(awk "BEGIN{print $size/1e6}")" \
    "$files" "$special" "$shell" "$packages" "${user:-root (unset)}"
done

echo
echo "The setuid/setgid files in debian:bookworm-slim:"
docker create --name "$container" debian:bookworm-slim /nothing >/dev/null
docker export "$container" | tar -tvf - | grep -E '^-..[sS]|^-.....[sS]' | awk '{print "  " $1, $2, $6}'
