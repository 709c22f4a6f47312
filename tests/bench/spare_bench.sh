#!/usr/bin/env bash
# tests/bench/spare_bench.sh: what a warm spare JVM buys, measured in one run on this machine. Two
# zrun serve with one JVM each, one with a spare (--spare-jvms 1) and one without, warmed alike;
# the spare warms on idle CPU and goes on warming there after it is ready; then, KILLS times,
# a job that exhausts its heap (the JVM ends: "memory limit") followed at once
# by a distinct normal job, timed; beside it each server's warm p50 (distinct sources, c=1) and
# its JVM start-to-ready times (warm-up included) from its runner log. Prints figures only.
# Usage: tests/bench/spare_bench.sh [build/zrun] [KILLS]   (default 8)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
zrun=${1:-$here/../../build/zrun}
kills=${2:-8}
ZRUN=$zrun
source "$here/../system/lib.sh" "$zrun"
source "$here/bench_lib.sh"

cat >"$WORK/Hog.java" <<'EOF'
public class Hog {
    public String run() {
        java.util.List<long[]> all = new java.util.ArrayList<>();
        while (true) all.add(new long[1 << 20]);
    }
}
EOF

echo "== machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); $kills kills per server"
declare -A url
for spare in 0 1; do
    "$zrun" serve --port 0 --bind 127.0.0.1 --jvms 1 --spare-jvms "$spare" --log-dir "$WORK/logs-$spare" \
        --log-level info >"$WORK/serve-$spare.out" 2>&1 &
    PIDS+=("$!")
    listening() { grep -q 'listening on http://' "$WORK/serve-$1.out"; }
    wait_for 60 "zrun serve (spare $spare) to listen" listening "$spare"
    url[$spare]=$(grep -o 'http://[0-9.]*:[0-9]*' "$WORK/serve-$spare.out" | head -n 1)
done
for spare in 0 1; do
    "$zrun" bench --url "${url[$spare]}" --concurrency 1 --requests 400 --warmup 0 --label warm-up >/dev/null
done
# a spare goes on warming on idle CPU after it is ready (1500 more jobs, "idle warm-up done")
idle_warmed() { [ "$(cat "$WORK"/logs-1/node-0-runner-jvm*.log | grep -c 'idle warm-up done')" -ge "$1" ]; }
wait_for 300 "the spare's idle warm-up" idle_warmed 1
# timed_job URL N FILE: one distinct job, timed by curl itself (curl's own start-up, 10-30 ms here,
# is not the server's), its milliseconds appended to FILE
timed_job() {
    java_answer "$2" >"$WORK/job.java"
    local out
    out=$(curl -s -m 120 -H 'Content-Type: text/x-java-source' --data-binary "@$WORK/job.java" \
               -w '\n%{time_total}' "$1/compileandrun" || true)
    [ "$(head -n -1 <<<"$out")" = "answer $2" ] || echo "job $2 was answered '$(head -n -1 <<<"$out")'" >&2
    awk -v s="$(tail -n 1 <<<"$out")" 'BEGIN { printf "%.1f\n", s * 1000 }' >>"$3"
}

declare -A warm_p50
for spare in 0 1; do
    warm_p50[$spare]=$(p50_of "$("$zrun" bench --url "${url[$spare]}" --concurrency 1 --requests 200 --warmup 10 --label warm)")
    for n in $(seq 1 30); do   # the same, one curl each (a new connection per job, as below)
        timed_job "${url[$spare]}" "$((9000 + n))" "$WORK/warm-curl-$spare.ms"
    done
done

for round in $(seq 1 "$kills"); do
    for spare in 0 1; do
        # the reference: a job on the working JVM, timed the same way, after the same kind of pause
        timed_job "${url[$spare]}" "$((round * 100 + spare))" "$WORK/ref-$spare.ms"
        hog=$(post_java "${url[$spare]}" "$WORK/Hog.java" || true)
        case "$hog" in *"emory"*) ;; *) echo "round $round, spare $spare: the hog was answered '$hog'" >&2 ;; esac
        timed_job "${url[$spare]}" "$((round * 100 + 10 + spare))" "$WORK/next-$spare.ms"
        # the spare's replacement warms in the background: the next round starts once it is ready
        refilled() { [ "$(grep -c 'ready after' "$WORK/logs-$1/node-0-runner.log")" -ge $(( round + 1 + $1 )) ]; }
        wait_for 120 "the replacement JVM (spare $spare) to be warm" refilled "$spare"
        [ "$spare" = 0 ] || wait_for 300 "the new spare's idle warm-up" idle_warmed $(( round + 1 ))
    done
done

printf '\n| one JVM per server, %s kills by heap exhaustion | no spare | one spare |\n|---|---|---|\n' "$kills"
printf '| warm p50, distinct sources, c=1 | %s ms | %s ms |\n' "${warm_p50[0]}" "${warm_p50[1]}"
for p in 50 100; do
    printf '| the next job after a kill, %s | %s ms | %s ms |\n' "$([ "$p" = 100 ] && echo max || echo p50)" \
        "$(percentile "$p" <"$WORK/next-0.ms")" "$(percentile "$p" <"$WORK/next-1.ms")"
done
awk -v a="$(percentile 50 <"$WORK/next-0.ms")" -v b="$(percentile 50 <"$WORK/next-1.ms")" \
    -v wa="${warm_p50[0]}" -v wb="${warm_p50[1]}" \
    'BEGIN { printf "| the next job after a kill, p50 / warm p50 | %.1fx | %.1fx |\n", a / wa, b / wb }'
for what in warm-curl ref; do
    case $what in
        warm-curl) label="warm p50 timed the same way (30 jobs back to back, one curl each)" ;;
        ref) label="a job on the working JVM before each kill (after seconds idle), p50" ;;
    esac
    printf '| %s | %s ms | %s ms |\n' "$label" "$(percentile 50 <"$WORK/$what-0.ms")" "$(percentile 50 <"$WORK/$what-1.ms")"
    awk -v a="$(percentile 50 <"$WORK/next-0.ms")" -v b="$(percentile 50 <"$WORK/next-1.ms")" \
        -v ra="$(percentile 50 <"$WORK/$what-0.ms")" -v rb="$(percentile 50 <"$WORK/$what-1.ms")" \
        'BEGIN { printf "| the next job after a kill, p50 / that p50 | %.1fx | %.1fx |\n", a / ra, b / rb }'
done
for spare in 0 1; do
    ms=$(grep -o 'ready after [0-9]* ms' "$WORK/logs-$spare/node-0-runner.log" | awk '{print $3}')
    echo "JVM start to ready (warm-up included), server with spare=$spare: p50 $(percentile 50 <<<"$ms") ms, max $(percentile 100 <<<"$ms") ms over $(wc -l <<<"$ms") starts"
done
