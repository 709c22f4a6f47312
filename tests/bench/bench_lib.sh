# bench_lib.sh: the benchmarks' shared helpers (sourced after system/lib.sh, with $zrun set): reading
# figures, and starting a fresh zrun serve or zrun cluster and stopping it.
# p50_of / rate_of read `zrun bench` lines; percentile P reads numbers on stdin (nearest rank, "-" if none).
p50_of() { awk '{for (i = 1; i <= NF; i++) if ($i == "p50") print $(i + 1)}' <<<"$1"; }
rate_of() { awk '{for (i = 1; i <= NF; i++) if ($i == "req/s") print $(i - 1)}' <<<"$1"; }
now_ms() { echo $(( ${EPOCHREALTIME/./} / 1000 )); }
percentile() { sort -n | awk -v p="$1" '{v[NR] = $1} END {if (!NR) {print "-"; exit} r = int((p * NR + 99) / 100); print v[r < 1 ? 1 : r]}'; }

# stops a process started here and waits until it is gone (its JVMs go with it)
stop() {
    kill -TERM "$1" 2>/dev/null || true
    gone() { ! kill -0 "$1" 2>/dev/null; }
    wait_for 30 "process $1 to end" gone "$1"
}
# bursts_over DIR N: N JVMs (logs in DIR) have ended their warm-up burst on idle CPU after ready
# (1500 jobs, or fewer if a job came first): each system is measured after it, so it does not weigh
# on the measure
bursts_over() { [ "$(cat "$1"/node-*-runner-jvm*.log 2>/dev/null | grep -c 'idle warm-up \(done\|stopped\)')" -ge "$2" ]; }
# start_serve NAME [JVM FLAGS]: a fresh zrun serve (2 JVMs and a spare), logs in $WORK/NAME-logs; waits
# until it listens and its three JVMs have run their warm-up burst; sets serve_url, serve_pid
start_serve() {
    ZRUN_RUNNER_JVM_FLAGS="${2:-}" "$zrun" serve --port 0 --bind 127.0.0.1 --jvms 2 --log-dir "$WORK/$1-logs" \
        --log-level warn >"$WORK/$1.out" 2>&1 &
    serve_pid=$!
    PIDS+=("$serve_pid")
    listening() { grep -q 'listening on http://' "$WORK/$1.out"; }
    wait_for 60 "zrun serve ($1) to listen" listening "$1"
    serve_url=$(grep -o 'http://[0-9.]*:[0-9]*' "$WORK/$1.out" | head -n 1)
    wait_for 300 "the JVMs' warm-up bursts ($1)" bursts_over "$WORK/$1-logs" 3
}
# start_ready_cluster N: a fresh N-node cluster (system/lib.sh's start_cluster: logs in $WORK/logs, wiped
# first, output in $WORK/cluster.out, gateway at $url); waits until it prints ready, not for its JVMs'
# warm-up bursts (bursts_over)
start_ready_cluster() {
    rm -rf "$WORK/logs"
    start_cluster "$1" --log-level warn
    cluster_ready() { grep -q '^cluster: ready after' "$WORK/cluster.out"; }
    wait_for 120 "the cluster to say it is ready" cluster_ready
}
