#!/usr/bin/env bash
# test_cluster: `zrun cluster` with 7 nodes elects node 7, serves 200 distinct requests from
# 8 concurrent clients correctly, spreads them over all 6 followers, and stops cleanly.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

start_cluster 7

expected=$'0 OBSERVER\n1 FOLLOWER\n2 FOLLOWER\n3 FOLLOWER\n4 FOLLOWER\n5 FOLLOWER\n6 FOLLOWER\n7 LEADER'
roles_are_expected() { [ "$(curl -s -m 2 "$url/cluster")" = "$expected" ]; }
wait_for 60 "node 7 to lead with 1-6 following" roles_are_expected
printed_ready() { grep -qE '^cluster: ready after [0-9]+ ms: leader 7, 7 nodes with warm JVMs$' "$WORK/cluster.out"; }
wait_for 120 "zrun cluster to print that it is ready" printed_ready
# the cluster's JVMs (children of its nodes) compile with C1 only: seven JVMs share these cores
jvms=0
for node in $(pgrep -P "$cluster_pid"); do
    for jvm in $(pgrep -P "$node"); do
        tr '\0' ' ' <"/proc/$jvm/cmdline" | grep -q -- '-XX:TieredStopAtLevel=1 .*zrun.Runner' || fail "JVM $jvm is not C1-only"
        jvms=$((jvms + 1))
    done
done
[ "$jvms" -eq 7 ] || fail "expected 7 runner JVMs under the cluster's nodes, found $jvms"
# every actor names its thread (top -H, perf): some of the leader's, a follower's and the gateway's
for want in "7 zr-leader" "7 zr-tcp-server" "7 zr-heartbeat" "7 zr-runner-pool" "1 zr-follower" \
            "1 zr-worker" "1 zr-udp-receiver" "0 zr-gateway" "0 zr-http-front"; do
    read -r id name <<<"$want"
    node=$(pgrep -P "$cluster_pid" -f -- "--id $id\$")
    threads=$(cat /proc/"$node"/task/*/comm)   # read whole first: grep -q would cut cat's pipe short
    grep -qx -- "$name" <<<"$threads" || fail "node $id (pid $node) has no thread named $name"
done
echo "roles: $(curl -s "$url/cluster" | tr '\n' ' ')"
curl -s -H 'Accept: application/json' "$url/cluster" | grep -q '"leader":7' || fail "JSON /cluster lacks leader 7"
# zrun status reads the gateway's /status, which follows the cluster within a second.
status_shows_all() {
    status=$("$ZRUN" status --url "$url") && grep -q '^leader 7, epoch 0$' <<<"$status" \
        && [ "$(grep -cE '^[0-7] +(OBSERVER|FOLLOWER|LEADER) +ALIVE ' <<<"$status")" -eq 8 ]
}
wait_for 10 "zrun status to show leader 7 and all 8 members alive" status_shows_all

mkdir -p "$WORK/src"
for i in $(seq 1 200); do java_answer "$i" >"$WORK/src/$i.java"; done
export WORK url
check_one() {
    body=$(curl -s -m 120 -H 'Content-Type: text/x-java-source' --data-binary "@$WORK/src/$1.java" "$url/compileandrun")
    [ "$body" = "answer $1" ] && echo ok || echo "wrong answer for $1: '$body'"
}
export -f check_one
results=$(seq 1 200 | xargs -P 8 -I{} bash -c 'check_one {}')
correct=$(grep -c '^ok$' <<<"$results" || true)
[ "$correct" -eq 200 ] || fail "$correct of 200 answers correct: $(grep -v '^ok$' <<<"$results" | head -3)"
echo "200 of 200 answers correct"

# Every follower executed a share (the leader's metrics, refreshed every second).
leader_metrics="http://127.0.0.1:$((base + 73))/metrics"
all_followers_worked() {
    local text; text=$(curl -s -m 2 "$leader_metrics")
    local total=0
    for worker in 1 2 3 4 5 6; do
        local n; n=$(grep -E "^zrun_leader_completed_total\{worker=\"$worker\"\} " <<<"$text" | awk '{print $2}')
        [ -n "$n" ] && [ "$n" -gt 0 ] || return 1
        total=$((total + n))
    done
    [ "$total" -eq 200 ]
}
wait_for 10 "the leader's metrics to show 200 results from all six followers" all_followers_worked
grep -E '^zrun_leader_completed_total' <(curl -s "$leader_metrics") | tr '\n' ' '; echo

kill -INT "$cluster_pid"
wait_for 30 "the cluster to stop" bash -c "! kill -0 $cluster_pid 2>/dev/null"
wait "$cluster_pid" || fail "zrun cluster exited with $?"
[ "$(grep -c 'exited with status 0' "$WORK/cluster.out")" -eq 8 ] || fail "not every process exited 0: $(cat "$WORK/cluster.out")"
echo "test_cluster: passed"
