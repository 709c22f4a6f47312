#!/usr/bin/env bash
# test_failover: with requests in flight, kill -9 a follower, then kill -9 the leader, then
# SIGSTOP the next leader past the failure timeout: every request gets its correct answer, a new
# leader takes over each time, and a paused leader that wakes up steps down and comes back as a
# follower (a new incarnation; its old one stays failed).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

start_cluster 5
leader_is() { curl -s -m 1 "$url/cluster" | grep -qx "$1 LEADER"; }
absent() { ! curl -s -m 1 "$url/cluster" | grep -q "^$1 "; }
wait_for 60 "node 5 to lead" leader_is 5
pid_of() { pgrep -f "zrun node --config $WORK/logs/cluster.zpl --id $1\$"; }

# Requests whose run() takes 500 ms, so that kills land while work is in flight (and the
# leader's in-flight gauge, refreshed every second, sees them).
mkdir -p "$WORK/src" "$WORK/out"
for i in $(seq 1 90); do
    printf 'public class Slow%d {\n    public String run() throws Exception {\n        Thread.sleep(500);\n        return "slow %d";\n    }\n}\n' "$i" "$i" >"$WORK/src/$i.java"
done
export WORK url
one() { curl -s -m 120 -H 'Content-Type: text/x-java-source' --data-binary "@$WORK/src/$1.java" "$url/compileandrun" >"$WORK/out/$1"; }
export -f one
batch() {   # batch FIRST LAST: sends them 6 at a time in the background ($! is the sender)
    seq "$1" "$2" | xargs -P 6 -I{} bash -c 'one {}' &
}
check() {   # check FIRST LAST: every answer correct
    for i in $(seq "$1" "$2"); do
        [ "$(cat "$WORK/out/$i" 2>/dev/null)" = "slow $i" ] || fail "request $i: '$(cat "$WORK/out/$i" 2>/dev/null)'"
    done
}
in_flight() {   # the leader's in-flight gauge is above zero (metrics refresh every second)
    curl -s -m 1 "http://127.0.0.1:$((base + 10 * $1 + 3))/metrics" | awk '$1 == "zrun_leader_in_flight" && $2 > 0 {ok = 1} END {exit !ok}'
}

printf 'public class Slow0 { public String run() { return "warm"; } }\n' >"$WORK/src/0.java"
one 0   # the first request waits for the JVMs to warm up

echo "== kill -9 follower 2 with requests in flight (zrun monitor watching leader 5's sockets)"
"$ZRUN" monitor "tcp://127.0.0.1:$((base + 51))" >"$WORK/monitor.out" 2>&1 &
PIDS+=("$!")
batch 1 30
sender=$!
wait_for 30 "requests in flight at leader 5" in_flight 5
kill -9 "$(pid_of 2)"
wait "$sender"
check 1 30
wait_for 30 "node 2 to leave /cluster" absent 2
monitor_saw_it() { grep -qE '^[0-9T:.-]+Z 5 socket socket=leader-to-2 event=(DISCONNECTED|CLOSED|CONNECT_RETRIED) ' "$WORK/monitor.out"; }
wait_for 10 "zrun monitor to show leader 5 losing its connection to node 2" monitor_saw_it
echo "30 of 30 correct; node 2 is gone; zrun monitor saw: $(grep -m1 'leader-to-2' "$WORK/monitor.out")"

echo "== kill -9 leader 5 with requests in flight"
batch 31 60
sender=$!
wait_for 30 "requests in flight at leader 5" in_flight 5
kill -9 "$(pid_of 5)"
wait "$sender"
check 31 60
wait_for 30 "node 4 to lead" leader_is 4
echo "30 of 30 correct; node 4 leads"

echo "== SIGSTOP leader 4 past the failure timeout, then SIGCONT"
batch 61 90
sender=$!
wait_for 30 "requests in flight at leader 4" in_flight 4
paused=$(pid_of 4)
kill -STOP "$paused"
wait_for 30 "node 3 to lead while 4 is paused" leader_is 3
kill -CONT "$paused"
wait "$sender"
check 61 90
four_follows() { curl -s -m 1 "$url/cluster" | grep -qx "4 FOLLOWER" && leader_is 3; }
wait_for 10 "node 4 to come back as a follower of 3 after waking up" four_follows
grep -q '^[0-9]: no heartbeat from server 4 - SERVER FAILED$' "$WORK/cluster.out" || fail "no SERVER FAILED line for node 4"
grep -q '^3: switching from LOOKING to LEADING$' "$WORK/cluster.out" || fail "node 3 did not print its switch to LEADING"
grep -q '^4: rejoining as incarnation [0-9]*: ' "$WORK/logs/node-4-summary.log" || fail "node 4 did not log its rejoin"
echo "30 of 30 correct; node 3 leads; the woken node 4 rejoined as a follower"
echo "test_failover: passed"
