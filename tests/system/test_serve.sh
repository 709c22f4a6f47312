#!/usr/bin/env bash
# test_serve: `zrun serve` end to end with the real runner pool, driven by `zrun submit`:
# hello world (exit 0, body), compile error (exit 1), missing file (exit 2), port taken, SIGTERM.
set -uo pipefail
source "$(dirname "$0")/lib.sh"

serve_fail() {   # fail, showing what the server printed and logged
    echo "--- zrun serve output:" >&2; cat "$WORK/serve.out" >&2 2>/dev/null
    tail -n 20 "$WORK"/logs/*.log >&2 2>/dev/null
    fail "$@"
}

# --port 0: the server picks a free port and prints it, so there is no free-port race.
"$ZRUN" serve --port 0 --bind 127.0.0.1 --jvms 1 --log-dir "$WORK/logs" >"$WORK/serve.out" 2>&1 &
serve_pid=$!
PIDS+=("$serve_pid")
port_printed() { grep -q '^zrun serve: listening on ' "$WORK/serve.out" || ! kill -0 "$serve_pid"; }
wait_for 120 "zrun serve to listen" port_printed
port=$(sed -n 's|^zrun serve: listening on http://[0-9.]*:\([0-9]*\)/.*|\1|p' "$WORK/serve.out")
[ -n "$port" ] || serve_fail "zrun serve did not start"
url="http://127.0.0.1:$port"
healthy() { [ "$(curl -s -m 2 "$url/healthz")" = "ok" ]; }
wait_for 120 "/healthz to answer ok" healthy

cat >"$WORK/Hello.java" <<'JAVA'
public class Hello {
    public String run() {
        return "Hello, World!";
    }
}
JAVA
cat >"$WORK/Broken.java" <<'JAVA'
public class Broken {
    public String run() {
        return "missing semicolon"
    }
}
JAVA

out=$("$ZRUN" submit --url "$url" "$WORK/Hello.java"); rc=$?
[ $rc -eq 0 ] || serve_fail "hello world: exit $rc, want 0 (output: $out)"
[ "$out" = "Hello, World!" ] || serve_fail "hello world: body '$out'"

out=$("$ZRUN" submit --url "$url" "$WORK/Broken.java"); rc=$?
[ $rc -eq 1 ] || serve_fail "compile error: exit $rc, want 1 (output: $out)"
case "$out" in "Code did not compile:"*) ;; *) serve_fail "compile error: body '$out'" ;; esac

"$ZRUN" submit --url "$url" "$WORK/Missing.java" 2>"$WORK/missing.err"; rc=$?
[ $rc -eq 2 ] || serve_fail "missing file: exit $rc, want 2"
grep -q "cannot read" "$WORK/missing.err" || serve_fail "missing file: '$(cat "$WORK/missing.err")'"

"$ZRUN" submit --url "$url" "$WORK/Hello.java" "$WORK/Broken.java" >/dev/null; rc=$?
[ $rc -eq 1 ] || serve_fail "hello + broken: exit $rc, want 1"

json=$("$ZRUN" submit --json --url "$url" "$WORK/Hello.java")
case "$json" in *'"status":"OK"'*'"result":"Hello, World!"'*) ;; *) serve_fail "JSON form: '$json'" ;; esac

headers=$(curl -s -D - -o /dev/null "$url/compileandrun")
grep -q "^HTTP/1.1 405" <<<"$headers" || serve_fail "GET /compileandrun: $headers"
grep -qi "^X-Request-Id: [0-9]" <<<"$headers" || serve_fail "no X-Request-Id: $headers"
metrics=$(curl -s "$url/metrics")   # not piped into grep -q: under pipefail its early exit fails curl
grep -q '^zrun_http_responses_total{code="200"} ' <<<"$metrics" || serve_fail "/metrics"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$url/logs/summary")" = 200 ] || serve_fail "/logs/summary"

# A second server on the same port fails cleanly: one line, exit 1.
"$ZRUN" serve --port "$port" --bind 127.0.0.1 --log-dir "$WORK/logs2" >"$WORK/second.out" 2>&1; rc=$?
[ $rc -eq 1 ] || serve_fail "second server on port $port: exit $rc, want 1"
[ "$(wc -l <"$WORK/second.out")" -eq 1 ] || serve_fail "second server said: '$(cat "$WORK/second.out")'"

kill -TERM "$serve_pid"
wait "$serve_pid"; rc=$?
[ $rc -eq 0 ] || serve_fail "zrun serve after SIGTERM: exit $rc, want 0"

"$ZRUN" submit --url "$url" "$WORK/Hello.java" 2>/dev/null; rc=$?   # connection refused
[ $rc -eq 2 ] || fail "no server: exit $rc, want 2"
echo "PASS test_serve"
