#!/usr/bin/env bash
# test_status_live: the gateway's GET /status and every node's GET /node on a real cluster; the
# status page in headless Chromium against that gateway (test_status_page.sh --gateway); and
# `zrun status`, once and with --watch, reading the same JSON. A follower is killed first, so
# the page has a failure among its events and a FAILED member.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

start_cluster 4
leader_is() { curl -s -m 1 "$url/cluster" | grep -qx "$1 LEADER"; }
wait_for 60 "node 4 to lead" leader_is 4
kill -9 "$(pgrep -f "zrun node --config $WORK/logs/cluster.zpl --id 1\$" | head -n 1)"

json() { curl -s -m 2 -H 'Accept: application/json' "$1"; }
py() { /usr/bin/python3 -c "import json, sys; d = json.load(sys.stdin); $1"; }
node_one_failed() {
    json "$url/status" | py '
m = {x["id"]: x for x in d["members"]}
sys.exit(0 if m.get(1, {}).get("state") == "FAILED" and d["leader"] == 4
         and any(e["kind"] == "FAILED" and e["node"] == 1 for e in d["events"]) else 1)'
}
wait_for 30 "/status to show node 1 FAILED, with the failure among its events" node_one_failed
mkdir -p "$WORK/src"
for i in $(seq 1 6); do java_answer "$i" >"$WORK/src/$i.java"; done
for i in $(seq 1 6); do [ "$(post_java "$url" "$WORK/src/$i.java")" = "answer $i" ] || fail "request $i"; done
jobs_counted() {   # the workers' jobs done (from their /node) add up to the 6 requests
    json "$url/status" | py '
done = sum(x.get("jobs_done", 0) for x in d["members"] if x["id"] in (2, 3, 4))
ok = all(isinstance(x.get("jvms_total"), int) and x["jvms_total"] >= 1 for x in d["members"] if x["id"] in (2, 3, 4))
sys.exit(0 if done >= 6 and ok and len(d["traffic"]["samples"]) > 0 and d["traffic"]["interval_ms"] == 1000 else 1)'
}
wait_for 30 "/status to count the 6 jobs and every worker's JVMs" jobs_counted
json "$url/status" | py 'print("status:", json.dumps({k: d[k] for k in ("gateway", "leader", "epoch")}), len(d["members"]), "members,", len(d["events"]), "events")'
for node in 2 3 4; do
    json "http://127.0.0.1:$((base + 10 * node + 3))/node" | py "
assert d['id'] == $node and d['role'] in ('LEADER', 'FOLLOWER') and d['jvms_total'] == 1, d
assert isinstance(d['jobs_done'], int) and isinstance(d['incarnation'], int), d" \
        || fail "node $node's /node: $(json "http://127.0.0.1:$((base + 10 * node + 3))/node")"
done
json "$url/node" | py 'assert d["id"] == 0 and d["role"] == "OBSERVER" and d["jobs_done"] is None, d' \
    || fail "the gateway's /node: $(json "$url/node")"

status=$("$ZRUN" status --url "$url") || fail "zrun status exited $?: $status"
echo "$status"
grep -q '^leader 4, epoch [0-9]*$' <<<"$status" || fail "zrun status has no leader line"
grep -qE '^1 +[A-Z]+ +FAILED ' <<<"$status" || fail "zrun status does not show node 1 FAILED"
[ "$(grep -cE '^[0234] +(OBSERVER|FOLLOWER|LEADER) +ALIVE +[0-9]+ +[0-9]+ ms ' <<<"$status")" -eq 4 ] \
    || fail "zrun status lacks a live member"
watched=$("$ZRUN" status --url "$url" --watch --count 2)
[ "$(grep -c $'\033\[H\033\[2J' <<<"$watched")" -eq 2 ] || fail "zrun status --watch did not redraw twice"
[ "$(grep -c '^leader 4, epoch' <<<"$watched")" -eq 2 ] || fail "zrun status --watch: $watched"

bash "$(dirname "$0")/test_status_page.sh" "$ZRUN" --gateway "$url" || fail "the status page failed against the gateway"
echo "test_status_live: passed"
