#!/usr/bin/env bash
# runner_bench.sh: builds tests/bench/runner_bench.c (CMake target runner_bench) and runs it.
# Usage: tests/bench/runner_bench.sh [BUILD_DIR] [WARM_UP_JOBS] [MEASURED_JOBS] [throughput]
# (prints figures; "throughput" skips the latency and RSS part)
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${1:-$repo/build}
cmake --build "$build" --target runner_bench -- --no-print-directory >/dev/null
"$build/tests/runner_bench" "${2:-300}" "${3:-200}" ${4:+"$4"}
