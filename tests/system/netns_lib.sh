# netns_lib.sh: "hosts" for the system tests (sourced after lib.sh): each process of a cluster in
# its own Linux network namespace, on one bridge, with an IP of its own; datagram loss and
# partitions with nft rules inside the namespaces. Needs root (CAP_NET_ADMIN); cleans up after.

NS_TAG=$(( $$ % 10000 ))
NS_BRIDGE="zb$NS_TAG"
NS_NET="10.$(( 20 + RANDOM % 200 )).$(( RANDOM % 250 ))"
NS_IDS=()

ns_name() { echo "zr$NS_TAG-$1"; }
ns_ip() { echo "$NS_NET.$(( 10 + $1 ))"; }

netns_cleanup() {
    for id in "${NS_IDS[@]}"; do ip netns del "$(ns_name "$id")" 2>/dev/null || true; done
    ip link del "$NS_BRIDGE" 2>/dev/null || true
}

# netns_up ID...: a bridge on the host ($NS_NET.1) and one namespace per id, linked to it.
netns_up() {
    [ "$(id -u)" -eq 0 ] || fail "the namespace tests need root (ip netns, nft)"
    command -v nft >/dev/null || fail "nft is missing: run tools/setup.sh"
    trap 'cleanup; netns_cleanup' EXIT
    ip link add "$NS_BRIDGE" type bridge || fail "cannot create a bridge"
    ip addr add "$NS_NET.1/24" dev "$NS_BRIDGE"
    ip link set "$NS_BRIDGE" up
    for id in "$@"; do
        local ns; ns=$(ns_name "$id")
        ip netns add "$ns" || fail "cannot create namespace $ns"
        NS_IDS+=("$id")
        ip link add "zv$NS_TAG-$id" type veth peer name eth0 netns "$ns"
        ip link set "zv$NS_TAG-$id" master "$NS_BRIDGE" up
        ip -n "$ns" addr add "$(ns_ip "$id")/24" dev eth0
        ip -n "$ns" link set eth0 up
        ip -n "$ns" link set lo up
        ip netns exec "$ns" nft add table inet zrun
        ip netns exec "$ns" nft 'add chain inet zrun input { type filter hook input priority 0; }'
        ip netns exec "$ns" nft 'add chain inet zrun output { type filter hook output priority 0; }'
    done
}

# netns_config FILE GATEWAY_ID NODE_ID...: one cluster file with every process at its own IP,
# and its keys in $WORK/keys.
netns_config() {
    local file=$1 gateway=$2; shift 2
    {
        printf 'cluster\n    log_dir = %s/logs\n    log_level = info\n    keys_dir = %s/keys\n' "$WORK" "$WORK"
        printf 'runner\n    jvms = 1\n    spare_jvms = 0\nnodes\n'
        printf '    %d\n        role = gateway\n        host = %s\n        udp_port = 9000\n        http_port = 8888\n' \
            "$gateway" "$(ns_ip "$gateway")"
        for id in "$@"; do
            printf '    %d\n        host = %s\n        udp_port = 9000\n        http_port = 9003\n' "$id" "$(ns_ip "$id")"
        done
    } >"$file"
    "$ZRUN" keygen "$WORK/keys" --config "$file" >/dev/null || fail "zrun keygen failed"
}

# netns_start FILE ID [gateway]: the process of that id, inside its namespace.
netns_start() {
    local command=node
    [ "${3:-}" = gateway ] && command=gateway
    ip netns exec "$(ns_name "$2")" "$ZRUN" "$command" --config "$1" --id "$2" >>"$WORK/cluster.out" 2>&1 &
    PIDS+=("$!")
}

# netns_pid ID: the pid of that id's process.
netns_pid() { pgrep -f "zrun (node|gateway) --config .* --id $1\$" | head -n 1; }

# netns_loss PERCENT: every namespace drops that share of the UDP datagrams it receives.
netns_loss() {
    for id in "${NS_IDS[@]}"; do
        local ns; ns=$(ns_name "$id")
        ip netns exec "$ns" nft flush chain inet zrun input
        [ "$1" -gt 0 ] && ip netns exec "$ns" nft add rule inet zrun input meta l4proto udp numgen random mod 100 \< "$1" drop
    done
    true
}

# netns_partition "IDS" "IDS": the two groups can no longer reach each other (any protocol).
netns_partition() {
    local a=($1) b=($2)
    _netns_cut "${a[*]}" "${b[*]}"
    _netns_cut "${b[*]}" "${a[*]}"
}

_netns_cut() {   # every namespace of group $1 drops everything to and from group $2
    local others=""
    for id in $2; do others="$others${others:+, }$(ns_ip "$id")"; done
    for id in $1; do
        local ns; ns=$(ns_name "$id")
        ip netns exec "$ns" nft add rule inet zrun input ip saddr "{ $others }" drop
        ip netns exec "$ns" nft add rule inet zrun output ip daddr "{ $others }" drop
    done
}

# netns_heal: every rule gone (partitions and loss).
netns_heal() {
    for id in "${NS_IDS[@]}"; do
        local ns; ns=$(ns_name "$id")
        ip netns exec "$ns" nft flush chain inet zrun input
        ip netns exec "$ns" nft flush chain inet zrun output
    done
}
