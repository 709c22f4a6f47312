#!/usr/bin/env bash
# test_hostile_input: garbage datagrams to every UDP port (first byte >= 0x80, short, random,
# real groups with junk bodies; empty ones are in tests/unit/test_udp_hostile.c) and junk to every
# TCP, monitor and HTTP port of a running cluster: no process dies, drops are counted, it answers.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

start_cluster 3
wait_for 60 "a leader" has_leader

udp_ports="$base $((base + 10)) $((base + 20)) $((base + 30))"
junk() { head -c "$1" /dev/urandom; }
datagram() {   # datagram PORT: sends what stdin holds as one datagram; a dead port is no error
    local bytes; bytes=$(mktemp "$WORK/datagram-XXXXXX"); cat >"$bytes"
    cat "$bytes" 2>/dev/null >"/dev/udp/127.0.0.1/$1" || true
    rm -f "$bytes"
}
for port in $udp_ports; do
    for i in $(seq 1 150); do
        { printf "\\x$(printf '%02x' $((128 + i % 128)))"; junk $((i * 7 % 1400)); } | datagram "$port"
        junk $((1 + i % 9)) | datagram "$port"
        { printf '\x08election'; junk $((i % 60)); } | datagram "$port"   # a real group, junk body
        { printf '\x06gossip\x01\x02'; junk $((i % 40)); } | datagram "$port"
    done
done
echo "sent 2400 hostile datagrams"

for node in 1 2 3; do
    for port in $((base + 10 * node + 1)) $((base + 10 * node + 2)); do   # monitor, tcp (ZMTP)
        for i in $(seq 1 20); do
            (exec 3<>"/dev/tcp/127.0.0.1/$port" && junk 2000 >&3 && exec 3>&-) 2>/dev/null || true
            (exec 3<>"/dev/tcp/127.0.0.1/$port" && printf '\xff\x00\x00\x00\x00\x00\x00\x00\x01\x7f' >&3 && junk 64 >&3 && exec 3>&-) 2>/dev/null || true
            # a ZMTP/1.0 frame claiming ~2^62 bytes: must be refused before anything is allocated
            (exec 3<>"/dev/tcp/127.0.0.1/$port" && printf '\xff\x6b\xf3\x64\x24\x21\xb3\x99\xe0\x00' >&3 && junk 64 >&3 && exec 3>&-) 2>/dev/null || true
        done
    done
done
for port in $((base + 99)) $((base + 13)); do   # HTTP: junk, a truncated request line, a huge header
    for i in $(seq 1 20); do
        (exec 3<>"/dev/tcp/127.0.0.1/$port" && junk 3000 >&3 && exec 3>&-) 2>/dev/null || true
        (exec 3<>"/dev/tcp/127.0.0.1/$port" && printf 'POST /compileandrun HTT' >&3 && exec 3>&-) 2>/dev/null || true
        (exec 3<>"/dev/tcp/127.0.0.1/$port" && { printf 'GET /healthz HTTP/1.1\r\nX: '; head -c 200000 /dev/zero | tr '\0' 'a'; } >&3 && exec 3>&-) 2>/dev/null || true
    done
done
echo "sent junk to every TCP, monitor and HTTP port"

kill -0 "$cluster_pid" || fail "zrun cluster died"
grep -qE 'killed by signal|exited with status [^0]' "$WORK/cluster.out" && fail "a process died: $(grep -E 'killed|exited' "$WORK/cluster.out")"
java_answer 7 >"$WORK/Answer7.java"
[ "$(post_java "$url" "$WORK/Answer7.java")" = "answer 7" ] || fail "the cluster no longer answers"
[ "$(curl -s "$url/cluster" | wc -l)" -eq 4 ] || fail "a node left the cluster: $(curl -s "$url/cluster")"
malformed() {   # the UDP drops counted by node 1: garbage fails the envelope before it is decoded
    curl -s -m 2 "http://127.0.0.1:$((base + 13))/metrics" |
        awk '$1 ~ /^zrun_udp_dropped_total\{reason="(malformed|unauthenticated|forged)"\}$/ {n += $2} END {print n + 0}'
}
counted() { [ "$(malformed)" -gt 0 ] 2>/dev/null; }
wait_for 10 "node 1 to count malformed datagrams" counted
echo "node 1 counted $(malformed) malformed or unauthenticated datagrams; every process is alive and answers"
echo "test_hostile_input: passed"
