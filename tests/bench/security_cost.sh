#!/usr/bin/env bash
# tests/bench/security_cost.sh: what members-only costs, measured in one run on this machine: two
# clusters of the same build side by side, one with keys (CURVE on TCP, authenticated datagrams,
# the door) and one with cluster/insecure = 1; the same loads alternate between them for several
# rounds, and the medians are printed beside each other. Prints figures; not a pass/fail test.
# Usage: tests/bench/security_cost.sh [build/zrun] [NODES] [ROUNDS]   (defaults: 3 nodes, 3 rounds)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
zrun=${1:-$here/../../build/zrun}
nodes=${2:-3}
rounds=${3:-3}
ZRUN=$zrun
source "$here/../system/lib.sh" "$zrun"
p50_of() { awk '{for (i = 1; i <= NF; i++) if ($i == "p50") print $(i + 1)}' <<<"$1"; }
rate_of() { awk '{for (i = 1; i <= NF; i++) if ($i == "req/s") print $(i - 1)}' <<<"$1"; }
median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

echo "== machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); $nodes nodes per cluster, $rounds rounds"

declare -A url
for mode in secure insecure; do
    base=$(free_base_port)
    url[$mode]="http://127.0.0.1:$((base + 99))"
    flags=(); [ "$mode" = insecure ] && flags=(--insecure)
    "$zrun" cluster --nodes "$nodes" --base-port "$base" --http-port "$((base + 99))" --log-dir "$WORK/$mode" \
        --log-level warn "${flags[@]}" >"$WORK/$mode.out" 2>&1 &
    PIDS+=("$!")
done
for mode in secure insecure; do
    leads() { curl -s -m 2 "${url[$mode]}/cluster" | grep -q LEADER; }
    wait_for 90 "the $mode cluster to elect a leader" leads
    [ "$(curl -s -m 2 "${url[$mode]}/metrics" | awk '$1 == "zrun_insecure" {print $2}')" = "$([ "$mode" = insecure ] && echo 1 || echo 0)" ] \
        || fail "the $mode cluster does not say so in /metrics"
done
echo "== warming both clusters' workers (600 distinct classes each)"
for mode in secure insecure; do
    "$zrun" bench --url "${url[$mode]}" --concurrency 8 --requests 600 --warmup 0 --label warm-up >/dev/null
done

loads=("distinct c=1:--concurrency 1 --requests 200 --warmup 10"
       "distinct c=8:--concurrency 8 --requests 400 --warmup 20"
       "repeated c=1:--concurrency 1 --requests 600 --warmup 50 --same"
       "repeated c=8:--concurrency 8 --requests 1500 --warmup 50 --same")
for round in $(seq 1 "$rounds"); do
    order=(secure insecure); [ $((round % 2)) -eq 0 ] && order=(insecure secure)   # neither always first
    for load in "${loads[@]}"; do
        name=${load%%:*} args=${load#*:}
        for mode in "${order[@]}"; do
            # shellcheck disable=SC2086
            line=$("$zrun" bench --url "${url[$mode]}" $args --label "$mode, $name")
            echo "round $round: $line"
            echo "$(p50_of "$line") $(rate_of "$line")" >>"$WORK/$mode-${name// /_}"
        done
    done
done

echo
echo "== medians over $rounds rounds (secure: CURVE + authenticated datagrams + the door; insecure: cluster/insecure = 1)"
printf '%-14s %12s %12s %10s   %12s %12s %8s\n' load "p50 secure" "insecure" delta "req/s secure" insecure change
for load in "${loads[@]}"; do
    name=${load%%:*} file=${name// /_}
    sp=$(awk '{print $1}' "$WORK/secure-$file" | median) ip=$(awk '{print $1}' "$WORK/insecure-$file" | median)
    sr=$(awk '{print $2}' "$WORK/secure-$file" | median) ir=$(awk '{print $2}' "$WORK/insecure-$file" | median)
    awk -v n="$name" -v sp="$sp" -v ip="$ip" -v sr="$sr" -v ir="$ir" 'BEGIN {
        printf "%-14s %9.2f ms %9.2f ms %+7.2f ms   %12.1f %12.1f %+7.1f %%\n", n, sp, ip, sp - ip, sr, ir, 100 * (sr - ir) / ir }'
done
echo "(targets: uncached c=1 p50 within +0.3 ms, c=8 throughput within -5 %)"
