#!/usr/bin/env bash
# Lab 06 · api-db: the API and its db on a network of their own. Run it from app/:
#   bash ../solution/run.sh build   build the two images (the grader builds them for you)
#   bash ../solution/run.sh up      start both; prints the address the API answers on
#   bash ../solution/run.sh down    remove everything `up` created
set -euo pipefail
# Every name starts with $LBL_PREFIX, so two runs (two graders) never share anything.
LBL_PREFIX=${LBL_PREFIX:-lab06}
API="$LBL_PREFIX-api" DB="$LBL_PREFIX-db" NET="$LBL_PREFIX-net"
# The grader builds app/api and app/db and passes their tags in these two variables.
API_IMAGE=${API_IMAGE:-lab06-api}
DB_IMAGE=${DB_IMAGE:-lab06-db}

up() {
  # A user-defined network: its embedded DNS answers for each member's container name,
  # which the default bridge never does (and this course's engine has no default bridge).
  docker network create "$NET" >/dev/null
  # The db joins the network and publishes nothing: only its neighbours on $NET reach it.
  docker run -d --name "$DB" --network "$NET" "$DB_IMAGE" >/dev/null
  # The API finds the db by its container name. Its port is published on the host's
  # loopback only (127.0.0.1), and the empty host port lets Docker pick a free one, so
  # two copies of this script never fight over a port.
  docker run -d --name "$API" --network "$NET" -e DB_HOST="$DB" \
    -p 127.0.0.1::8080 "$API_IMAGE" >/dev/null
  echo "the API answers on http://$(docker port "$API" 8080/tcp | head -n 1)/"
}

down() {
  # Containers first: a network cannot be removed while a container is attached to it.
  # `|| true` makes down safe to run twice, or after an `up` that stopped half-way.
  docker rm -f "$API" "$DB" >/dev/null 2>&1 || true
  docker network rm "$NET" >/dev/null 2>&1 || true
}

build() {
  # The apps need nothing from the network to build (and there is no default bridge here).
  docker build --network none -t "$API_IMAGE" api
  docker build --network none -t "$DB_IMAGE" db
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  build) build ;;
  *) echo "usage: bash run.sh up|down|build" >&2; exit 64 ;;
esac
