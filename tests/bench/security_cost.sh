#!/usr/bin/env bash
# tests/bench/security_cost.sh: what members-only costs, measured in one run on this machine: first
# the work it adds to a job without any JVM (tests/bench/security_micro.c: a TCP round trip with
# and without CURVE, sealing and opening a datagram), then end to end with two
# clusters of the same build side by side, one with keys (CURVE on TCP, authenticated datagrams,
# the door) and one with cluster/insecure = 1. Each load runs as PAIRS short pairs, one run on each
# cluster back to back (which goes first alternates), so that a shared machine's load swings hit
# both sides of a pair alike; the median of the pairs' differences is the cost. Prints figures;
# not a pass/fail test.
# Usage: tests/bench/security_cost.sh [build/zrun] [NODES] [PAIRS]   (defaults: 3 nodes, 9 pairs)
# ZRUN_COST_CONTROL=1 gives the "insecure" cluster keys too: an A/A run, whose differences are the
# noise floor (two clusters' JVMs are never equally fast). ZRUN_COST_FIRST=insecure starts and
# warms the insecure cluster first (default: the secure one).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
zrun=${1:-$here/../../build/zrun}
nodes=${2:-3}
pairs=${3:-9}
ZRUN=$zrun
source "$here/../system/lib.sh" "$zrun"
source "$here/bench_lib.sh"
median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

echo "== machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); $nodes nodes per cluster, $pairs pairs per load; ${ZRUN_COST_FIRST:-secure} cluster started first"

echo "== the work members-only adds to a job, without JVMs (tests/bench/security_micro.c)"
cmake --build "$(dirname "$zrun")" --target security_micro -- --no-print-directory >/dev/null
"$(dirname "$zrun")/tests/security_micro"

starting=(secure insecure); [ "${ZRUN_COST_FIRST:-secure}" = insecure ] && starting=(insecure secure)
declare -A url
for mode in "${starting[@]}"; do
    base=$(free_base_port)
    url[$mode]="http://127.0.0.1:$((base + 99))"
    flags=(); [ "$mode" = insecure ] && [ -z "${ZRUN_COST_CONTROL:-}" ] && flags=(--insecure)
    "$zrun" cluster --nodes "$nodes" --base-port "$base" --http-port "$((base + 99))" --log-dir "$WORK/$mode" \
        --log-level warn "${flags[@]}" >"$WORK/$mode.out" 2>&1 &
    PIDS+=("$!")
done
for mode in "${starting[@]}"; do
    leads() { curl -s -m 2 "${url[$mode]}/cluster" | grep -q LEADER; }
    wait_for 90 "the $mode cluster to elect a leader" leads
    expected=$([ "$mode" = insecure ] && [ -z "${ZRUN_COST_CONTROL:-}" ] && echo 1 || echo 0)
    says_so() { [ "$(curl -s -m 2 "${url[$mode]}/metrics" | awk '$1 == "zrun_insecure" {print $2}')" = "$expected" ]; }
    wait_for 10 "the $mode cluster to say zrun_insecure $expected in /metrics" says_so
done
echo "== warming both clusters' workers (1600 distinct classes each: the JIT settles after a few hundred per JVM)"
for mode in "${starting[@]}"; do
    "$zrun" bench --url "${url[$mode]}" --concurrency 8 --requests 1600 --warmup 0 --label warm-up >/dev/null
done

loads=("distinct c=1:--concurrency 1 --requests 80 --warmup 5"
       "distinct c=8:--concurrency 8 --requests 240 --warmup 16"
       "repeated c=1:--concurrency 1 --requests 400 --warmup 20 --same"
       "repeated c=8:--concurrency 8 --requests 1200 --warmup 40 --same")
for load in "${loads[@]}"; do
    name=${load%%:*} args=${load#*:} file=$WORK/${name// /_}
    for pair in $(seq 1 "$pairs"); do
        order=(secure insecure); [ $((pair % 2)) -eq 0 ] && order=(insecure secure)
        declare -A got=()
        for mode in "${order[@]}"; do
            # shellcheck disable=SC2086
            line=$("$zrun" bench --url "${url[$mode]}" $args --label "$mode, $name")
            echo "pair $pair: $line"
            got[$mode]="$(p50_of "$line") $(rate_of "$line")"
        done
        echo "${got[secure]} ${got[insecure]}" >>"$file"   # p50 and req/s, secure then insecure
    done
done

# The same uncached c=1 load, less the JVM's own compile_ms and run_ms (from the JSON answer):
# what is left is the cluster's path, which is where the security works, without the JVMs' noise.
for pair in $(seq 1 "$pairs"); do
    order=(secure insecure); [ $((pair % 2)) -eq 0 ] && order=(insecure secure)
    declare -A got=()
    for mode in "${order[@]}"; do
        got[$mode]=$(python3 "$here/path_overhead.py" "${url[$mode]}" 60)
        echo "pair $pair: $mode, uncached c=1 less JVM time: latency p50, path p50 (ms): ${got[$mode]}"
    done
    echo "${got[secure]} ${got[insecure]}" >>"$WORK/path"
done

echo
echo "== $pairs pairs per load (secure: CURVE + authenticated datagrams + the door; insecure: cluster/insecure = 1${ZRUN_COST_CONTROL:+; CONTROL RUN: both have keys})"
printf '%-14s %11s %11s %16s   %10s %10s %17s\n' load "p50 secure" insecure "p50 cost (pairs)" "req/s sec." insecure "req/s change (p.)"
for load in "${loads[@]}"; do
    name=${load%%:*} file=$WORK/${name// /_}
    sp=$(awk '{print $1}' "$file" | median) sr=$(awk '{print $2}' "$file" | median)
    ip=$(awk '{print $3}' "$file" | median) ir=$(awk '{print $4}' "$file" | median)
    dp=$(awk '{print $1 - $3}' "$file" | median) dr=$(awk '{print 100 * ($2 - $4) / $4}' "$file" | median)
    printf '%-14s %8.2f ms %8.2f ms %+13.2f ms   %10.1f %10.1f %+15.1f %%\n' "$name" "$sp" "$ip" "$dp" "$sr" "$ir" "$dr"
done
sp=$(awk '{print $2}' "$WORK/path" | median) ip=$(awk '{print $4}' "$WORK/path" | median)
dp=$(awk '{print $2 - $4}' "$WORK/path" | median)
printf '%-14s %8.2f ms %8.2f ms %+13.2f ms   (uncached c=1 less the JVM'"'"'s compile_ms and run_ms)\n' "path c=1" "$sp" "$ip" "$dp"
echo "(p50 cost and req/s change: medians of the pairs' differences; targets: uncached c=1 p50 cost"
echo " under +0.3 ms, c=8 throughput change above -5 %. Two clusters' JVMs are never equally fast: run"
echo " with ZRUN_COST_CONTROL=1 to see the differences between two clusters that both have keys)"
