#!/usr/bin/env bash
# test_netns_cluster: a gateway and 7 nodes, each in its own network namespace with an IP of its
# own, one cluster file of host:port pairs: election, work, kill -9 of the leader and its
# restart; then 10 % and 20 % random datagram loss under load: no false verdict, no lost request.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/netns_lib.sh"

netns_up 0 1 2 3 4 5 6 7
config="$WORK/cluster.zpl"
netns_config "$config" 0 1 2 3 4 5 6 7
netns_start "$config" 0 gateway
for id in 1 2 3 4 5 6 7; do netns_start "$config" "$id"; done
url="http://$(ns_ip 0):8888"
leader_is() { curl -s -m 1 "$url/cluster" | grep -qx "$1 LEADER"; }
listed_as() { curl -s -m 1 "$url/cluster" | grep -qx "$1 $2"; }
wait_for 90 "node 7 to lead across the namespaces" leader_is 7
expected=$'0 OBSERVER\n1 FOLLOWER\n2 FOLLOWER\n3 FOLLOWER\n4 FOLLOWER\n5 FOLLOWER\n6 FOLLOWER\n7 LEADER'
all_listed() { [ "$(curl -s -m 2 "$url/cluster")" = "$expected" ]; }
wait_for 30 "every node to be listed" all_listed
curl -s -H 'Accept: application/json' "$url/cluster" | grep -q "\"tcp\":\"$(ns_ip 3):9002\"" || fail "/cluster lacks node 3's address"
load_for 5 4 warm
read -r ok wrong longest <"$WORK/warm.load"
[ "$wrong" -eq 0 ] && [ "$ok" -gt 0 ] || fail "warm-up: $ok right, $wrong wrong"
echo "across namespaces: $ok requests answered, longest ${longest} ms"

echo "== kill -9 leader 7, then start it again"
kill -9 "$(netns_pid 7)"
wait_for 30 "node 6 to lead" leader_is 6
load_for 3 2 after-kill
read -r ok wrong longest <"$WORK/after-kill.load"
[ "$wrong" -eq 0 ] && [ "$ok" -gt 0 ] || fail "after the kill: $ok right, $wrong wrong"
netns_start "$config" 7
started=$(date +%s%N)
wait_for 30 "node 7 to be listed again, as a follower" listed_as 7 FOLLOWER
listed_ms=$(( ($(date +%s%N) - started) / 1000000 ))
[ "$listed_ms" -le 3000 ] || fail "node 7 took ${listed_ms} ms to be listed again"
leader_is 6 || fail "leadership moved when the old leader came back"
echo "node 7 listed again ${listed_ms} ms after its restart, as a follower of 6"

for loss in 10 20; do
    echo "== ${loss} % of every namespace's datagrams lost, 4 clients for 30 s"
    verdicts=$(grep -c 'SERVER FAILED' "$WORK/cluster.out" || true)
    netns_loss "$loss"
    load_for 30 4 "loss$loss"
    netns_loss 0
    read -r ok wrong longest <"$WORK/loss$loss.load"
    now=$(grep -c 'SERVER FAILED' "$WORK/cluster.out" || true)
    [ "$now" -eq "$verdicts" ] || fail "false verdicts at ${loss} % loss: $(grep 'SERVER FAILED' "$WORK/cluster.out" | tail -n $((now - verdicts)))"
    [ "$wrong" -eq 0 ] && [ "$ok" -gt 0 ] || fail "at ${loss} % loss: $ok right, $wrong wrong ($(head -3 "$WORK/load-loss$loss/wrong"))"
    leader_is 6 || fail "the leader changed at ${loss} % loss"
    echo "${loss} % loss: $ok requests, all right, longest ${longest} ms, no false verdict"
done
echo "test_netns_cluster: passed"
