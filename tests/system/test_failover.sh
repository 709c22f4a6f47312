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
# Usually 4 leads next; on a starved machine a node slow to see the failure may let others elect.
leader_other_than() { leader=$(curl -s -m 1 "$url/cluster" | awk -v a="$1" -v b="$2" '$2 == "LEADER" && $1 != a && $1 != b { print $1 }'); [ -n "$leader" ]; }
wait_for 30 "a new leader" leader_other_than 5 5
second=$leader
echo "30 of 30 correct; node $second leads"

echo "== SIGSTOP leader $second past the failure timeout, then SIGCONT"
batch 61 90
sender=$!
wait_for 30 "requests in flight at leader $second" in_flight "$second"
paused=$(pid_of "$second")
kill -STOP "$paused"
wait_for 30 "a new leader while $second is paused" leader_other_than 5 "$second"
third=$leader
kill -CONT "$paused"
wait "$sender"
check 61 90
woken_follows() { curl -s -m 1 "$url/cluster" | grep -qx "$second FOLLOWER" && leader_is "$third"; }
wait_for 10 "node $second to come back as a follower of $third after waking up" woken_follows
grep -q "^[0-9]: no heartbeat from server $second - SERVER FAILED\$" "$WORK/cluster.out" || fail "no SERVER FAILED line for node $second"
grep -q "^$third: switching from LOOKING to LEADING\$" "$WORK/cluster.out" || fail "node $third did not print its switch to LEADING"
grep -q "^$second: rejoining as incarnation [0-9]*: " "$WORK/logs/node-$second-summary.log" || fail "node $second did not log its rejoin"
echo "30 of 30 correct; node $third leads; the woken node $second rejoined as a follower"
echo "test_failover: passed"
