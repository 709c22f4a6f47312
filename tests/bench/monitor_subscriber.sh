#!/usr/bin/env bash
# tests/bench/monitor_subscriber.sh: does a subscriber that never reads the monitor ports slow a
# cluster down? Throughput of a 3-node cluster with no subscriber, then with a `zrun monitor
# --cluster` that is stopped (SIGSTOP) right after it subscribed to every process, in turns,
# side by side; then what the stalled subscriber lost once it reads again. Prints figures; it is
# not a pass/fail test. Usage: tests/bench/monitor_subscriber.sh [build/zrun] [requests]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
zrun=${1:-$here/../../build/zrun}
requests=${2:-3000}
ZRUN=$zrun
source "$here/../system/lib.sh" "$zrun"
source "$here/bench_lib.sh"
published() {   # events published by every process so far
    for port in $((base + 99)) $((base + 13)) $((base + 23)) $((base + 33)); do
        curl -s -m 2 "http://127.0.0.1:$port/metrics"
    done | awk '$1 ~ /^zrun_events_published_total/ {s += $2} END {printf "%.0f", s}'
}

start_cluster 3 --log-level warn
wait_for 60 "a leader" has_leader
config="$WORK/logs/cluster.zpl"
echo "== warming up (repeated source: the cheapest job, so the most events per second)"
"$zrun" bench --url "$url" --concurrency 4 --requests 3000 --warmup 0 --same --label warm-up >/dev/null

stalled=""
stall_a_subscriber() {
    "$zrun" monitor --cluster "$config" >"$WORK/stalled.out" 2>&1 &
    stalled=$!
    PIDS+=("$stalled")
    subscribed() { grep -q 'listening to 4 monitor ports' "$WORK/stalled.out"; }
    wait_for 10 "the subscriber to subscribe" subscribed
    "$zrun" bench --url "$url" --concurrency 1 --requests 20 --warmup 0 --same --label probe >/dev/null
    kill -STOP "$stalled"   # from now on it reads nothing: its socket buffers and queues fill up
}

declare -a without with
for round in 1 2 3; do
    before=$(published)
    line=$("$zrun" bench --url "$url" --concurrency 4 --requests "$requests" --warmup 0 --same --label "no subscriber")
    echo "$line  ($(( $(published) - before )) events published)"
    without+=("$(rate_of "$line")")
    [ -n "$stalled" ] || stall_a_subscriber
    before=$(published)
    line=$("$zrun" bench --url "$url" --concurrency 4 --requests "$requests" --warmup 0 --same --label "a subscriber that never reads")
    echo "$line  ($(( $(published) - before )) events published)"
    with+=("$(rate_of "$line")")
done
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {printf "%.1f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
a=$(median "${without[@]}") b=$(median "${with[@]}")
echo
echo "req/s without a subscriber:       ${without[*]}  (median $a)"
echo "req/s with one that never reads:  ${with[*]}  (median $b, $(awk -v a="$a" -v b="$b" 'BEGIN {printf "%+.1f%%", 100 * (b - a) / a}'))"

kill -CONT "$stalled"   # it reads again: what its queues held, then gaps in seq show its losses
"$zrun" bench --url "$url" --concurrency 1 --requests 20 --warmup 0 --same --label after >/dev/null
caught_up() { tail -n 1 "$WORK/stalled.out" | grep -q 'request.completed'; }
wait_for 30 "the woken subscriber to catch up" caught_up
lost=$(awk '/^# node [0-9]+: [0-9]+ events lost/ {s += $4} END {printf "%.0f", s}' "$WORK/stalled.out")
echo "the woken subscriber printed $(grep -c ' request\.' "$WORK/stalled.out") request events and counted $lost lost;" \
     "the processes lost none on its account: zrun_events_dropped_total{reason=\"queue_full\"} =" \
     "$(curl -s "$url/metrics" | awk '$1 == "zrun_events_dropped_total{reason=\"queue_full\"}" {print $2}') at the gateway"
echo "(a stalled subscriber loses lines only once its process's PUB queue (10 000 lines) and the"
echo " kernel's socket buffers for it are full: on loopback that is tens of thousands of lines)"
