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
has_leader() { curl -s -m 1 "$gateway/cluster" | grep -q LEADER; }
wait_until 60 has_leader || die "no leader after 60 s"
step "The gateway knows a leader; the roles:"
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

step "kill -9 leader $leader (pid $(pid_of "$leader")); 1000 ms later, 9 requests in the background"
kill -9 "$(pid_of "$leader")"
sleep 1
background=()
for i in 10 11 12 13 14 15 16 17 18; do send "$i" & background+=("$!"); done
new_leader() { curl -s -m 1 "$gateway/cluster" | awk -v old="$leader" '$2 == "LEADER" && $1 != old {found = 1} END {exit !found}'; }
wait_until 60 new_leader || die "no new leader after 60 s"
step "The new leader is node $(curl -s "$gateway/cluster" | awk '$2 == "LEADER" {print $1}')"
curl -s "$gateway/cluster"
wait "${background[@]}"
step "The 9 responses of the requests sent during the fail-over"
for i in 10 11 12 13 14 15 16 17 18; do show "$i"; done

step "One more request, in the foreground"
send 19
show 19

step "Every node's gossip (verbose) log"
ls -1 "$logs"/node-*-verbose.log

step "Shutting down"
stop_cluster
echo
echo "$correct of 19 responses correct"
[ "$correct" -eq 19 ] || exit 1
echo "demo.sh: success"
