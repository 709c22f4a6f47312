#!/usr/bin/env bash
# Shows why tools/libzmq-4.3.4-udp-hardening.patch exists: builds Debian's libzmq without it
# and runs test_udp_hostile against that build, which must die (SIGABRT) on the first datagram.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
stock=${ZRUN_STOCK_DIR:-/tmp/zrun-stock-libzmq}
cd "$repo"
ZRUN_LIBZMQ_UNPATCHED=1 ZRUN_DEPS_DIR="$stock" tools/setup.sh
cmake -S . -B "$stock/build" -DZRUN_LIBZMQ_PREFIX="$stock/libzmq" >/dev/null
cmake --build "$stock/build" -j "$(nproc)" --target test_udp_hostile >/dev/null
set +e
"$stock/build/tests/test_udp_hostile"
status=$?
set -e
if [ "$status" -ge 128 ]; then
    echo "stock libzmq: test_udp_hostile was killed by signal $((status - 128)) - the hole is real"
    exit 0
fi
echo "stock libzmq: test_udp_hostile exited $status - expected a crash" >&2
exit 1
