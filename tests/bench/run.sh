#!/usr/bin/env bash
# tests/bench/run.sh: the speed figures of zrun, each beside its baseline, measured in one run
# on this machine: zrun serve (distinct and repeated sources) against a bare harness (the
# compiler's floor) and against javac+java per request; a fresh 7-node cluster against a fresh
# zrun serve, each measured alone. Prints figures; it is not a pass/fail test.
# Usage: tests/bench/run.sh [build/zrun]     (expects a built tree: tests/run.sh builds one)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
zrun=${1:-$here/../../build/zrun}
ZRUN=$zrun
source "$here/../system/lib.sh" "$zrun"
source "$here/bench_lib.sh"
bench() { "$zrun" bench "$@"; }

echo "== machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo); $(java -version 2>&1 | head -n 1)"

# the baselines first, alone on the machine (a serve's idle JVMs run a warm-up job every half second)
#
# the floor: the same kind of classes compiled (reused javac context), loaded and run in one bare
# JVM after the same 400 + 20 warm-up jobs, no HTTP, no pipe, no sandbox
floor=$(java --add-exports jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED "$here/CompilerFloor.java" 420 300)
base_c1=$("$here/baseline_javac.sh" 10 1)
base_c4=$("$here/baseline_javac.sh" 16 4)
start_serve serve
serve=$serve_url

echo "== warming zrun serve's JVMs (400 distinct classes; the JIT needs a few hundred jobs)"
bench --url "$serve" --concurrency 2 --requests 400 --warmup 0 --label "warm-up" >/dev/null

echo "== 1. zrun serve against javac + java per request"
serve_c1=$(bench --url "$serve" --concurrency 1 --requests 300 --warmup 20 --label "serve, distinct sources")
serve_c1_same=$(bench --url "$serve" --concurrency 1 --requests 300 --warmup 20 --same --label "serve, one repeated source")
serve_c4=$(bench --url "$serve" --concurrency 4 --requests 400 --warmup 20 --label "serve, distinct sources")
serve_c4_same=$(bench --url "$serve" --concurrency 4 --requests 400 --warmup 20 --same --label "serve, one repeated source")
printf '%s\n' "$serve_c1" "$serve_c1_same" "$floor" "$base_c1" "$serve_c4" "$serve_c4_same" "$base_c4"
awk -v s="$(p50_of "$serve_c1")" -v f="$(p50_of "$floor")" \
    'BEGIN { printf "serve, distinct sources, c=1: p50 %.1fx the bare harness (%.2f ms above it)\n", s / f, s - f }'
awk -v a="$(rate_of "$serve_c4")" -v b="$(rate_of "$base_c4")" -v c="$(rate_of "$serve_c1")" -v d="$(rate_of "$base_c1")" \
    'BEGIN { printf "throughput, distinct sources: %.0fx the baseline at c=1, %.0fx at c=4\n", c / d, a / b }'

stop "$serve_pid"

# 2. fresh against fresh: a 7-node cluster, then a second zrun serve, each started anew, measured
# alone on the machine (idle JVMs run a warm-up job every half second, which would weigh on the
# other), each after its JVMs' warm-up bursts, and given the same short warm-up, so neither has the
# other's head start
start_ready_cluster 7
gateway=$url
java_answer 4242 >"$WORK/first.java"
first_start=$(date +%s%N)
first=$(post_java "$gateway" "$WORK/first.java" || true)
first_ms=$(( ($(date +%s%N) - first_start) / 1000000 ))
[ "$first" = "answer 4242" ] || echo "the first request after ready was answered '$first'" >&2
echo "== 2. a fresh 7-node cluster against a fresh zrun serve (2 JVMs), each alone, the same short warm-up (100 distinct, c=8)"
echo "$(grep -m1 '^cluster: ready after' "$WORK/cluster.out"); the first request after it took $first_ms ms"
wait_for 300 "the cluster's JVMs' warm-up bursts" bursts_over "$WORK/logs" 7
bench --url "$gateway" --concurrency 8 --requests 100 --warmup 0 --label "warm-up" >/dev/null
cluster_c8=$(bench --url "$gateway" --concurrency 8 --requests 400 --warmup 20 --label "cluster (7 nodes), distinct")
cluster_c1=$(bench --url "$gateway" --concurrency 1 --requests 200 --warmup 20 --label "cluster (7 nodes), distinct")
cluster_same=$(bench --url "$gateway" --concurrency 1 --requests 500 --warmup 50 --same --label "cluster (7 nodes), repeated")
stop "$cluster_pid"

start_serve serve2
serve2=$serve_url
bench --url "$serve2" --concurrency 8 --requests 100 --warmup 0 --label "warm-up" >/dev/null
serve_c8=$(bench --url "$serve2" --concurrency 8 --requests 400 --warmup 20 --label "serve, distinct")
serve2_c1=$(bench --url "$serve2" --concurrency 1 --requests 200 --warmup 20 --label "serve, distinct")
serve_same=$(bench --url "$serve2" --concurrency 1 --requests 500 --warmup 50 --same --label "serve, repeated")
stop "$serve_pid"
# the same serve with the tiered JIT (C1 then C2; runner/c1_only = 0): what the C1-only default buys
start_serve serve3 -XX:TieredStopAtLevel=4
serve3=$serve_url
bench --url "$serve3" --concurrency 8 --requests 100 --warmup 0 --label "warm-up" >/dev/null
serve_tiered_c8=$(bench --url "$serve3" --concurrency 8 --requests 400 --warmup 20 --label "serve, tiered JIT, distinct")
printf '%s\n' "$cluster_c8" "$serve_c8" "$serve_tiered_c8" "$cluster_c1" "$serve2_c1" "$cluster_same" "$serve_same"
awk -v c="$(rate_of "$serve_c8")" -v t="$(rate_of "$serve_tiered_c8")" \
    'BEGIN { printf "fresh serve, C1 only (the default) / tiered JIT, distinct sources, c=8 throughput: %.2fx\n", c / t }'
awk -v c="$(rate_of "$cluster_c8")" -v s="$(rate_of "$serve_c8")" \
    'BEGIN { printf "fresh cluster / fresh serve, distinct sources, c=8 throughput: %.2fx\n", c / s }'
awk -v c="$(p50_of "$cluster_c1")" -v s="$(p50_of "$serve2_c1")" \
    'BEGIN { printf "uncached c=1 p50 through the gateway: %+.2f ms against serve\n", c - s }'
awk -v c="$(p50_of "$cluster_same")" -v s="$(p50_of "$serve_same")" \
    'BEGIN { printf "cluster hops (gateway -> leader -> worker -> back) add %.2f ms at p50 (repeated source, c=1)\n", c - s }'
