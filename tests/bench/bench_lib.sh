# bench_lib.sh: the benchmarks' shared helpers for reading figures (sourced after system/lib.sh).
# p50_of / rate_of read `zrun bench` lines; percentile P reads numbers on stdin (nearest rank, "-" if none).
p50_of() { awk '{for (i = 1; i <= NF; i++) if ($i == "p50") print $(i + 1)}' <<<"$1"; }
rate_of() { awk '{for (i = 1; i <= NF; i++) if ($i == "req/s") print $(i - 1)}' <<<"$1"; }
now_ms() { echo $(( ${EPOCHREALTIME/./} / 1000 )); }
percentile() { sort -n | awk -v p="$1" '{v[NR] = $1} END {if (!NR) {print "-"; exit} r = int((p * NR + 99) / 100); print v[r < 1 ? 1 : r]}'; }
