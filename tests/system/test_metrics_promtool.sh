#!/usr/bin/env bash
# test_metrics_promtool: `promtool check metrics` (Debian's prometheus package) accepts the
# /metrics of every process of a running cluster, after work, a failure and an election, and
# of `zrun serve`; each process that runs jobs reports zrun_runner_jobs_total by outcome; and a
# Prometheus server configured by demo/prometheus_config.sh scrapes every live process.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

command -v promtool >/dev/null || fail "promtool is missing: tools/setup.sh installs Debian's prometheus package"
check_metrics() {   # check_metrics NAME URL: promtool accepts it, and it is not empty
    curl -s -m 5 "$2/metrics" >"$WORK/$1.prom" || fail "$1: no /metrics at $2"
    [ -s "$WORK/$1.prom" ] || fail "$1: empty /metrics"
    promtool check metrics <"$WORK/$1.prom" >"$WORK/$1.promtool" 2>&1 \
        || fail "$1: promtool refused its /metrics: $(head -n 5 "$WORK/$1.promtool")"
    echo "promtool accepts $1 ($(grep -c '^# TYPE' "$WORK/$1.prom") families, $(grep -vc '^#' "$WORK/$1.prom") samples)"
}
has() { grep -qE "$2" "$WORK/$1.prom" || fail "$1 lacks $2"; }

start_cluster 4
leader_is() { curl -s -m 1 "$url/cluster" | grep -qx "$1 LEADER"; }
wait_for 60 "node 4 to lead" leader_is 4
mkdir -p "$WORK/src"
for i in $(seq 1 12); do java_answer "$i" >"$WORK/src/$i.java"; done
printf 'public class Broken { public String run() { return "x" } }\n' >"$WORK/src/broken.java"
for i in $(seq 1 12); do [ "$(post_java "$url" "$WORK/src/$i.java")" = "answer $i" ] || fail "request $i"; done
post_java "$url" "$WORK/src/broken.java" >/dev/null
# A failure and a new election, so the failure and election families have something to say.
kill -9 "$(pgrep -f "zrun node --config $WORK/logs/cluster.zpl --id 4\$" | head -n 1)"
# The new leader is usually 3; a node slow to notice the failure may let 1 and 2 elect 2.
new_leader() { leader=$(curl -s -m 1 "$url/cluster" | awk '$2 == "LEADER" && $1 != 4 { print $1 }'); [ -n "$leader" ]; }
wait_for 30 "a new leader" new_leader
http_of() { echo "http://127.0.0.1:$((base + 10 * $1 + 3))"; }
metrics_show_jobs() {   # every worker's pool figures, with the 13 jobs among them
    local total=0 n
    for node in 1 2 3; do
        n=$(curl -s -m 2 "$(http_of "$node")/metrics" | awk '$1 ~ /^zrun_runner_jobs_total\{/ {s += $2} END {print s + 0}')
        curl -s -m 2 "$(http_of "$node")/metrics" | grep -q '^zrun_runner_jobs_total{outcome="ok"} ' || return 1
        total=$((total + n))
    done
    [ "$total" -ge 13 ]
}
wait_for 30 "zrun_runner_jobs_total on nodes 1-3, counting the 13 jobs" metrics_show_jobs

check_metrics gateway "$url"
for node in 1 2 3; do check_metrics "node$node" "$(http_of "$node")"; done
has gateway '^zrun_gateway_request_duration_seconds_bucket\{le="\+Inf"\} 13$'
has gateway '^zrun_gateway_waiting_for_leader '
has gateway '^zrun_node_state\{state="OBSERVER"\} 1$'
has "node$leader" '^zrun_node_state\{state="LEADING"\} 1$'
has "node$leader" '^zrun_elections_total 2$'
has "node$leader" '^zrun_election_duration_seconds_count 2$'
has node1 '^zrun_gossip_failures_total 1$'
has node1 '^zrun_heartbeats_sent_total [1-9]'
has node1 '^zrun_heartbeats_received_total [1-9]'
has node1 '^zrun_runner_jvms 1$'
has node1 '^zrun_runner_run_seconds_count [0-9]'
has node1 '^zrun_events_published_total\{kind="failure"\} 1$'
for name in gateway node1 node2 node3; do
    [ "$(grep -c '^# TYPE ' "$WORK/$name.prom")" -eq "$(grep '^# TYPE ' "$WORK/$name.prom" | sort -u | wc -l)" ] \
        || fail "$name repeats a family"
done

# A real Prometheus server, configured by demo/prometheus_config.sh from the cluster file, scrapes
# every live process (node 4 is dead: its target is down; every other one must be up).
"$(dirname "$0")/../../demo/prometheus_config.sh" "$WORK/logs/cluster.zpl" 1s >"$WORK/prometheus.yml"
promtool check config "$WORK/prometheus.yml" >/dev/null || fail "promtool refused the generated scrape config"
[ "$(grep -c 'targets:' "$WORK/prometheus.yml")" -eq 5 ] || fail "the scrape config lacks a process: $(cat "$WORK/prometheus.yml")"
prometheus --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/tsdb" \
    --web.listen-address="127.0.0.1:$((base + 98))" >"$WORK/prometheus.out" 2>&1 &
PIDS+=("$!")
scraped() {
    curl -s -m 2 "http://127.0.0.1:$((base + 98))/api/v1/targets" | /usr/bin/python3 -c '
import json, sys
targets = json.load(sys.stdin)["data"]["activeTargets"]
health = {t["labels"]["node"]: t["health"] for t in targets}
sys.exit(0 if len(health) == 5 and all(health[n] == "up" for n in "0123") and health["4"] == "down" else 1)'
}
wait_for 60 "Prometheus to scrape nodes 0-3 (and find node 4 down)" scraped
query() { curl -s -m 2 "http://127.0.0.1:$((base + 98))/api/v1/query" --data-urlencode "query=$1"; }
has_series() { query "$1" | grep -q '"value"'; }
wait_for 30 "Prometheus to store zrun_runner_jobs_total" has_series 'sum(zrun_runner_jobs_total)'
echo "Prometheus scrapes every live process: sum(zrun_runner_jobs_total) = $(query 'sum(zrun_runner_jobs_total)' | grep -o '"[0-9.]*"]' | tr -d '"]')"

"$ZRUN" serve --port 0 --bind 127.0.0.1 --jvms 1 --log-dir "$WORK/serve-logs" >"$WORK/serve.out" 2>&1 &
PIDS+=("$!")
listening() { grep -q '^zrun serve: listening on ' "$WORK/serve.out"; }
wait_for 120 "zrun serve to listen" listening
serve_url="http://127.0.0.1:$(sed -n 's|^zrun serve: listening on http://[0-9.]*:\([0-9]*\)/.*|\1|p' "$WORK/serve.out")"
[ "$(post_java "$serve_url" "$WORK/src/1.java")" = "answer 1" ] || fail "zrun serve did not answer"
serve_counted() { curl -s -m 2 "$serve_url/metrics" | grep -q '^zrun_runner_jobs_total{outcome="ok"} 1$'; }
wait_for 10 "zrun serve's zrun_runner_jobs_total" serve_counted
check_metrics serve "$serve_url"
echo "test_metrics_promtool: passed"
