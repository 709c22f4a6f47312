#!/usr/bin/env bash
# demo.sh: installs what is missing, builds and tests zrun, then shows the cluster at work and
# surviving the loss of a follower and of its leader. Output goes to the screen and output.log.
# ./demo.sh --serve starts the cluster and leaves it running for manual requests until Ctrl-C.
# ZRUN_DEMO_SKIP_TESTS=1 skips the test step (setup and build still run) when re-running the demo.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$here"
serve_only=0
case "${1:-}" in
    "") ;;
    --serve) serve_only=1 ;;
    -h|--help) sed -n '2,4p' "$0"; exit 0 ;;
    *) echo "demo.sh: unknown option '$1' (use --serve or nothing)" >&2; exit 2 ;;
esac
exec > >(tee "$here/output.log") 2>&1

step() { printf '\n=== %s\n' "$*"; }
die() { echo "demo.sh: $*"; exit 1; }
gateway=http://127.0.0.1:8888
logs=$here/logs/demo
correct=0
cluster_pid=

stop_cluster() {
    [ -n "$cluster_pid" ] || return 0
    kill -INT "$cluster_pid" 2>/dev/null
    wait "$cluster_pid" 2>/dev/null
    cluster_pid=
}
trap stop_cluster EXIT

step "Setup, build and tests (tests/run.sh --quick)"
if [ -n "${ZRUN_DEMO_SKIP_TESTS:-}" ]; then tools/setup.sh && cmake -S . -B build >/dev/null && cmake --build build -j "$(nproc)" >/dev/null; else tests/run.sh --quick; fi || die "setup, build or tests failed"
zrun=$here/build/zrun

step "Starting 7 nodes and a gateway, each its own process"
if curl -s -m 1 -o /dev/null "$gateway/healthz"; then
    die "port 8888 is already serving: stop the other zrun first"
fi
rm -rf "$logs"
"$zrun" cluster --nodes 7 --base-port 8000 --http-port 8888 --log-dir "$logs" &
cluster_pid=$!

# wait_until SECONDS COMMAND...: polls until COMMAND succeeds.
wait_until() {
    local deadline=$(( $(date +%s) + $1 )); shift
    until "$@"; do
        [ "$(date +%s)" -lt "$deadline" ] || return 1
        sleep 0.1
    done
}
printed_ready() { grep -q '^cluster: ready after' "$here/output.log"; }
wait_until 120 printed_ready || die "the cluster was not ready after 120 s (see $logs)"
step "The gateway knows a leader and every node's JVMs are warm; the roles:"
curl -s "$gateway/cluster"

if [ "$serve_only" -eq 1 ]; then
    step "The cluster runs; send requests, e.g.  $zrun submit tests/java-cases/hello.java"
    echo "Logs are in $logs; Ctrl-C stops everything."
    wait "$cluster_pid"
    exit 0
fi

mkdir -p "$logs/requests"
make_source() {   # make_source N: a distinct class whose run() returns "answer N"
    printf 'public class Demo%d {\n    public String run() {\n        return "answer " + (%d * 10 / 10);\n    }\n}\n' "$1" "$1" \
        >"$logs/requests/Demo$1.java"
}
send() {   # send N: posts request N, saves the response body
    make_source "$1"
    curl -s -m 120 -H 'Content-Type: text/x-java-source' --data-binary "@$logs/requests/Demo$1.java" \
        "$gateway/compileandrun" >"$logs/requests/response$1.txt"
}
show() {   # show N: prints request N and its response, and counts it if correct
    echo "--- request $1:"
    cat "$logs/requests/Demo$1.java"
    local body; body=$(cat "$logs/requests/response$1.txt" 2>/dev/null)
    echo "--- response $1: $body"
    [ "$body" = "answer $1" ] && correct=$((correct + 1))
}

step "Sending 9 requests"
for i in 1 2 3 4 5 6 7 8 9; do send "$i"; show "$i"; done

leader=$(curl -s "$gateway/cluster" | awk '$2 == "LEADER" {print $1}')
follower=$(curl -s "$gateway/cluster" | awk '$2 == "FOLLOWER" {print $1; exit}')
pid_of() { pgrep -f "zrun node --config $logs/cluster.zpl --id $1\$"; }
step "kill -9 follower $follower (pid $(pid_of "$follower"))"
kill -9 "$(pid_of "$follower")"
follower_gone() { ! curl -s -m 1 "$gateway/cluster" | grep -q "^$follower "; }
wait_until 30 follower_gone || die "the failure of node $follower was not detected"
step "Node $follower failed and is gone from the cluster:"
curl -s "$gateway/cluster"

metrics_of() { curl -s -m 1 "http://127.0.0.1:$((8000 + 10 * $1 + 3))/metrics"; }
survivors=$(curl -s "$gateway/cluster" | awk -v old="$leader" '$2 != "OBSERVER" && $1 != old {print $1}')
# ran_by_survivors: jobs the surviving nodes' runners ran, once none runs one (same snapshot).
ran_by_survivors() {
    local total=0 n
    for id in $survivors; do
        n=$(metrics_of "$id" | awk '$1 == "zrun_worker_running" {r = $2} $1 == "zrun_worker_jobs_total{outcome=\"started\"}" {n += $2}
                                    END {if (r == "" || r > 0) exit 1; print n + 0}') || return 1
        total=$((total + ${n%.*}))
    done
    echo "$total"
}
sleep 1.2   # /metrics is refreshed every second: let it count the last answers
wait_until 10 ran_by_survivors >/dev/null || die "the nodes' metrics did not settle"
ran_before=$(ran_by_survivors)
step "6 requests that take 1.5 s each; once they run at the followers, kill -9 leader $leader"
slow_source() {   # slow_source N: a class whose run() sleeps 1.5 s, then returns "answer N"
    printf 'public class Demo%d {\n    public String run() throws Exception {\n        Thread.sleep(1500);\n        return "answer %d";\n    }\n}\n' \
        "$1" "$1" >"$logs/requests/Demo$1.java"
}
background=()
for i in 20 21 22 23 24 25; do slow_source "$i"; (curl -s -m 120 -H 'Content-Type: text/x-java-source' \
    --data-binary "@$logs/requests/Demo$i.java" "$gateway/compileandrun" >"$logs/requests/response$i.txt") &
    background+=("$!"); done
running_at_followers() {
    local total=0 n
    for id in $survivors; do n=$(metrics_of "$id" | awk '$1 == "zrun_worker_running" {print $2 + 0}'); total=$((total + ${n:-0})); done
    [ "$total" -ge 4 ]
}
wait_until 30 running_at_followers || die "the slow requests did not start"
step "kill -9 leader $leader (pid $(pid_of "$leader")) while they run; 1000 ms later, 9 more requests in the background"
kill -9 "$(pid_of "$leader")"
sleep 1   # the original demo's pause: requests sent while the cluster has no leader
for i in 10 11 12 13 14 15 16 17 18; do send "$i" & background+=("$!"); done
new_leader() { curl -s -m 1 "$gateway/cluster" | awk -v old="$leader" '$2 == "LEADER" && $1 != old {found = 1} END {exit !found}'; }
wait_until 60 new_leader || die "no new leader after 60 s"
step "The new leader is node $(curl -s "$gateway/cluster" | awk '$2 == "LEADER" {print $1}')"
curl -s "$gateway/cluster"
wait "${background[@]}"
step "The 15 responses of the requests in flight or sent during the fail-over"
for i in 20 21 22 23 24 25 10 11 12 13 14 15 16 17 18; do show "$i"; done
new=$(curl -s "$gateway/cluster" | awk '$2 == "LEADER" {print $1}')
recovered=$(metrics_of "$new" | awk '$1 == "zrun_leader_recovered_results_total" {print $2 + 0}')
adopted=$(metrics_of "$new" | awk '$1 == "zrun_leader_adopted_jobs_total" {print $2 + 0}')
sleep 1.2
wait_until 10 ran_by_survivors >/dev/null || die "the nodes' metrics did not settle"
ran=$(( $(ran_by_survivors) - ran_before ))
step "Recovery: leader $new collected ${recovered:-0} finished results from the followers and adopted ${adopted:-0} running jobs"
echo "15 requests; the surviving nodes' runners ran $ran jobs: $((ran > 15 ? ran - 15 : 0)) ran twice"

step "One more request, in the foreground"
send 19
show 19

step "Every node's gossip (verbose) log"
ls -1 "$logs"/node-*-verbose.log

step "Shutting down"
stop_cluster
echo
echo "$correct of 25 responses correct"
[ "$correct" -eq 25 ] && [ "$ran" -eq 15 ] || exit 1
echo "demo.sh: success"
