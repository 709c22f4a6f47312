#!/usr/bin/env bash
# test_staggered_start: 7 nodes and the gateway started one at a time, in a random order, each
# only after the previous one serves /healthz, still elect the highest id (node 7).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

base=$(free_base_port)
config="$WORK/cluster.zpl"
{
    printf 'cluster\n    log_dir = %s/logs\n    keys_dir = %s/keys\nrunner\n    jvms = 1\n    spare_jvms = 0\nnodes\n' "$WORK" "$WORK"
    printf '    0\n        role = gateway\n        udp_port = %d\n        http_port = %d\n' "$base" "$((base + 99))"
    for id in 1 2 3 4 5 6 7; do
        printf '    %d\n        udp_port = %d\n        http_port = %d\n' "$id" "$((base + 10 * id))" "$((base + 10 * id + 3))"
    done
} >"$config"
"$ZRUN" keygen "$WORK/keys" --config "$config" || fail "zrun keygen failed"

http_port_of() { [ "$1" -eq 0 ] && echo $((base + 99)) || echo $((base + 10 * $1 + 3)); }
order=${ZRUN_TEST_ORDER:-$(shuf -e 0 1 2 3 4 5 6 7 | tr '\n' ' ')}   # ZRUN_TEST_ORDER replays one
echo "start order: $order"
for id in $order; do
    command=node; [ "$id" -eq 0 ] && command=gateway
    "$ZRUN" "$command" --config "$config" --id "$id" >>"$WORK/cluster.out" 2>&1 &
    PIDS+=("$!")
    port=$(http_port_of "$id")
    wait_for 30 "node $id to serve /healthz" curl -sf -m 1 -o /dev/null "http://127.0.0.1:$port/healthz"
done

expected=$'0 OBSERVER\n1 FOLLOWER\n2 FOLLOWER\n3 FOLLOWER\n4 FOLLOWER\n5 FOLLOWER\n6 FOLLOWER\n7 LEADER'
roles_are_expected() { [ "$(curl -s -m 2 "http://127.0.0.1:$((base + 99))/cluster")" = "$expected" ]; }
wait_for 60 "node 7 to lead with 1-6 following" roles_are_expected
grep -q '^7: switching from LOOKING to LEADING$' "$WORK/cluster.out" || fail "node 7 did not print its switch to LEADING"
[ "$(grep -c 'switching from LOOKING to FOLLOWING' "$WORK/cluster.out")" -eq 6 ] || fail "not every follower printed its switch"
java_answer 1 >"$WORK/Answer1.java"
[ "$(post_java "http://127.0.0.1:$((base + 99))" "$WORK/Answer1.java")" = "answer 1" ] || fail "the cluster did not answer"
echo "test_staggered_start: passed (order $order)"
