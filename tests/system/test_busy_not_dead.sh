#!/usr/bin/env bash
# test_busy_not_dead: busy is not dead. A 5-node cluster on a machine whose cores two CPU burners
# (yes > /dev/null) keep busy, loaded by 16 clients for 60 s: nothing was killed, so no node may
# be declared failed (no SERVER FAILED line), none may rejoin as a new incarnation, the leader
# stays, every node stays listed, and every answer is right.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

nodes=5
start_cluster "$nodes"
all_listed() { [ "$(curl -s -m 1 "$url/cluster" | grep -cE '^[0-9]+ (LEADER|FOLLOWER)$')" -eq "$nodes" ]; }
leader_is() { curl -s -m 1 "$url/cluster" | grep -qx "$1 LEADER"; }
wait_for 60 "node $nodes to lead and every node to be listed" eval "leader_is $nodes && all_listed"
java_answer 0 >"$WORK/warm.java"
[ "$(post_java "$url" "$WORK/warm.java")" = "answer 0" ] || fail "the warm-up request was answered wrongly"
read -r failed rejoins < <(verdicts)
[ "$failed" -eq 0 ] && [ "$rejoins" -eq 0 ] || fail "verdicts before the load: $failed SERVER FAILED, $rejoins rejoins"

echo "== two CPU burners and 16 clients for 60 s (load average $(cut -d' ' -f1-3 /proc/loadavg))"
start_burners 2
started=$(date +%s)
load_for 60 16 busy
read -r ok wrong longest <"$WORK/busy.load"
read -r failed rejoins < <(verdicts)
echo "$ok right, $wrong wrong, longest wait ${longest} ms; $failed SERVER FAILED lines, $rejoins rejoins" \
     "in $(( $(date +%s) - started )) s (load average $(cut -d' ' -f1-3 /proc/loadavg))"
[ "$failed" -eq 0 ] || fail "$failed SERVER FAILED lines while nothing was killed: $(grep 'SERVER FAILED$' "$WORK/cluster.out" | head -n 5 | tr '\n' ';')"
[ "$rejoins" -eq 0 ] || fail "$rejoins rejoins while nothing was killed: $(grep -h ': rejoining as incarnation ' "$WORK"/logs/node-*-summary.log | head -n 5 | tr '\n' ';')"
[ "$wrong" -eq 0 ] || fail "$wrong wrong answers: $(head -n 5 "$WORK/load-busy/wrong" | tr '\n' ';')"
[ "$ok" -gt 0 ] || fail "no request was answered in 60 s"
leader_is "$nodes" || fail "node $nodes no longer leads: $(curl -s -m 1 "$url/cluster" | tr '\n' ' ')"
all_listed || fail "not every node is listed: $(curl -s -m 1 "$url/cluster" | tr '\n' ' ')"
echo "test_busy_not_dead: passed"
