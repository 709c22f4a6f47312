# lib.sh: helpers shared by the system tests (sourced, not run): free ports, waiting for a
# condition with a deadline, Java sources, and cleanup of every process a test started.

ZRUN=${ZRUN:-$1}
WORK=$(mktemp -d /tmp/zrun-system-XXXXXX)
PIDS=()

cleanup() {
    for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do
        for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
        kill -KILL "$pid" 2>/dev/null || true
    done
    [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT

fail() {
    echo "FAIL: $*" >&2
    if [ -f "$WORK/cluster.out" ]; then
        echo "--- zrun cluster output:" >&2
        tail -n 40 "$WORK/cluster.out" >&2
    fi
    exit 1
}

# A base port whose block (base .. base + 99) no socket uses, below the kernel's ephemeral
# range (32768+), where outgoing connections would take ports at random.
free_base_port() {
    for _ in $(seq 1 50); do
        local base=$(( (RANDOM % 120) * 100 + 20000 ))
        if ! ss -Htuan 2>/dev/null | awk '{print $4}' | grep -qE ":$((base / 100))[0-9]{2}\$"; then
            echo "$base"; return 0
        fi
    done
    fail "no free port block found"
}

# start_cluster NODES [FLAG...]: `zrun cluster` with NODES nodes on a free port block, in the
# background; sets base (udp of the gateway; node i uses base + 10 i), url (the gateway) and cluster_pid.
start_cluster() {
    base=$(free_base_port)
    url="http://127.0.0.1:$((base + 99))"
    "$ZRUN" cluster --nodes "$1" --base-port "$base" --http-port "$((base + 99))" --log-dir "$WORK/logs" \
        "${@:2}" >"$WORK/cluster.out" 2>&1 &
    cluster_pid=$!
    PIDS+=("$cluster_pid")
}

# has_leader: the gateway at $url knows a leader.
has_leader() { curl -s -m 2 "$url/cluster" | grep -q LEADER; }

# wait_for SECONDS DESCRIPTION COMMAND...: polls COMMAND until it succeeds or the deadline passes.
wait_for() {
    local seconds=$1 what=$2; shift 2
    local deadline=$(( $(date +%s) + seconds ))
    until "$@"; do
        [ "$(date +%s)" -lt "$deadline" ] || fail "timed out after ${seconds}s waiting for $what"
        sleep 0.1
    done
}

# java_answer N: a distinct class whose run() returns "answer N".
java_answer() {
    printf 'public class Answer%d {\n    public String run() { return "answer %d"; }\n}\n' "$1" "$1"
}

post_java() {   # post_java URL FILE: prints the body, returns curl's status
    curl -s -m 120 -H 'Content-Type: text/x-java-source' --data-binary "@$2" "$1/compileandrun"
}
