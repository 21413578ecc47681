#!/usr/bin/env bash
# Lab 07 · two-projects: the same compose.yaml brought up under two project names.
# Every name Compose creates starts with the project name, so nothing is shared.
set -euo pipefail
cd "$(dirname "$0")"

prefix=${LBL_PREFIX:-lbl-demo}
projects=("$prefix-blue" "$prefix-green")
cleanup() {
    for p in "${projects[@]}"; do
        docker-compose -p "$p" -f compose.yaml down -v >/dev/null 2>&1 || true
    done
}
trap cleanup EXIT

for p in "${projects[@]}"; do
    docker-compose -p "$p" -f compose.yaml up -d 2>/dev/null
    # Write a different page into each project's own volume.
    docker-compose -p "$p" -f compose.yaml exec -T site sh -c "echo 'this is $p' > /www/index.html"
done

echo "== what Compose created, found by the label it puts on everything"
for p in "${projects[@]}"; do
    echo "-- project $p"
    docker ps --filter "label=com.docker.compose.project=$p" --format 'container {{.Names}}  {{.Ports}}'
    docker network ls --filter "label=com.docker.compose.project=$p" --format 'network   {{.Name}}'
    docker volume ls --filter "label=com.docker.compose.project=$p" --format 'volume    {{.Name}}'
done

echo "== each answers with its own volume's page"
for p in "${projects[@]}"; do
    page=$(curl -fsS "http://$(docker-compose -p "$p" -f compose.yaml port site 8080)/")
    echo "$p: $page"
    [ "$page" = "this is $p" ]
done

echo "== down -v on one project leaves the other running"
docker-compose -p "${projects[0]}" -f compose.yaml down -v 2>/dev/null
docker ps --filter "label=com.docker.compose.project" --format '{{.Names}}' | grep "^$prefix-" || true
docker-compose -p "${projects[1]}" -f compose.yaml down -v 2>/dev/null
