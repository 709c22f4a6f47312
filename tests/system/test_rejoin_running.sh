#!/usr/bin/env bash
# test_rejoin_running: a follower paused while it runs a long job comes back as a new incarnation
# before its leader has declared it failed (the leader, just paused itself, trusts its verdicts
# less for a while; a peer declares it): the leader asks the new incarnation what it still runs and
# waits for that job instead of running it again elsewhere. Every answer is right; no job runs twice.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

start_cluster 5
leader_is() { curl -s -m 1 "$url/cluster" | grep -qx "$1 LEADER"; }
all_listed() { [ "$(curl -s -m 1 "$url/cluster" | grep -cE '^[0-9]+ (LEADER|FOLLOWER)$')" -eq 5 ]; }
wait_for 60 "node 5 to lead and every node to be listed" eval "leader_is 5 && all_listed"
pid_of() { pgrep -f "zrun node --config $WORK/logs/cluster.zpl --id $1\$" | head -n 1; }
started_jobs() { sum_metric 'zrun_worker_jobs_total{outcome="started"}' 1 2 3 4 5; }
running_at() { [ "$(sum_metric zrun_worker_running "$1")" -ge 1 ]; }
started_since() { [ "$(( $(started_jobs) - $1 ))" -ge "$2" ]; }
settled() { [ "$(sum_metric zrun_worker_running 1 2 3 4 5)" -eq 0 ]; }
declarations_by() { grep -c "^$1: no heartbeat from server 1 - SERVER FAILED\$" "$WORK/cluster.out" || true; }
declared_by_2() { [ "$(declarations_by 2)" -gt "$1" ]; }

mkdir -p "$WORK/src" "$WORK/out"
export WORK url
one() { curl -s -m 120 -H 'Content-Type: text/x-java-source' --data-binary "@$WORK/src/$1.java" "$url/compileandrun" >"$WORK/out/$1" || true; }
export -f one
for i in $(seq 101 108); do   # every JVM warm, every worker known to the leader
    java_answer "$i" >"$WORK/src/$i.java"
    one "$i"
    [ "$(cat "$WORK/out/$i")" = "answer $i" ] || fail "warm-up request $i: '$(cat "$WORK/out/$i")'"
done
eight_started() { [ "$(started_jobs)" -eq 8 ]; }
wait_for 10 "the 8 warm-up jobs to be counted" eight_started

# One try: 6 s jobs, until node 1 runs one; the leader paused for 0.6 s (its own pause: it
# raises its local health score, so its suspicion lasts up to five times longer); node 1 paused
# until node 2 declares it failed. Node 1 comes back as a new incarnation, usually before the
# leader's verdict; if the verdict came first, node 1's job may run again (allowed) and we retry.
try() {
    local first=$1 before declared verdicts ran
    before=$(started_jobs)
    declared=$(declarations_by 2)
    verdicts=$(declarations_by 5)
    # long jobs one at a time until node 1 runs one: the other workers keep a free slot, where
    # its job would go if the leader did not wait for node 1
    local senders=() last=$first
    for i in $(seq "$first" $((first + 3))); do
        printf 'public class Long%d {\n    public String run() throws Exception {\n        Thread.sleep(6000);\n        return "long %d";\n    }\n}\n' \
            "$i" "$i" >"$WORK/src/$i.java"
        one "$i" &
        senders+=("$!")
        last=$i
        wait_for 30 "long job $i to start" started_since "$before" $((i - first + 1))
        running_at 1 && break
    done
    running_at 1 || fail "node 1 runs none of the 4 long jobs"
    kill -STOP "$(pid_of 5)"
    sleep 0.6   # the fault: a pause shorter than the failure timeout
    kill -CONT "$(pid_of 5)"
    kill -STOP "$(pid_of 1)"
    wait_for 30 "node 2 to declare node 1 failed" declared_by_2 "$declared"
    kill -CONT "$(pid_of 1)"
    wait "${senders[@]}"
    for i in $(seq "$first" "$last"); do
        [ "$(cat "$WORK/out/$i")" = "long $i" ] || fail "long job $i was answered '$(cat "$WORK/out/$i")'"
    done
    wait_for 30 "no job to run anywhere" settled
    wait_for 30 "every node listed again" eval "leader_is 5 && all_listed"
    ran=$(( $(started_jobs) - before ))
    if [ "$(declarations_by 5)" -eq "$verdicts" ]; then   # no verdict at the leader
        grep -h 'is back as a new incarnation\|does not run' "$WORK"/logs/node-5-leader*.log | tail -n 2 | sed 's/^/leader: /'
        [ "$ran" -eq ${#senders[@]} ] || fail "${#senders[@]} requests, but the workers started $ran jobs: a job ran twice"
        return 0
    fi
    echo "the leader declared node 1 failed first ($ran jobs started for ${#senders[@]} requests); again"
    return 1
}

echo "== node 1 paused while it runs a job, until a peer declares it failed"
came_back=""
for attempt in 1 2 3; do
    if try $((attempt * 10)); then came_back=$attempt; break; fi
done
[ -n "$came_back" ] || fail "in 3 tries node 1 never came back before the leader declared it failed"
adopted=$(sum_metric zrun_leader_adopted_jobs_total 5)
[ "$adopted" -ge 1 ] || fail "the leader adopted no running job from node 1's new incarnation"
echo "test_rejoin_running: passed (try $came_back: no job ran twice; $adopted adopted)"
