#!/usr/bin/env bash
# tests/bench/jvm_flags_bench.sh: the runner JVM's flags chosen by measurement. For each candidate
# set (added to the runner's own through ZRUN_RUNNER_JVM_FLAGS) a fresh zrun serve with one JVM
# and no spare: start to ready (the JVM's boot, class loading and its warm-up until fast), the
# warm-up's own share as the runner logged it, then the steady per-job time (distinct sources,
# c=1, after 300 warm-up jobs) and the JVM's RSS. One run, candidates one after another.
# Usage: tests/bench/jvm_flags_bench.sh [build/zrun] [ROUNDS]   (ROUNDS of all candidates, default 2)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
zrun=${1:-$here/../../build/zrun}
rounds=${2:-2}
ZRUN=$zrun
source "$here/../system/lib.sh" "$zrun"
source "$here/bench_lib.sh"
java_home=$(java -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.home/ {print $2}')

labels=("as built (SerialGC, C1 only, the runner's class-data archive)"
        "without the runner's archive (the JDK's only)"
        "no class-data sharing at all"
        "tiered, C2 too (-XX:TieredStopAtLevel=4; c1_only = 0)"
        "ParallelGC"
        "code cache 48 MB, 2 compiler threads"
        "transparent huge pages (-XX:+UseTransparentHugePages)")
flags=(""
       "-XX:SharedArchiveFile=$java_home/lib/server/classes.jsa"
       "-Xshare:off"
       "-XX:TieredStopAtLevel=4"
       "-XX:-UseSerialGC -XX:+UseParallelGC"
       "-XX:ReservedCodeCacheSize=48m -XX:CICompilerCount=2"
       "-XX:+UseTransparentHugePages")

echo "== machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); $(java -version 2>&1 | head -n 1); $rounds rounds"
for round in $(seq 1 "$rounds"); do
    for i in "${!labels[@]}"; do
        dir="$WORK/c$i-r$round"
        mkdir -p "$dir"
        start=$(date +%s%N)
        ZRUN_RUNNER_JVM_FLAGS="${flags[$i]}" "$zrun" serve --port 0 --bind 127.0.0.1 --jvms 1 --spare-jvms 0 \
            --log-dir "$dir/logs" --log-level info >"$dir/serve.out" 2>&1 &
        pid=$!
        PIDS+=("$pid")
        listening() { grep -q 'listening on http://' "$1/serve.out"; }
        wait_for 120 "zrun serve (${labels[$i]}) to listen" listening "$dir"
        ready_ms=$(( ($(date +%s%N) - start) / 1000000 ))
        url=$(grep -o 'http://[0-9.]*:[0-9]*' "$dir/serve.out" | head -n 1)
        warm_ms=$(grep -o 'ready after [0-9]* ms' "$dir/logs/node-0-runner.log" | head -n 1 | awk '{print $3}')
        "$zrun" bench --url "$url" --concurrency 1 --requests 300 --warmup 0 --label warm-up >/dev/null
        p50=$(p50_of "$("$zrun" bench --url "$url" --concurrency 1 --requests 200 --warmup 10 --label steady)")
        rss=$(curl -s -m 2 "$url/metrics" | awk '$1 == "zrun_runner_rss_bytes" {printf "%.0f", $2 / 1048576}')
        echo "$i $ready_ms ${warm_ms:--} $p50 ${rss:--}" >>"$WORK/results"
        echo "   round $round: ${labels[$i]}: ready after $ready_ms ms (warm-up ${warm_ms:--} ms), steady p50 $p50 ms, RSS ${rss:--} MB"
        kill "$pid"
        wait "$pid" 2>/dev/null || true
    done
done

printf '\n| candidate (median of %s rounds) | start to ready | of which warm-up | steady p50, distinct, c=1 | JVM RSS |\n|---|---|---|---|---|\n' "$rounds"
for i in "${!labels[@]}"; do
    awk -v i="$i" -v label="${labels[$i]}" '$1 == i {n++; r[n] = $2; w[n] = $3; p[n] = $4; m[n] = $5}
        function median(a, n,    s, j, k, t) { for (j = 1; j <= n; j++) s[j] = a[j]
            for (j = 1; j <= n; j++) for (k = j + 1; k <= n; k++) if (s[k] + 0 < s[j] + 0) { t = s[j]; s[j] = s[k]; s[k] = t }
            return (n % 2) ? s[(n + 1) / 2] : (s[n / 2] + s[n / 2 + 1]) / 2 }
        END { printf "| %s | %d ms | %s ms | %.2f ms | %s MB |\n", label, median(r, n), median(w, n), median(p, n), median(m, n) }' "$WORK/results"
done
