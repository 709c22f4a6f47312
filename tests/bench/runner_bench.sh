#!/usr/bin/env bash
# runner_bench.sh: builds tests/bench/runner_bench.c against <build>/libzrun_core.a and runs it.
# Usage: tests/bench/runner_bench.sh [BUILD_DIR] [WARM_UP_JOBS] [MEASURED_JOBS] [throughput]
# (prints figures; "throughput" skips the latency and RSS part)
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${1:-$repo/build}
deps=$repo/.deps/libzmq
out=$build/runner_bench
gcc -std=gnu11 -O2 -I"$repo" -I"$deps/include" -DZMQ_BUILD_DRAFT_API "$repo/tests/bench/runner_bench.c" \
    -o "$out" "$build/libzrun_core.a" -Wl,--disable-new-dtags,-rpath,"$deps/lib" "$deps/lib/libzmq.so" \
    $(pkg-config --libs libczmq libmicrohttpd libcurl jansson) -lpthread
"$out" "${2:-300}" "${3:-200}" ${4:+"$4"}
