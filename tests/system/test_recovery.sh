#!/usr/bin/env bash
# test_recovery: stage 5. Twelve 1.5-3 s jobs: the leader is killed while four run at the
# followers (one JVM, so one slot, each) and the rest wait at the leader. The new leader collects
# the finished results or adopts the running jobs, every request gets its right answer, and the
# surviving nodes started each job on their runner pools exactly once.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

start_cluster 5 --log-level debug
leader_is() { curl -s -m 1 "$url/cluster" | grep -qx "$1 LEADER"; }
wait_for 60 "node 5 to lead" leader_is 5
pid_of() { pgrep -f "zrun node --config $WORK/logs/cluster.zpl --id $1\$"; }

mkdir -p "$WORK/src" "$WORK/out"
for i in $(seq 101 108); do
    printf 'public class Warm%d { public String run() { return "warm"; } }\n' "$i" >"$WORK/src/$i.java"
done
for i in $(seq 1 12); do
    printf 'public class Long%d {\n    public String run() throws Exception {\n        Thread.sleep(%d);\n        return "long %d";\n    }\n}\n' \
        "$i" $((1500 + (i % 4) * 500)) "$i" >"$WORK/src/$i.java"
done
export WORK url
one() { curl -s -m 120 -H 'Content-Type: text/x-java-source' --data-binary "@$WORK/src/$1.java" "$url/compileandrun" >"$WORK/out/$1" || true; }
export -f one
# settled NODE...: prints the jobs the nodes' workers started on their runner pools, once none
# of them runs a job (both figures from the same /metrics snapshot of each node, refreshed
# every second; the runner's own zrun_runner_jobs_total lags a second more).
settled() {
    local total=0 out
    for id in "$@"; do
        out=$(metrics_of "$id" | awk '$1 == "zrun_worker_running" { r = $2 } $1 == "zrun_worker_jobs_total{outcome=\"started\"}" { n += $2 }
                                      END { if (r == "" || r > 0) exit 1; print n + 0 }') || return 1
        total=$((total + ${out%.*}))
    done
    echo "$total"
}
for i in $(seq 101 108); do   # JVMs warm (and every follower known to the leader)
    one "$i"
    [ "$(cat "$WORK/out/$i")" = "warm" ] || fail "warm-up request $i: '$(cat "$WORK/out/$i")'"
done
eight_ran() { [ "$(settled 1 2 3 4)" = 8 ]; }
wait_for 10 "the 8 warm-up jobs to be counted" eight_ran
echo "== 12 long jobs, then kill -9 leader 5 while the followers run them"
started=$(date +%s%N)
seq 1 12 | xargs -P 12 -I{} bash -c 'one {}' &
sender=$!
all_running() { [ "$(sum_metric zrun_worker_running 1 2 3 4)" -ge 4 ]; }
wait_for 30 "every follower to run one of the jobs" all_running
kill -9 "$(pid_of 5)"
wait "$sender"
took=$(( ($(date +%s%N) - started) / 1000000 ))
for i in $(seq 1 12); do
    [ "$(cat "$WORK/out/$i")" = "long $i" ] || fail "request $i: '$(cat "$WORK/out/$i")'"
done
echo "12 of 12 correct, all answered ${took} ms after they were sent"
new_leader() { curl -s -m 1 "$url/cluster" | awk '$2 == "LEADER" && $1 != 5 { print $1; found = 1 } END { exit !found }'; }
wait_for 30 "a new leader" new_leader
leader=$(new_leader)
ran_all() { settled 1 2 3 4 >"$WORK/ran" && [ "$(cat "$WORK/ran")" -ge 20 ]; }
wait_for 10 "the runners to finish and count the 12 jobs" ran_all
ran=$(( $(cat "$WORK/ran") - 8 ))
recovered=$(sum_metric zrun_leader_recovered_results_total "$leader")
adopted=$(sum_metric zrun_leader_adopted_jobs_total "$leader")
echo "leader $leader collected $recovered finished results and adopted $adopted running jobs; the runners ran $ran jobs"
twice() { cat "$WORK"/logs/node-[1-5]-worker.log | grep -o 'request [0-9]* (gateway [0-9]*): started' | sort | uniq -d | tr '\n' ' '; }
[ "$ran" -eq 12 ] || fail "the surviving nodes ran $ran jobs for 12 requests (each must run once); twice: $(twice)"
grep -q 'recovery done in [0-9]* ms' "$WORK/logs/node-$leader-leader.log" || fail "leader $leader logged no recovery"
[ $((recovered + adopted)) -gt 0 ] || fail "leader $leader recovered nothing"
echo "test_recovery: passed"
