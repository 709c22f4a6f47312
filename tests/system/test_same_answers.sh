#!/usr/bin/env bash
# test_same_answers: every Java case in tests/java-cases gets the same HTTP status and the same
# body through a cluster's gateway (gateway -> leader -> worker) as through `zrun serve`.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cases=$(cd "$(dirname "$0")/../java-cases" && pwd)

"$ZRUN" serve --port 0 --bind 127.0.0.1 --jvms 2 --log-dir "$WORK/serve-logs" >"$WORK/serve.out" 2>&1 &
PIDS+=("$!")
serve_listening() { grep -q 'listening on http://' "$WORK/serve.out"; }
wait_for 60 "zrun serve to listen" serve_listening
serve_url=$(grep -o 'http://[0-9.]*:[0-9]*' "$WORK/serve.out" | head -n 1)

start_cluster 3
gateway_url=$url
wait_for 60 "the cluster to elect a leader" has_leader

# status + body of one case from one endpoint, into a file
answer() {   # answer URL FILE OUT
    curl -s -m 120 -o "$3.body" -w '%{http_code}' -H 'Content-Type: text/x-java-source' \
        --data-binary "@$2" "$1/compileandrun" >"$3.status"
}
export -f answer
export serve_url gateway_url WORK
compare_case() {
    local file=$1 name; name=$(basename "$file" .java)
    answer "$serve_url" "$file" "$WORK/$name.serve"
    answer "$gateway_url" "$file" "$WORK/$name.cluster"
    if cmp -s "$WORK/$name.serve.status" "$WORK/$name.cluster.status" \
       && cmp -s "$WORK/$name.serve.body" "$WORK/$name.cluster.body"; then
        echo "same $(cat "$WORK/$name.serve.status") $name"
    else
        echo "DIFFERENT $name: serve $(cat "$WORK/$name.serve.status") '$(head -c 120 "$WORK/$name.serve.body")'" \
             "cluster $(cat "$WORK/$name.cluster.status") '$(head -c 120 "$WORK/$name.cluster.body")'"
    fi
}
export -f compare_case
results=$(ls "$cases"/*.java | xargs -P 4 -I{} bash -c 'compare_case {}')
echo "$results" | sort
total=$(ls "$cases"/*.java | wc -l)
same=$(grep -c '^same ' <<<"$results" || true)
[ "$same" -eq "$total" ] || fail "$((total - same)) of $total cases answered differently"
grep -q '^same 200 hello$' <<<"$results" || fail "hello did not give 200"
grep -q '^same 400 compile_error$' <<<"$results" || fail "compile_error did not give 400"
echo "test_same_answers: passed ($total cases)"
