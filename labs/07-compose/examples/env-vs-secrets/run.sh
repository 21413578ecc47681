#!/usr/bin/env bash
# Lab 07 · env-vs-secrets: where a password given through environment: ends up, and
# where one given as a Compose secret does not.
set -euo pipefail
cd "$(dirname "$0")"

project=${LBL_PREFIX:-lbl-demo}
compose() { docker-compose -p "$project" -f compose.yaml "$@"; }

DB_PASSWORD="not-a-real-password-$RANDOM"
DB_PASSWORD_FILE=$(mktemp)
export DB_PASSWORD DB_PASSWORD_FILE
cleanup() {
    compose down -v --remove-orphans >/dev/null 2>&1 || true
    rm -f "$DB_PASSWORD_FILE"
}
trap cleanup EXIT
printf '%s' "$DB_PASSWORD" > "$DB_PASSWORD_FILE"
chmod 0444 "$DB_PASSWORD_FILE"

compose up -d 2>/dev/null
leaky=$(compose ps -q leaky)
careful=$(compose ps -q careful)

shows() {  # shows WHERE COMMAND...: does the output of COMMAND contain the password? yes/no
    local where=$1; shift
    if "$@" 2>/dev/null | grep "$DB_PASSWORD" >/dev/null; then
        echo "  yes  $where"
    else
        echo "  no   $where"
    fi
}
for service in leaky careful; do
    id=$(compose ps -q "$service")
    echo "== $service"
    shows "docker inspect (anyone who can reach the engine)" docker inspect "$id"
    shows "env of any process in the container"              docker exec "$id" env
    shows "the file /run/secrets/db_password"                docker exec "$id" cat /run/secrets/db_password
done
echo "== the project"
shows "docker-compose config (the rendered file)" compose config

# The leak a reader can check by hand: the value sits in the container's configuration.
docker inspect -f '{{range .Config.Env}}{{println .}}{{end}}' "$leaky" | grep '^DB_PASSWORD'
docker inspect -f '{{range .Config.Env}}{{println .}}{{end}}' "$careful" | grep '^DB_PASSWORD'

compose down -v 2>/dev/null
