#!/usr/bin/env bash
# test_netns_partition: {gateway, 1, 2, 3} cut from {4, 5, 6, 7} for 5 s while clients send, then
# healed: within 5 s there is one leader (the side with the newer view keeps it, the other steps
# down and rejoins), every node is listed and gets work, and every request got its right answer.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/netns_lib.sh"

netns_up 0 1 2 3 4 5 6 7
config="$WORK/cluster.zpl"
netns_config "$config" 0 1 2 3 4 5 6 7
netns_start "$config" 0 gateway
for id in 1 2 3 4 5 6 7; do netns_start "$config" "$id"; done
url="http://$(ns_ip 0):8888"
expected_all=$'0 OBSERVER\n1 FOLLOWER\n2 FOLLOWER\n3 FOLLOWER\n4 FOLLOWER\n5 FOLLOWER\n6 FOLLOWER\n7 LEADER'
cluster_is() { [ "$(curl -s -m 2 "$url/cluster")" = "$1" ]; }
wait_for 90 "node 7 to lead with every node listed" cluster_is "$expected_all"
load_for 5 4 warm   # every JVM warm before the cut

echo "== cut {0,1,2,3} from {4,5,6,7} for 5 s while 4 clients send"
load_for 16 4 through &
loader=$!
cut_at=$(date +%s)
netns_partition "0 1 2 3" "4 5 6 7"
# The gateway's side elects one of 1, 2, 3 (usually 3; a node slow to see the cut may lose it).
gateway_side_leads() {
    local view; view=$(curl -s -m 2 "$url/cluster")
    [ "$(echo "$view" | grep -c FOLLOWER)" -eq 2 ] && [ "$(echo "$view" | wc -l)" -eq 4 ] \
        && echo "$view" | grep -qE '^[123] LEADER$'
}
wait_for 20 "the gateway's side to elect a leader" gateway_side_leads
leader=$(curl -s -m 2 "$url/cluster" | awk '$2 == "LEADER" { print $1 }')
while [ $(( $(date +%s) - cut_at )) -lt 5 ]; do sleep 0.2; done   # the cut lasts 5 s: a duration, not a wait
netns_heal
healed=$(date +%s%N)
expected_healed=$(printf '0 OBSERVER\n'; for id in 1 2 3 4 5 6 7; do
    if [ "$id" = "$leader" ]; then echo "$id LEADER"; else echo "$id FOLLOWER"; fi; done)
wait_for 20 "one leader ($leader) and every node listed again" cluster_is "$expected_healed"
merged_ms=$(( ($(date +%s%N) - healed) / 1000000 ))
echo "healed: one leader and all 8 listed ${merged_ms} ms after the heal"
[ "$merged_ms" -le 5000 ] || fail "the cluster took ${merged_ms} ms to heal (5000 at most)"
wait "$loader"
read -r ok wrong longest <"$WORK/through.load"
[ "$wrong" -eq 0 ] && [ "$ok" -gt 0 ] || fail "through the partition: $ok right, $wrong wrong ($(head -3 "$WORK/load-through/wrong" 2>/dev/null))"
echo "through the partition: $ok requests, all right, longest ${longest} ms"
for id in 4 5 6 7; do
    grep -q "^$id: rejoining as incarnation" "$WORK/logs/node-$id-summary.log" || fail "node $id did not rejoin"
done
grep -q "^[0-3]: rejoining" "$WORK/logs/node-"[0-3]"-summary.log" && fail "the winning side rejoined"

echo "== every node gets work after the heal"
completed_by() {   # results the leader has taken from worker $1
    curl -s -m 1 "http://$(ns_ip "$leader"):9003/metrics" | awk -v w="zrun_leader_completed_total{worker=\"$1\"}" '$1 == w {print $2}'
}
declare -A before
workers=$(for id in 1 2 3 4 5 6 7; do [ "$id" = "$leader" ] || echo "$id"; done)
for id in $workers; do before[$id]=$(completed_by "$id"); before[$id]=${before[$id]:-0}; done
all_worked() {
    load_for 1 4 after
    read -r ok wrong _ <"$WORK/after.load"
    [ "$wrong" -eq 0 ] || fail "after the heal: $wrong wrong answers"
    for id in $workers; do local n; n=$(completed_by "$id"); [ "${n:-0}" -gt "${before[$id]}" ] || return 1; done
}
wait_for 60 "every follower to complete work for leader $leader" all_worked
echo "test_netns_partition: passed"
