#!/usr/bin/env bash
# test_outsider: a process on the cluster's host without its keys (tests/system/zr_outsider.c)
# sends a work request straight to a follower's TCP port (NULL and CURVE with a key of its own),
# forges gossip to keep a killed node alive and election notifications claiming a new leader at a
# huge epoch, and replays genuine datagrams it captured: nothing is run or answered, the dead node
# is declared failed, the leader stays, every refusal is counted in /metrics, and clients are
# answered throughout. ZRUN_OUTSIDER_INSECURE=1 runs the same against `zrun cluster --insecure`
# (it must fail there: that is what the keys are for).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
outsider=$(dirname "$ZRUN")/tests/zr_outsider
[ -x "$outsider" ] || fail "no $outsider (build the zr_outsider target)"

start_cluster 3 ${ZRUN_OUTSIDER_INSECURE:+--insecure}
wait_for 60 "a leader" has_leader
http_of() { [ "$1" -eq 0 ] && echo $((base + 99)) || echo $((base + 10 * $1 + 3)); }
metric() {   # metric NODE NAME{labels}: its value in NODE's /metrics (0 if absent)
    curl -s -m 2 "http://127.0.0.1:$(http_of "$1")/metrics" | awk -v name="$2" '$1 == name {v = $2} END {print v + 0}'
}
drops() { metric "$1" "zrun_udp_dropped_total{reason=\"$2\"}"; }
view=$(curl -s -m 2 -H 'Accept: application/json' "$url/cluster")
read -r leader epoch < <(python3 -c 'import json, sys; v = json.loads(sys.argv[1]); print(v["leader"], v["epoch"])' "$view")
[ "$leader" = 3 ] || fail "node 3 should lead, not $leader"
java_answer 0 >"$WORK/Answer0.java"
[ "$(post_java "$url" "$WORK/Answer0.java")" = "answer 0" ] || fail "the cluster does not answer"

echo "== a work request straight to follower 1's TCP port, stamped with leader $leader, epoch $epoch"
# (no other traffic meanwhile: follower 1's count of accepted jobs must not move)
accepted() { metric 1 'zrun_worker_jobs_total{outcome="accepted"}'; }
answer_0_seen() { [ "$(( $(accepted) + $(metric 2 'zrun_worker_jobs_total{outcome="accepted"}') ))" -ge 1 ]; }
wait_for 10 "the followers' metrics to count the first job" answer_0_seen   # (refreshed every second)
accepted_before=$(accepted)
"$outsider" work "$((base + 12))" "$leader" "$epoch" || fail "follower 1 answered an outsider (no CURVE)"
"$outsider" work "$((base + 12))" "$leader" "$epoch" "$WORK/logs/keys/public/node-1.cert" 2>/dev/null \
    || fail "follower 1 answered an outsider (CURVE with a key of its own)"
refused_auth() { [ "$(metric 1 'zrun_tcp_handshake_failed_total{reason="auth"}')" -ge 1 ]; }
refused_null() { [ "$(( $(metric 1 'zrun_tcp_handshake_failed_total{reason="protocol"}') + $(metric 1 'zrun_tcp_handshake_failed_total{reason="no_detail"}') ))" -ge 1 ]; }
wait_for 10 "follower 1 to count the refused CURVE handshake (zauth)" refused_auth
wait_for 10 "follower 1 to count the refused NULL handshake" refused_null
[ "$(accepted)" = "$accepted_before" ] || fail "follower 1 accepted work from the outsider"
echo "refused and counted: $(metric 1 'zrun_tcp_handshake_failed_total{reason="auth"}') by zauth, $(refused_null && echo 'the NULL one too'); follower 1 ran nothing for it"

echo "== clients keep asking while the outsider works"
mkdir -p "$WORK/client"
client() {
    local n=1
    while [ ! -e "$WORK/client/stop" ]; do
        java_answer "$((100 + n))" >"$WORK/client/Answer$((100 + n)).java"
        post_java "$url" "$WORK/client/Answer$((100 + n)).java" >"$WORK/client/$n.out" || true
        n=$((n + 1))
    done
}
client &
PIDS+=("$!")
client_pid=$!

echo "== node 2 killed; forged gossip says it is alive"
switches_before=$(grep -c 'switching from' "$WORK/cluster.out" || true)
kill -9 "$(pgrep -f "zrun node --config $WORK/logs/cluster.zpl --id 2\$")"
"$outsider" gossip 2 60 "$base" "$((base + 10))" "$((base + 30))" >"$WORK/gossip.out" &
PIDS+=("$!")
forger=$!
declared() { grep -q '^[013]: no heartbeat from server 2 - SERVER FAILED$' "$WORK/cluster.out" && ! curl -s -m 1 "$url/cluster" | grep -q '^2 '; }
wait_for 30 "node 2 to be declared failed despite the forged gossip" declared
kill "$forger" && { wait "$forger" 2>/dev/null || true; }   # no forged datagram in flight after this
gossip_refused() { [ "$(( $(drops 1 unauthenticated) + $(drops 1 forged) ))" -ge 20 ]; }
wait_for 10 "node 1 to count the forged gossip" gossip_refused
echo "node 2 declared failed; node 1 refused $(drops 1 unauthenticated) bare and $(drops 1 forged) forged datagrams so far"

echo "== forged notifications: node 1 leads at epoch 2^40"
forged_before=$(drops 3 forged)
"$outsider" election 1 1099511627776 60 "$base" "$((base + 10))" "$((base + 30))" >"$WORK/election.out" &
PIDS+=("$!")
forger=$!
election_refused() { [ "$(drops 3 forged)" -ge $((forged_before + 100)) ]; }
wait_for 30 "leader 3 to refuse 100 forged notifications" election_refused
kill "$forger" && { wait "$forger" 2>/dev/null || true; }   # no forged datagram in flight after this
curl -s -m 2 "$url/cluster" | grep -qx '3 LEADER' || fail "the leader changed: $(curl -s "$url/cluster")"
[ "$(grep -c 'switching from' "$WORK/cluster.out" || true)" = "$switches_before" ] || fail "a node switched state: $(grep 'switching from' "$WORK/cluster.out" | tail -3)"
echo "node 3 still leads; it refused $(( $(drops 3 forged) - forged_before )) forged notifications"

echo "== genuine datagrams to node 1, captured and replayed"
replayed_before=$(drops 1 replayed)
"$outsider" replay "$((base + 10))" 20 || fail "could not capture 20 datagrams to node 1"
replays_refused() { [ "$(drops 1 replayed)" -ge $((replayed_before + 20)) ]; }
wait_for 10 "node 1 to refuse the 20 replays" replays_refused
echo "node 1 refused $(( $(drops 1 replayed) - replayed_before )) replayed datagrams"

touch "$WORK/client/stop"
wait "$client_pid" || true
answered=0
for out in "$WORK"/client/*.out; do
    n=$(basename "$out" .out)
    [ "$(cat "$out")" = "answer $((100 + n))" ] || fail "client request $n: '$(cat "$out")'"
    answered=$((answered + 1))
done
[ "$answered" -ge 3 ] || fail "only $answered client requests were made"
echo "clients: $answered of $answered requests answered correctly during the attacks"
echo "gateway /metrics: zrun_insecure $(metric 0 zrun_insecure)"
echo "test_outsider: passed"
