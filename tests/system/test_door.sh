#!/usr/bin/env bash
# test_door: the public door on real processes. zrun serve with --tokens, --max-in-flight 1 and
# --max-pending 2: 401 (with WWW-Authenticate) without a valid token, 429 with Retry-After for a
# client that already has a job in flight, 503 with Retry-After once two jobs are held; then a
# cluster whose gateway has a tokens file (zrun cluster --tokens) answers 401 and 200, and drops
# the pending job of a client that hangs up.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

token=door-test-token-$RANDOM$RANDOM$RANDOM
printf '# tokens for test_door\n%s\n' "$token" >"$WORK/tokens"
port=$(( $(free_base_port) + 98 ))
"$ZRUN" serve --port "$port" --jvms 1 --bind 127.0.0.1 --log-dir "$WORK/serve-logs" --tokens "$WORK/tokens" \
    --max-in-flight 1 --max-pending 2 >"$WORK/serve.out" 2>&1 &
PIDS+=("$!")
serve="http://127.0.0.1:$port"
serving() { curl -sf -m 1 -o /dev/null "$serve/healthz"; }
wait_for 60 "zrun serve to answer" serving

# post URL FILE [CURL ARGS...]: prints "<status> <Retry-After> <WWW-Authenticate> | <body>"
post() {
    local url=$1 file=$2; shift 2
    local headers body status retry auth
    headers=$(mktemp "$WORK/headers-XXXXXX") body=$(mktemp "$WORK/body-XXXXXX")
    curl -s -m 120 -D "$headers" -o "$body" -H 'Content-Type: text/x-java-source' \
        --data-binary "@$file" "$@" "$url/compileandrun" >/dev/null || true
    status=$(awk 'NR == 1 {print $2}' "$headers")
    retry=$(tr -d '\r' <"$headers" | awk -F': ' 'tolower($1) == "retry-after" {print $2}')
    auth=$(tr -d '\r' <"$headers" | awk -F': ' 'tolower($1) == "www-authenticate" {print $2}')
    echo "$status ${retry:--} ${auth:--} | $(cat "$body")"
    rm -f "$headers" "$body"
}
with_token=(-H "Authorization: Bearer $token")
java_answer 1 >"$WORK/Answer1.java"
printf 'public class Slow {\n    public String run() throws Exception { Thread.sleep(3000); return "slow"; }\n}\n' >"$WORK/Slow.java"

got=$(post "$serve" "$WORK/Answer1.java")
[ "$got" = '401 - Bearer realm="zrun" | unauthorized: send Authorization: Bearer <token>' ] || fail "no token: $got"
got=$(post "$serve" "$WORK/Answer1.java" -H 'Authorization: Bearer not-the-token-at-all')
[ "$got" = '401 - Bearer realm="zrun" | unauthorized: unknown token' ] || fail "wrong token: $got"
got=$(post "$serve" "$WORK/Answer1.java" "${with_token[@]}")
[ "$got" = '200 - - | answer 1' ] || fail "good token: $got"
echo "401 without a valid token, 200 with one"

admitted() { curl -s -m 1 "$serve/metrics" | awk -v n="$1" '$1 == "zrun_http_jobs_admitted" && $2 == n {ok = 1} END {exit !ok}'; }
post "$serve" "$WORK/Slow.java" "${with_token[@]}" >"$WORK/slow1.out" &
PIDS+=("$!")
slow1=$!
wait_for 30 "the slow job to be in flight" admitted 1
got=$(post "$serve" "$WORK/Answer1.java" "${with_token[@]}")
[[ "$got" == "429 1 - | too many requests: 127.0.0.1 has 1 jobs in flight already; retry later" ]] || fail "over-eager client: $got"
echo "429 with Retry-After for a second job from 127.0.0.1"
post "$serve" "$WORK/Slow.java" "${with_token[@]}" --interface 127.0.0.2 >"$WORK/slow2.out" &
PIDS+=("$!")
slow2=$!
wait_for 30 "two jobs in flight" admitted 2
got=$(post "$serve" "$WORK/Answer1.java" "${with_token[@]}" --interface 127.0.0.3)
[[ "$got" == "503 1 - | the queue is full (2 jobs); retry later" ]] || fail "full queue: $got"
echo "503 with Retry-After for a job from 127.0.0.3 while two are held"
wait "$slow1" "$slow2"
[ "$(cat "$WORK/slow1.out")" = '200 - - | slow' ] && [ "$(cat "$WORK/slow2.out")" = '200 - - | slow' ] \
    || fail "the held jobs: $(cat "$WORK/slow1.out") / $(cat "$WORK/slow2.out")"
got=$(post "$serve" "$WORK/Answer1.java" "${with_token[@]}" --interface 127.0.0.3)
[ "$got" = '200 - - | answer 1' ] || fail "after the queue drained: $got"
echo "the held jobs were answered, and the queue takes work again"

start_cluster 3 --tokens "$WORK/tokens"
wait_for 60 "a leader" has_leader
got=$(post "$url" "$WORK/Answer1.java")
[[ "$got" == "401 "* ]] || fail "gateway without a token: $got"
got=$(post "$url" "$WORK/Answer1.java" "${with_token[@]}")
[ "$got" = '200 - - | answer 1' ] || fail "gateway with the token: $got"
echo "the gateway of zrun cluster --tokens: 401 without the token, 200 with it"

gateway_metric() { curl -s -m 1 "$url/metrics" | awk -v name="$1" '$1 == name {v = $2} END {print v + 0}'; }
curl -s -m 120 -o /dev/null -H 'Content-Type: text/x-java-source' "${with_token[@]}" \
    --data-binary "@$WORK/Slow.java" "$url/compileandrun" &
client=$!
PIDS+=("$client")
# Metrics are a snapshot refreshed about once a second, so "pending 1" alone could still be the
# answered job above: the slow one is held once the gateway has accepted two requests.
held() {
    curl -s -m 1 "$url/metrics" | awk '$1 == "zrun_gateway_requests_total" {n = $2}
        $1 == "zrun_gateway_pending" {p = $2} END {exit !(n == 2 && p == 1)}'
}
wait_for 30 "the gateway to hold the slow job" held
kill "$client"
freed() { [ "$(gateway_metric zrun_gateway_cancelled_total)" = 1 ] && [ "$(gateway_metric zrun_gateway_pending)" = 0 ]; }
wait_for 10 "the gateway to drop the job of the client that hung up" freed
echo "a client that hung up while its job was pending freed its slot at the gateway"
echo "test_door: passed"
