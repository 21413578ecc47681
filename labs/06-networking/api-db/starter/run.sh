#!/usr/bin/env bash
# Lab 06 · api-db: the API and its db on a network of their own. Run it from app/:
#   bash ../starter/run.sh build   build the two images (the grader builds them for you)
#   bash ../starter/run.sh up      start both; prints the address the API answers on
#   bash ../starter/run.sh down    remove everything `up` created
set -euo pipefail
# Every name starts with $LBL_PREFIX, so two runs (two graders) never share anything.
LBL_PREFIX=${LBL_PREFIX:-lab06}
API="$LBL_PREFIX-api" DB="$LBL_PREFIX-db" NET="$LBL_PREFIX-net"
# The grader builds app/api and app/db and passes their tags in these two variables.
API_IMAGE=${API_IMAGE:-lab06-api}
DB_IMAGE=${DB_IMAGE:-lab06-db}

up() {
  docker network create "$NET" >/dev/null
  # TODO: the db must join $NET, like the API, to be found by name.
  # TODO: and it must publish nothing: only its neighbours on $NET should reach a database.
  docker run -d --name "$DB" -p 127.0.0.1::6000 "$DB_IMAGE" >/dev/null
  # TODO: the API looks for its db at the name in DB_HOST (default: db); pass it the db's
  #       container name with -e.
  docker run -d --name "$API" --network "$NET" \
    -p 127.0.0.1::8080 "$API_IMAGE" >/dev/null
  echo "the API answers on http://$(docker port "$API" 8080/tcp | head -n 1)/"
}

down() {
  docker rm -f "$API" "$DB" >/dev/null 2>&1 || true
  # TODO: remove the network too, or every run leaves one behind.
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
