#!/usr/bin/env bash
# Benchmark: start-up cost of the sota binary, measured as `sota --help`.
#
# `true` and `/bin/echo` show what spawning any process costs on this machine.
# Target: median <= 15 ms. Uses hyperfine without a shell (-N).
#
# Environment: SOTA (binary), BENCH_RUNS (default 200), BENCH_WARMUP (default 10).
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

runs=${BENCH_RUNS:-200}
warmup=${BENCH_WARMUP:-10}
target_ms=15
bench_positive BENCH_RUNS "$runs"
[[ $warmup =~ ^[0-9]+$ ]] || bench_die "BENCH_WARMUP must be a non-negative integer, got '$warmup'"
command -v hyperfine >/dev/null || bench_die "hyperfine is required"

bench_find_sota
work=$(mktemp -d)
trap 'rm -rf -- "$work"' EXIT
trap 'exit 130' INT TERM

failures=()
help_status=0
"$SOTA" --help >"$work/help.out" 2>&1 || help_status=$?
((help_status == 0)) || failures+=("sota --help exited $help_status")
grep -q '^USAGE: sota' "$work/help.out" || failures+=("sota --help printed no USAGE line")
if ((${#failures[@]})); then
  bench_verdict help_startup "not timed" "${failures[@]}" || exit 1
fi

# -N splits commands on whitespace, shell-style; %q keeps an odd SOTA path whole.
sota_command=$(printf '%q --help' "$SOTA")
hyperfine -N --style basic --warmup "$warmup" --runs "$runs" \
  --export-json "$work/startup.json" "$sota_command" true /bin/echo || bench_die "hyperfine failed"

# Median, mean, stddev, min and max of each command, in ms, one line each.
read_stats() {
  python3 - "$work/startup.json" <<'EOF'
import json, sys

for result in json.load(open(sys.argv[1]))["results"]:
    ms = [1000 * result[k] for k in ("median", "mean", "stddev", "min", "max")]
    print(" ".join(f"{value:.3f}" for value in ms))
EOF
}
{
  read -r sota_median sota_mean sota_sd sota_min sota_max
  read -r true_median _ _ _ _
  read -r echo_median _ _ _ _
} < <(read_stats)
ratio=$(bench_calc 's / e' s="$sota_median" e="$echo_median")
describe() {
  local libraries stdlib
  libraries=$(ldd "$1" 2>/dev/null | grep -c '=>' || true)
  stdlib=$(ldd "$1" 2>/dev/null | grep -q libswiftCore && echo "dynamic" || echo "static")
  echo "Swift stdlib $stdlib, $libraries shared libraries, $(($(stat -c %s "$1") >> 20)) MiB"
}

echo
echo "== help_startup: sota --help, $runs runs after $warmup warm-up runs, no shell =="
bench_line "sota --help" "$(printf '%.2f ms median (mean %.2f ± %.2f, min %.2f, max %.2f)' \
  "$sota_median" "$sota_mean" "$sota_sd" "$sota_min" "$sota_max")"
bench_line "/bin/echo (baseline)" "$(printf '%.2f ms median' "$echo_median")"
bench_line "true (context)" "$(printf '%.2f ms median' "$true_median")"
bench_line "sota start-up above echo" "$(printf '%.2f ms' "$(bench_calc 's - e' s="$sota_median" e="$echo_median")")"
bench_line "ratio sota/echo" "$(printf '%.1f' "$ratio")"
bench_line "binary" "$(describe "$SOTA")"
bench_line "target" "median <= $target_ms ms"

bench_holds "$sota_median <= $target_ms" || failures+=("median $(printf '%.2f' "$sota_median") ms is above $target_ms ms")
bench_verdict help_startup "$(printf 'median_ms=%.2f ratio_to_echo=%.1f target<=%s' "$sota_median" "$ratio" "$target_ms")" \
  "${failures[@]}" || exit 1
