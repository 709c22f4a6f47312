#!/usr/bin/env bash
# baseline_javac: what Judge0 and Piston do per request: a fresh `javac` and a fresh `java`
# for each submitted class. Usage: baseline_javac.sh REQUESTS CONCURRENCY; prints one line.
set -euo pipefail
requests=${1:-20} concurrency=${2:-1}
work=$(mktemp -d /tmp/zrun-baseline-XXXXXX)
trap 'rm -rf "$work"' EXIT

one_request() {   # one_request I: compile and run class I in its own directory; prints its ms
    local i=$1 dir="$work/$1"
    mkdir -p "$dir"
    printf 'public class Bench%d {\n    public String run() { return "bench %d"; }\n}\n' "$i" "$i" >"$dir/Bench$i.java"
    printf 'public class Main { public static void main(String[] a) { System.out.print(new Bench%d().run()); } }\n' "$i" >"$dir/Main.java"
    local start end out
    start=$(date +%s%N)
    javac -d "$dir" "$dir/Bench$i.java" "$dir/Main.java"
    out=$(java -cp "$dir" Main)
    end=$(date +%s%N)
    [ "$out" = "bench $i" ] || { echo "baseline: wrong output for $i: $out" >&2; exit 1; }
    echo $(( (end - start) / 1000 ))
}
export -f one_request
export work
start=$(date +%s%N)
seq 1 "$requests" | xargs -P "$concurrency" -I{} bash -c 'one_request {}' >"$work/latencies"
end=$(date +%s%N)
sort -n "$work/latencies" >"$work/sorted"
count=$(wc -l <"$work/sorted")
p50=$(sed -n "$(( count / 2 + 1 ))p" "$work/sorted")
p99=$(sed -n "$(( count * 99 / 100 + 1 ))p" "$work/sorted")
awk -v n="$count" -v c="$concurrency" -v s="$(( (end - start) / 1000 ))" -v p50="$p50" -v p99="$p99" 'BEGIN {
    printf "%-34s c=%-3d n=%-5d %9.1f req/s   p50 %8.2f ms   p99 %8.2f ms   errors 0\n",
           "baseline javac+java per request", c, n, n / (s / 1e6), p50 / 1000, p99 / 1000 }'
