#!/usr/bin/env bash
# Chapter 1: a container is an ordinary process that the kernel shows a smaller world
# (namespaces) and holds to a budget (cgroups). Run on a Linux host as root, or with
# access to the Docker socket; the /proc comparisons need the host's /proc.
set -euo pipefail
prefix=${LBL_PREFIX:-lbl-ch01}
sleeper="$prefix-sleeper"
hog="$prefix-hog"
cleanup() { docker rm -f "$sleeper" "$hog" >/dev/null 2>&1 || true; }
trap cleanup EXIT

# One long-running container: no network, a 64 MiB memory limit.
docker run -d --name "$sleeper" --network none --memory 64m alpine:3.20 sleep 300 >/dev/null
pid=$(docker inspect -f '{{.State.Pid}}' "$sleeper")

echo "== 1. One process, two PIDs"
echo "on the host, the container's process is PID $pid:"
ps -o pid,user,args -p "$pid"
echo "inside the container, the same process is PID 1:"
docker exec "$sleeper" ps -o pid,user,args

echo
echo "== 2. Same kernel, different names"
echo "host kernel:       $(uname -r)"
echo "container kernel:  $(docker exec "$sleeper" uname -r)"
echo "host hostname:     $(hostname)"
echo "container hostname: $(docker exec "$sleeper" hostname)"
echo "container network interfaces: $(docker exec "$sleeper" ls /sys/class/net | tr '\n' ' ')"

echo
echo "== 3. Namespaces: host shell vs container process (same inode = shared)"
if [ -r "/proc/$pid/ns/pid" ]; then
  printf '%-7s %-22s %-22s %s\n' kind host container verdict
  for ns in pid net uts mnt ipc user cgroup; do
    mine=$(readlink "/proc/$$/ns/$ns")
    theirs=$(readlink "/proc/$pid/ns/$ns")
    verdict=separate
    [ "$mine" = "$theirs" ] && verdict=SHARED
    printf '%-7s %-22s %-22s %s\n' "$ns" "$mine" "$theirs" "$verdict"
  done
else
  echo "(cannot read /proc/$pid/ns here: Docker runs in a VM on this machine)"
fi

echo
echo "== 4. cgroups: the memory limit, as the container sees it"
docker exec "$sleeper" sh -c '
  if [ -f /sys/fs/cgroup/memory.max ]; then f=/sys/fs/cgroup/memory.max          # cgroup v2
  else f=/sys/fs/cgroup/memory/memory.limit_in_bytes; fi                          # cgroup v1
  echo "$f = $(cat "$f") bytes"'

echo
echo "== 5. cgroups enforce it: ask for 64 MiB at once under a 32 MiB limit"
set +e
docker run --name "$hog" --network none --memory 32m --memory-swap 32m \
  alpine:3.20 dd if=/dev/zero of=/dev/null bs=64M count=1 2>/dev/null
code=$?
set -e
echo "exit code: $code, OOMKilled: $(docker inspect -f '{{.State.OOMKilled}}' "$hog")"
[ "$code" -eq 137 ] || { echo "expected the kernel to kill dd (exit 137)"; exit 1; }
