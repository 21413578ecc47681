#!/usr/bin/env bash
# Chapter 12 · what a memory limit and a CPU limit do to a process that ignores them.
set -euo pipefail
P="${LBL_PREFIX:-lbl-demo}"

cleanup() {
  docker rm -f "$P-oom" >/dev/null 2>&1 || true
}
trap cleanup EXIT

echo "== 1. what a process inside sees with --memory 32m"
# free reads /proc/meminfo, which is the host's; the limit lives in the cgroup.
docker run --rm --memory 32m alpine:3.20 sh -c '
  free -m | awk "NR==2 {print \"  free -m says total:\", \$2, \"MB (the host)\"}"
  limit=$(cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes)
  echo "  the cgroup says:    $limit bytes"'

echo "== 2. 32 MB of memory (and no swap), and a program that wants 8 MB more each step"
# --memory-swap equal to --memory: no swap on top. Without it, a host with swap lets
# the container swap up to the same amount again before the OOM killer steps in.
since="$(date +%s)"
docker run --name "$P-oom" --memory 32m --memory-swap 32m python:3.11-slim python -c '
chunks = []
for step in range(1, 11):
    chunks.append(bytearray(8 * 1024 * 1024))   # 8 MiB, touched: really resident
    print(f"holding {step * 8} MiB", flush=True)
print("never printed: the limit was not enforced")
' || echo "  docker run exited with $?"
docker inspect -f '  OOMKilled={{.State.OOMKilled}} ExitCode={{.State.ExitCode}} (137 = 128 + SIGKILL)' "$P-oom"
echo "  the engine's events for it:" $(docker events --since "$since" --until "$(( $(date +%s) + 1 ))" \
  --filter type=container --format '{{.Status}} {{.Actor.ID}}' |
  awk -v id="$(docker inspect -f '{{.Id}}' "$P-oom")" '$2 == id {print $1}')

echo "== 3. the same CPU-bound loop under three CPU limits"
# CPU time is the work done; wall time is how long it took. The limit (a CFS quota
# per 100 ms period) stretches wall time; it does not kill anything.
for cpus in 1 0.5 0.25; do
  docker run --rm --cpus "$cpus" python:3.11-slim python -c '
import sys, time
wall, cpu = time.perf_counter(), time.process_time()
n = 0
for i in range(15_000_000):
    n += i
print(f"  --cpus {sys.argv[1]:>4}: cpu {time.process_time() - cpu:.2f} s, wall {time.perf_counter() - wall:.2f} s")
' "$cpus"
done
