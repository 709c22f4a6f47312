#!/usr/bin/env bash
# failover_checker.sh: runs the fail-over checker (failover_checker.py; --help lists its options)
# against build/zrun, or the zrun named by ZRUN: failover_checker.sh [--cycles N] [--clients C] ...
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
exec python3 "$here/failover_checker.py" "${ZRUN:-$here/../../build/zrun}" "$@"
