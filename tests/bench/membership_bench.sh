#!/usr/bin/env bash
# tests/bench/membership_bench.sh: the membership figures of issue 8, measured in one run on this
# machine, the current build beside a baseline build (today's detector before suspicion, local
# health and incarnations: aa8077a^) where it applies:
#   a. crash detection: kill -9 of a follower to the first "SERVER FAILED" line about it (lines
#      time-stamped as they reach the cluster's stdout), idle and with 8 clients; fresh 7-node
#      clusters for both builds (the baseline can't rejoin), 3 followers killed per cluster;
#   b. busy is not dead: two CPU burners and 16 clients for 150 s, nothing killed: false
#      verdicts (SERVER FAILED lines, rejoins) and wrong answers;
#   c. leader kill -9 with 8 clients: the kill to the first answer to a request sent after it,
#      and the longest any client waited once the JVMs were warm (the load's first 16 answers);
#      3 leaders killed per cluster;
#   d. (current only) a killed follower started again with its own command line (from
#      /proc/PID/cmdline): until /cluster lists it, until the leader counts work it completed.
# Prints figures; it is not a pass/fail test. Other engineers' tests may share the machine: the
# load average is printed at every step.
# Usage: tests/bench/membership_bench.sh ZRUN [BASELINE_ZRUN]
# Knobs (environment): KILLS (detection kills per mode, 20), BUSY_S (150), LEADER_CLUSTERS (2),
# RESTARTS (5), NODES (7), SECTIONS (which of a b c d to run; all of them).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
zrun=$(realpath "${1:?usage: membership_bench.sh ZRUN [BASELINE_ZRUN]}")
baseline=${2:+$(realpath "$2")}
kills=${KILLS:-20} busy_s=${BUSY_S:-150} leader_clusters=${LEADER_CLUSTERS:-2} restarts=${RESTARTS:-5}
nodes=${NODES:-7} sections=${SECTIONS:-a b c d}
ZRUN=$zrun
source "$here/../system/lib.sh" "$zrun"
source "$here/bench_lib.sh"
root=$WORK
# on any exit, background clients stop after their current request before lib.sh's cleanup
trap 'status=$?; set +e; for d in "$root"/*/load-*/; do touch "$d/stop"; done 2>/dev/null; (exit $status); cleanup' EXIT
builds=(current); [ -n "$baseline" ] && builds+=(baseline)
declare -A binary=([current]=$zrun [baseline]=$baseline)

want() { [[ " $sections " == *" $1 "* ]]; }
load_avg() { cut -d' ' -f1-3 /proc/loadavg; }
seconds() { awk '{ if ($1 == "-") print "-"; else printf "%.2f s", $1 / 1000 }'; }

# time_stamp_lines SRC DST: copies each line of SRC, as it is written, to DST after the
# wall-clock ms at which it was read (polled every 2 ms).
time_stamp_lines() {
    python3 -u -c '
import os, sys, time
src, dst = sys.argv[1:3]
while not os.path.exists(src):
    time.sleep(0.002)
with open(src, "rb") as f, open(dst, "w") as out:
    pending = b""
    while True:
        chunk = f.read()
        if not chunk:
            time.sleep(0.002)
            continue
        stamp = int(time.time() * 1000)
        *lines, pending = (pending + chunk).split(b"\n")
        for line in lines:
            out.write("%d %s\n" % (stamp, line.decode(errors="replace")))
        out.flush()
' "$1" "$2" &
    PIDS+=("$!")
    stamper_pid=$!
}

# up BUILD TAG: a fresh cluster of BUILD in $root/TAG ($WORK while it runs), its stdout time-stamped;
# returns once the gateway lists a leader and every node.
up() {
    WORK=$root/$2
    mkdir -p "$WORK"
    ZRUN=${binary[$1]}
    start_cluster "$nodes" --log-level warn
    time_stamp_lines "$WORK/cluster.out" "$WORK/cluster.stamped"
    wait_for 90 "a leader and $nodes listed nodes ($1, $2)" all_listed
}
down() {   # stops the cluster of $WORK and its stamper, waits for them to exit
    kill -TERM "$cluster_pid" "$stamper_pid" 2>/dev/null || true
    local deadline=$(( $(date +%s) + 20 ))
    while kill -0 "$cluster_pid" 2>/dev/null && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.1; done
    kill -KILL "$cluster_pid" 2>/dev/null || true
    wait "$cluster_pid" "$stamper_pid" 2>/dev/null || true
    gone() { ! pgrep -f "zrun (node|gateway) --config $WORK/logs/cluster.zpl " >/dev/null; }
    wait_for 20 "the nodes of $WORK to exit" gone
}
members() { curl -s -m 1 "$url/cluster"; }
all_listed() { [ "$(members | grep -cE '^[0-9]+ (LEADER|FOLLOWER)$')" -eq "$nodes" ] && members | grep -q ' LEADER$'; }
leader() { members | awk '$2 == "LEADER" {print $1}'; }
followers() { members | awk '$2 == "FOLLOWER" {print $1}'; }
absent() { ! members | grep -q "^$1 "; }
listed() { members | grep -qx "$1 FOLLOWER"; }
pid_of() { pgrep -f "zrun node --config $WORK/logs/cluster.zpl --id $1\$" | head -n 1; }
# verdict_after ID MS: the stamp of the first SERVER FAILED line about ID read at or after MS
verdict_after() { awk -v id="$1" -v t="$2" '$1 >= t && $0 ~ (": no heartbeat from server " id " - SERVER FAILED$") {print $1; exit}' "$WORK/cluster.stamped" 2>/dev/null; }
has_verdict() { [ -n "$(verdict_after "$1" "$2")" ]; }
warm() { wait_for 120 "the load's first answers" load_answered "$1" "$2"; }

echo "== membership benchmark: current $("$zrun" version 2>/dev/null | head -n 1)${baseline:+, baseline $("$baseline" version 2>/dev/null | head -n 1)}"
echo "== machine: $(nproc) cores, load average $(load_avg); other engineers' tests and clusters may run beside this one"
# a. crash detection: 3 followers of each fresh cluster killed one after another
clusters_a=$(( (kills + 2) / 3 ))
echo "== $nodes-node clusters, --log-level warn; $(( clusters_a * 3 )) kills per detection figure (3 per fresh cluster)"

want a && for mode in idle load; do
    for round in $(seq 1 "$clusters_a"); do
        for build in "${builds[@]}"; do
            up "$build" "a-$mode-$build-$round"
            if [ "$mode" = load ]; then
                load_for 600 8 a &
                loader=$!
                warm a 16
            fi
            for victim in $(followers | head -n 3); do
                pid=$(pid_of "$victim")
                t0=$(now_ms)
                kill -9 "$pid"
                wait_for 30 "a verdict about node $victim" has_verdict "$victim" "$t0"
                echo $(( $(verdict_after "$victim" "$t0") - t0 )) >>"$root/a-$mode-$build.ms"
                wait_for 30 "node $victim to leave /cluster" absent "$victim"
            done
            if [ "$mode" = load ]; then
                load_stop a
                wait "$loader"
                read -r ok wrong _ <"$WORK/a.load"
                echo "$ok $wrong" >>"$root/a-$mode-$build.answers"
            fi
            down
        done
        echo "   a. $mode round $round/$clusters_a done (load average $(load_avg))"
    done
done

# b. busy is not dead: burners and 16 clients, nothing killed
want b && for build in "${builds[@]}"; do
    up "$build" "b-$build"
    load_for 600 8 warm &
    loader=$!
    warm warm 16
    load_stop warm
    wait "$loader"
    read -r failed rejoins < <(verdicts)
    echo "$failed $rejoins" >"$root/b-$build.before"
    burners=${#PIDS[@]}
    start_burners 2
    echo "   b. $build: two burners and 16 clients for ${busy_s} s (load average $(load_avg))"
    load_for "$busy_s" 16 busy
    for pid in "${PIDS[@]:$burners}"; do kill "$pid" 2>/dev/null || true; done
    read -r failed rejoins < <(verdicts)
    read -r ok wrong longest <"$WORK/busy.load"
    echo "$failed $rejoins $ok $wrong $longest $(grep 'SERVER FAILED$' "$WORK/cluster.out" | awk '{print $6}' | sort -u | wc -l)" >"$root/b-$build.result"
    echo "   b. $build: $failed SERVER FAILED lines, $rejoins rejoins (before the burners: $(cat "$root/b-$build.before")), $ok right, $wrong wrong (load average $(load_avg))"
    down
done

# c. leader kill -9 with 8 clients: 3 leaders of each fresh cluster killed one after another
probe=0
want c && for round in $(seq 1 "$leader_clusters"); do
    for build in "${builds[@]}"; do
        up "$build" "c-$build-$round"
        load_for 600 8 c &
        loader=$!
        warm c 16
        warmed=$(now_ms)   # the JVMs' first answers (seconds, cold) are not fail-over waits
        for _ in 1 2 3; do
            old=$(leader)
            probe=$((probe + 1))
            java_answer "$((900000 + probe))" >"$WORK/probe-$probe.java"
            t0=$(now_ms)
            kill -9 "$(pid_of "$old")"
            answer=$(post_java "$url" "$WORK/probe-$probe.java" || true)
            echo $(( $(now_ms) - t0 )) >>"$root/c-$build.ms"
            [ "$answer" = "answer $((900000 + probe))" ] || echo "probe $probe: '$answer'" >>"$root/c-$build.wrong"
            new_leader() { local l; l=$(leader); [ -n "$l" ] && [ "$l" != "$old" ]; }
            wait_for 60 "a leader other than $old" new_leader
            warm c $(( $(load_answered_count c) + 8 ))
        done
        load_stop c
        wait "$loader"
        read -r ok wrong longest <"$WORK/c.load"
        after=$(cat "$WORK/load-c"/times-* | awk -v t="$warmed" '$1 >= t && $2 > m {m = $2} END {print m + 0}')
        echo "$ok $wrong $after" >>"$root/c-$build.load"
        down
        echo "   c. $build round $round/$leader_clusters done (load average $(load_avg))"
    done
done

# d. restart to rejoined (current only): each follower killed and started again with its own
# command line, 8 clients throughout
d_ok=- d_wrong=-
if want d; then
up current d
restarted=()
load_for 900 8 d &
loader=$!
warm d 16
completed_by() {   # the leader's count of results from worker $1
    curl -s -m 1 "http://127.0.0.1:$((base + 10 * $(leader) + 3))/metrics" |
        awk -v w="zrun_leader_completed_total{worker=\"$1\"}" '$1 == w {print $2}'
}
did_work() { local n; n=$(completed_by "$1"); [ "${n:-0}" -gt "$2" ] 2>/dev/null; }
for i in $(seq 1 "$restarts"); do
    victim=$(followers | sed -n "$(( (i - 1) % (nodes - 1) + 1 ))p")
    pid=$(pid_of "$victim")
    mapfile -d '' command </proc/"$pid"/cmdline
    exe=$(readlink /proc/"$pid"/exe)
    dir=$(readlink /proc/"$pid"/cwd)
    kill -9 "$pid"
    wait_for 30 "node $victim to leave /cluster" absent "$victim"
    before=$(completed_by "$victim"); before=${before:-0}
    t0=$(now_ms)
    (cd "$dir" && exec "$exe" "${command[@]:1}") >>"$WORK/restarted.out" 2>&1 &
    PIDS+=("$!")
    restarted+=("$!")
    wait_for 60 "node $victim to be listed again" listed "$victim"
    echo $(( $(now_ms) - t0 )) >>"$root/d-listed.ms"
    wait_for 120 "node $victim to complete work again" did_work "$victim" "$before"
    echo $(( $(now_ms) - t0 )) >>"$root/d-work.ms"
done
load_stop d
wait "$loader"
read -r d_ok d_wrong _ <"$WORK/d.load"
kill -TERM "${restarted[@]}" 2>/dev/null || true   # zrun cluster stops only the nodes it started
down
fi
WORK=$root
echo "== done (load average $(load_avg))"

# The table
cell() { [ -s "$1" ] && echo "$(percentile 50 <"$1" | seconds) / $(percentile 99 <"$1" | seconds)" || echo "n/a"; }
ratio() { [ -s "$1" ] && [ -s "$2" ] && awk -v a="$(percentile 50 <"$1")" -v b="$(percentile 50 <"$2")" 'BEGIN {printf "%.2fx", a / b}' || echo ""; }
answers() { [ -s "$1" ] && awk '{ok += $1; wrong += $2} END {printf "%d right, %d wrong", ok, wrong}' "$1" || echo "n/a"; }
bcell() { [ -s "$root/b-$1.result" ] && awk '{printf "%d lines (%d nodes), %d rejoins", $1, $6, $2}' "$root/b-$1.result" || echo "n/a"; }
banswers() { [ -s "$root/b-$1.result" ] && awk '{printf "%d right, %d wrong, longest %.1f s", $3, $4, $5 / 1000}' "$root/b-$1.result" || echo "n/a"; }
longest() { [ -s "$1" ] && awk '{if ($3 > m) m = $3; ok += $1; wrong += $2} END {printf "%.2f s (%d right, %d wrong)", m / 1000, ok, wrong}' "$1" || echo "n/a"; }
probes_wrong() { [ -s "$1" ] && wc -l <"$1" || echo 0; }
n_of() { [ -s "$1" ] && wc -l <"$1" || echo 0; }
printf '\n| measured in this run (p50 / p99, nearest rank) | current | baseline (aa8077a^) | current / baseline |\n|---|---|---|---|\n'
for mode in idle load; do
    what="crash detection, $mode"; [ "$mode" = load ] && what="crash detection, 8 clients"
    printf '| %s: kill -9 of a follower to the first SERVER FAILED (%s kills) | %s | %s | %s |\n' "$what" \
        "$(n_of "$root/a-$mode-current.ms")" "$(cell "$root/a-$mode-current.ms")" "$(cell "$root/a-$mode-baseline.ms")" \
        "$(ratio "$root/a-$mode-current.ms" "$root/a-$mode-baseline.ms")"
done
printf '| crash detection, 8 clients: answers during the kills | %s | %s | |\n' \
    "$(answers "$root/a-load-current.answers")" "$(answers "$root/a-load-baseline.answers")"
printf '| busy is not dead (2 burners, 16 clients, %s s, nothing killed): false verdicts | %s | %s | |\n' "$busy_s" "$(bcell current)" "$(bcell baseline)"
printf '| busy is not dead: answers | %s | %s | |\n' "$(banswers current)" "$(banswers baseline)"
printf '| leader kill -9, 8 clients: kill to the first answer to a request sent after it (%s kills) | %s | %s | %s |\n' \
    "$(n_of "$root/c-current.ms")" "$(cell "$root/c-current.ms")" "$(cell "$root/c-baseline.ms")" "$(ratio "$root/c-current.ms" "$root/c-baseline.ms")"
printf '| leader kill -9, 8 clients: longest any client waited, warm-up excluded (answers) | %s | %s | |\n' \
    "$(longest "$root/c-current.load")" "$(longest "$root/c-baseline.load")"
printf '| leader kill -9: probe requests answered wrongly | %s | %s | |\n' "$(probes_wrong "$root/c-current.wrong")" "$(probes_wrong "$root/c-baseline.wrong")"
printf '| restart of a killed follower to listed in /cluster again (%s restarts, 8 clients) | %s | n/a (cannot rejoin) | |\n' \
    "$(n_of "$root/d-listed.ms")" "$(cell "$root/d-listed.ms")"
printf '| restart of a killed follower to work completed (leader'"'"'s zrun_leader_completed_total up) | %s | n/a | |\n' "$(cell "$root/d-work.ms")"
printf '| restarts: answers during them | %s right, %s wrong | | |\n' "$d_ok" "$d_wrong"
echo
echo "raw samples (ms):"
for f in "$root"/a-*.ms "$root"/c-*.ms "$root"/d-*.ms; do
    if [ -s "$f" ]; then echo "  $(basename "$f" .ms): $(tr '\n' ' ' <"$f")"; fi
done
