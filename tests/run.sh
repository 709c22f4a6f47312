#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, and runs every test twice,
# once plainly and once under AddressSanitizer + UndefinedBehaviorSanitizer. Exit != 0 on failure.
# Options: --quick (skip the sanitizer pass), --valgrind (also run the unit tests under valgrind).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
quick=0 valgrind=0
for arg in "$@"; do
    case "$arg" in
        --quick) quick=1 ;;
        --valgrind) valgrind=1 ;;
        -h|--help) sed -n '2,4p' "$0"; exit 0 ;;
        *) echo "tests/run.sh: unknown option '$arg'" >&2; exit 2 ;;
    esac
done

tools/setup.sh

build() {   # build DIR [cmake options...]
    local dir=$1; shift
    cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
    cmake --build "$dir" -j "$(nproc)" -- --no-print-directory | grep -vE '^\[|^Consolidate' || true
    [ -x "$dir/zrun" ] || { echo "tests/run.sh: build in $dir failed" >&2; exit 1; }
}

echo "== build (build/)"
build build
echo "== tests"
(cd build && ctest -j "$(nproc)" --output-on-failure --timeout 600)

if [ "$quick" -eq 0 ]; then
    echo "== build with ASan+UBSan (build-asan/)"
    build build-asan -DZRUN_SANITIZE=ON
    echo "== tests under ASan+UBSan (unit tests and the system tests labelled sanitized)"
    (cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
        UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        ctest -j "$(nproc)" -L sanitized --output-on-failure --timeout 900)
fi

if [ "$valgrind" -eq 1 ]; then
    echo "== unit tests under valgrind"
    for t in build/tests/test_*; do
        [ -x "$t" ] || continue
        ZRUN_TEST_UNDER_VALGRIND=1 valgrind --quiet --error-exitcode=99 --leak-check=full \
            --errors-for-leak-kinds=definite "$t" >/dev/null
        echo "valgrind clean: $(basename "$t")"
    done
fi
echo "tests/run.sh: all tests passed"
