#!/usr/bin/env bash
# tests/bench/cpu_per_request.sh: where each request's CPU goes, by kind of thread, in a fresh zrun serve
# (the baseline), a fresh 7-node cluster and a fresh 3-node cluster, measured in one run. Prints figures.
# Each system runs alone, after its JVMs' warm-up bursts and 100 requests, then REQUESTS distinct
# sources at c=8 while its process tree's CPU is read from /proc (tests/bench/thread_cpu.py).
# Usage: tests/bench/cpu_per_request.sh [build/zrun] [REQUESTS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
zrun=${1:-$here/../../build/zrun}
requests=${2:-3000}
ZRUN=$zrun
source "$here/../system/lib.sh" "$zrun"
source "$here/bench_lib.sh"

# measure LABEL URL PID: the load at c=8, the CPU of PID's process tree around it; the bench line on stdout
measure() {
    "$zrun" bench --url "$2" --concurrency 8 --requests 100 --warmup 0 --label "warm-up" >/dev/null
    python3 "$here/thread_cpu.py" snapshot "$3" >"$WORK/$1.before"
    "$zrun" bench --url "$2" --concurrency 8 --requests "$requests" --warmup 0 --label "$1, distinct"
    python3 "$here/thread_cpu.py" snapshot "$3" >"$WORK/$1.after"
    python3 "$here/thread_cpu.py" report "$1" "$requests" "$WORK/$1.before" "$WORK/$1.after" >"$WORK/$1.report"
}

echo "== machine: $(nproc) cores; $(java -version 2>&1 | head -n 1); c=8, $requests distinct sources each"
start_serve serve
measure serve "$serve_url" "$serve_pid"
stop "$serve_pid"
for nodes in 7 3; do
    start_ready_cluster "$nodes"
    wait_for 300 "the cluster's JVMs' warm-up bursts" bursts_over "$WORK/logs" "$nodes"
    measure "cluster-$nodes" "$url" "$cluster_pid"
    stop "$cluster_pid"
done
python3 "$here/thread_cpu.py" table "$WORK/serve.report" "$WORK/cluster-7.report" "$WORK/cluster-3.report"
