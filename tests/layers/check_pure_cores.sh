#!/usr/bin/env bash
# check_pure_cores: the pure cores make no socket, thread or clock call. czmq brings those symbols
# along with its containers, so the undefined symbols of each core's object are checked instead.
# Usage: check_pure_cores.sh ROOM=ARCHIVE... -- ROOM:CORE...
set -euo pipefail
declare -A archive
while [ "$1" != "--" ]; do archive[${1%%=*}]=${1#*=}; shift; done
shift
forbidden='^(zsock_|zmq_|zactor_|zpoller_|zclock_|zsys_|pthread_|clock_gettime$|gettimeofday$|time$|sleep$|usleep$|nanosleep$|socket$|poll$|epoll_|select$)'
bad=0
for core in "$@"; do
    room=${core%%:*} name=${core#*:}
    ar t "${archive[$room]}" | grep -qx "$name.c.o" || { echo "no object $name.c.o in ${archive[$room]}"; bad=1; continue; }
    symbols=$(nm -u -A "${archive[$room]}" | awk -v member="$name.c.o" '{split($1, at, ":"); if (at[2] == member) print $NF}')
    calls=$(grep -E "$forbidden" <<<"$symbols" | tr '\n' ' ' || true)
    if [ -n "$calls" ]; then echo "impure core $room/$name calls: $calls"; bad=1; fi
done
[ "$bad" -eq 0 ] || exit 1
echo "check_pure_cores: $# cores make no socket, thread or clock call"
