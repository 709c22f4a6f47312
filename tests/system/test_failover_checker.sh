#!/usr/bin/env bash
# test_failover_checker: the fail-over checker (tests/bench/failover_checker.py) for one cycle of each
# fault kind (kill -9 and SIGSTOP of the leader and of a follower) under 8 clients: no request lost
# or answered wrongly, and no job run again on a worker that survived.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

checker="$(cd "$(dirname "$0")/../bench" && pwd)/failover_checker.py"
python3 "$checker" "$ZRUN" --cycles 4 --clients 8 --nodes 5 --base-port "$(free_base_port)" \
    --work "$WORK/checker" >"$WORK/checker.out" 2>&1 &
PIDS+=("$!")
rc=0
wait "$!" || rc=$?
cat "$WORK/checker.out"
grep -q ' cycle   4: pause follower' "$WORK/checker.out" || fail "the checker did not run its 4 fault cycles"
[ "$rc" -eq 0 ] || fail "the checker found lost, wrong or repeated runs on surviving workers (exit $rc; records, faults and evidence in $WORK/checker)"
echo "test_failover_checker: passed"
