# lib.sh: helpers shared by the system tests (sourced, not run): free ports, waiting for a
# condition with a deadline, Java sources, and cleanup of every process a test started.

ZRUN=${ZRUN:-$1}
WORK=$(mktemp -d /tmp/zrun-system-XXXXXX)
PIDS=()

cleanup() {
    local status=$?
    for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do
        for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
        kill -KILL "$pid" 2>/dev/null || true
    done
    if [ -n "${KEEP_WORK:-}" ] || [ "$status" -ne 0 ]; then
        echo "kept for inspection: $WORK (logs in $WORK/logs)" >&2
    else
        rm -rf "$WORK"
    fi
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

# start_cluster NODES [OPTION...]: `zrun cluster` with NODES nodes on a free port block, in the
# background (the options go to zrun cluster, e.g. --log-level debug or --insecure); sets base
# (udp of the gateway; node i uses base + 10 i), url (the gateway) and cluster_pid.
start_cluster() {
    base=$(free_base_port)
    url="http://127.0.0.1:$((base + 99))"
    "$ZRUN" cluster --nodes "$1" --base-port "$base" --http-port "$((base + 99))" --log-dir "$WORK/logs" \
        "${@:2}" >"$WORK/cluster.out" 2>&1 &
    cluster_pid=$!
    PIDS+=("$cluster_pid")
}

# metrics_of ID: node ID's /metrics (a cluster from start_cluster); sum_metric NAME ID...: that
# metric (a full sample name, or every label set of a bare name) summed over the nodes.
metrics_of() { curl -s -m 1 "http://127.0.0.1:$((base + 10 * $1 + 3))/metrics"; }
sum_metric() {
    local name=$1 total=0 n; shift
    for id in "$@"; do
        n=$(metrics_of "$id" | awk -v m="$name" '$1 == m || index($1, m "{") == 1 { s += $2 } END { print s + 0 }')
        total=$((total + ${n%.*}))
    done
    echo "$total"
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

# post_java_traced URL FILE OUT: the body into OUT, the response headers into OUT.headers;
# prints "<http status> <curl exit code>" (000 and a non-zero code when no response came).
post_java_traced() {
    local code rc=0
    code=$(curl -s -m 120 -o "$3" -D "$3.headers" -w '%{http_code}' \
        -H 'Content-Type: text/x-java-source' --data-binary "@$2" "$1/compileandrun") || rc=$?
    echo "${code:-000} $rc"
}

# load_record_wrong ID BODY "HTTP CURL_EXIT" START_NS MS OUT: one line for a wrong answer, with
# what curl saw (http 000 and a non-zero exit when no response came) and when it was sent.
load_record_wrong() {
    local request_id sent
    request_id=$(tr -d '\r' <"$6.headers" 2>/dev/null | awk -F': ' 'tolower($1) == "x-request-id" {print $2}')
    sent=$(date -d "@$(( $4 / 1000000000 ))" +%T).$(printf '%03d' $(( $4 / 1000000 % 1000 )))
    echo "$1: $2 (http ${3% *}, curl exit ${3#* }, X-Request-Id ${request_id:-none}, sent $sent, took $5 ms)"
}

# load_for SECONDS CLIENTS NAME: CLIENTS concurrent clients send distinct requests to $url for
# SECONDS, each answer checked; writes "<ok> <wrong> <longest ms>" to $WORK/NAME.load. A client
# stops early, after its current request, once $WORK/load-NAME/stop exists (load_stop NAME).
load_for() {
    local seconds=$1 clients=$2 name=$3
    mkdir -p "$WORK/load-$name"
    rm -f "$WORK/load-$name/stop"
    local clients_pids=()
    for client in $(seq 1 "$clients"); do
        (
            local ok=0 wrong=0 longest=0 n=0 until=$(( $(date +%s) + seconds ))
            while [ "$(date +%s)" -lt "$until" ] && [ ! -e "$WORK/load-$name/stop" ]; do
                n=$((n + 1))
                local id="${client}0${n}" file="$WORK/load-$name/$client-$n.java"
                java_answer "$id" >"$file"
                local start; start=$(date +%s%N)
                local out="$WORK/load-$name/$client-$n.out" status body
                status=$(post_java_traced "$url" "$file" "$out")
                body=$(cat "$out" 2>/dev/null || true)
                local took=$(( ($(date +%s%N) - start) / 1000000 ))
                [ "$took" -gt "$longest" ] && longest=$took
                echo "$(( start / 1000000 )) $took" >>"$WORK/load-$name/times-$client"
                if [ "$body" = "answer $id" ]; then
                    ok=$((ok + 1))
                else
                    wrong=$((wrong + 1))
                    load_record_wrong "$id" "$body" "$status" "$start" "$took" "$out" >>"$WORK/load-$name/wrong"
                fi
            done
            echo "$ok $wrong $longest" >"$WORK/load-$name/client-$client"
        ) &
        clients_pids+=("$!")
    done
    wait "${clients_pids[@]}"   # only the clients: the cluster runs in the background too
    awk '{ ok += $1; wrong += $2; if ($3 > longest) longest = $3 } END { print ok, wrong, longest }' \
        "$WORK/load-$name"/client-* >"$WORK/$name.load"
}

load_stop() { touch "$WORK/load-$1/stop"; }   # load_stop NAME: ends load_for NAME early

# load_answered_count NAME: how many requests of load_for NAME have been answered so far;
# load_answered NAME N: at least N.
load_answered_count() { grep -sl '^answer ' "$WORK/load-$1"/*.out | wc -l; }
load_answered() { [ "$(load_answered_count "$1")" -ge "$2" ]; }

# start_burners N: N processes that burn a core each (yes > /dev/null) until the test ends.
start_burners() {
    for _ in $(seq 1 "$1"); do
        yes >/dev/null &
        PIDS+=("$!")
    done
}

# verdicts: "<SERVER FAILED lines> <rejoins>" the cluster of $WORK has printed and logged so far.
verdicts() {
    local failed rejoins
    failed=$(grep -c 'SERVER FAILED$' "$WORK/cluster.out" 2>/dev/null) || true
    rejoins=$(cat "$WORK"/logs/node-*-summary.log 2>/dev/null | grep -c ': rejoining as incarnation ') || true
    echo "${failed:-0} ${rejoins:-0}"
}
