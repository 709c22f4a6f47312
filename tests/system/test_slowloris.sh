#!/usr/bin/env bash
# test_slowloris: 3000 connections from 127.0.0.2 that send a request line and then nothing, held
# against `zrun serve`, do not crowd out a client from 127.0.0.1: it is served within a second
# (tests/system/slowloris.py times it); the server refuses what is over the per-client cap at once
# and closes the rest when their header deadline passes.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

port=$(( $(free_base_port) + 99 ))
"$ZRUN" serve --port "$port" --jvms 1 --bind 127.0.0.1 --log-dir "$WORK/logs" --header-timeout 3000 \
    >"$WORK/serve.out" 2>&1 &
PIDS+=("$!")
serving() { curl -sf -m 1 -o /dev/null "http://127.0.0.1:$port/healthz"; }
wait_for 60 "zrun serve to answer" serving
printf 'public class Slowloris { public String run() { return "served"; } }' >"$WORK/Slowloris.java"
[ "$(post_java "http://127.0.0.1:$port" "$WORK/Slowloris.java")" = served ] || fail "zrun serve does not answer"
python3 "$(dirname "$0")/slowloris.py" "$port" 3000 127.0.0.2 3000 || fail "the client was crowded out"
curl -s "http://127.0.0.1:$port/metrics" | grep -E '^zrun_http_refused_total' || true
echo "test_slowloris: passed"
