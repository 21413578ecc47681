#!/usr/bin/env bash
# Lab 07 · stack: bring the three services up as one project, use them, prove the queue
# survives `down`, then take everything away with `down -v --rmi local`.
set -euo pipefail
cd "$(dirname "$0")"

project=${LBL_PREFIX:-lbl-demo}             # every container, network, volume and image starts with it
compose() { docker-compose -p "$project" -f compose.yaml "$@"; }

# The secret lives in a file outside the repository; compose.yaml only names that file.
STORE_TOKEN_FILE=$(mktemp)
export STORE_TOKEN_FILE
cleanup() {
    compose --profile load down -v --rmi local --remove-orphans >/dev/null 2>&1 || true
    rm -f "$STORE_TOKEN_FILE"
}
trap cleanup EXIT
head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$STORE_TOKEN_FILE"
# Without swarm, Compose bind-mounts the file as it is: the services run as `nobody`,
# so the file must be readable by others (or owned by the uid the service runs as).
chmod 0444 "$STORE_TOKEN_FILE"

wait_healthy() {  # wait_healthy SERVICE: poll the container's healthcheck status
    local id status
    id=$(compose ps -q "$1")
    for _ in $(seq 60); do
        status=$(docker inspect -f '{{.State.Health.Status}}' "$id")
        [ "$status" = healthy ] && return 0
        sleep 1
    done
    echo "$1 never became healthy (last status: $status)" >&2
    compose logs --no-color "$1" >&2
    return 1
}

echo "== up: build three images, create two networks and a volume, start in dependency order"
start=$(date +%s)
compose up -d --build --quiet-pull 2>&1 | grep -E '^(Creating|Building|Successfully tagged)' || true
wait_healthy web
echo "stack healthy after $(( $(date +%s) - start )) s"
compose ps

url="http://$(compose port web 8000)"
echo "== the web front answers on $url"
curl -fsS -X POST "$url/jobs?text=hello+from+the+host"
echo "== profile 'load': a service that only runs when asked for"
compose --profile load run --rm loadgen 2>/dev/null
for _ in $(seq 30); do
    curl -fsS "$url/" | grep '^4 job(s), 4 done' >/dev/null && break
    sleep 1
done
page=$(curl -fsS "$url/")
echo "$page"
grep -q '^4 job(s), 4 done' <<<"$page"

echo "== the token is a mounted file, not an environment variable"
store_id=$(compose ps -q store)
docker inspect -f '{{range .Config.Env}}{{println .}}{{end}}' "$store_id"
docker inspect -f '{{range .Mounts}}{{.Type}} {{.Source}} -> {{.Destination}}{{println}}{{end}}' "$store_id"
if docker inspect "$store_id" | grep "$(cat "$STORE_TOKEN_FILE")" >/dev/null; then
    echo "the token leaked into docker inspect" >&2; exit 1
fi

echo "== networks: each service is attached only where compose.yaml puts it"
for service in store web worker; do
    docker inspect -f "$service: {{range \$net, \$_ := .NetworkSettings.Networks}}{{\$net}} {{end}}" \
        "$(compose ps -q "$service")"
done
# loadgen is on 'front' only: the name web resolves there, the name store does not.
compose run --rm --no-deps loadgen nslookup web 2>/dev/null | grep -A1 '^Name:'
if compose run --rm --no-deps loadgen timeout 3 nslookup store >/dev/null 2>&1; then
    echo "store should not be reachable from the front network" >&2; exit 1
fi
echo "store: no answer on the front network"

echo "== down keeps named volumes: the queue is still there after the next up"
compose down
docker volume ls --filter "name=${project}_" --format '{{.Name}}'
compose up -d 2>/dev/null
wait_healthy web
curl -fsS "http://$(compose port web 8000)/" | sed -n '1p'

echo "== down -v --rmi local removes containers, networks, the volume and the built images"
compose --profile load down -v --rmi local
left=$(docker ps -aq --filter "name=${project}_"; docker volume ls -q --filter "name=${project}_";
       docker images -q "${project}_*")
[ -z "$left" ] && echo "nothing left of project $project"
