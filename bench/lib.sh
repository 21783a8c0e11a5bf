#!/usr/bin/env bash
# Helpers shared by the bench/*.sh scripts. Sourced, not run.
#
# Exit status convention for every benchmark: 0 PASS, 1 FAIL (target missed or a
# correctness check failed), 2 the benchmark itself could not run.

# EPOCHREALTIME and printf must use `.` as the decimal point.
export LC_ALL=C

BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

bench_die() {
  echo "error: $*" >&2
  exit 2
}

# Sets SOTA to an absolute path (scripts cd into temp projects), building the
# default release binary when it is missing. An explicit $SOTA is never rebuilt.
bench_find_sota() {
  if [[ -n ${SOTA:-} ]]; then
    if [[ $SOTA == */* ]]; then
      SOTA=$(realpath -- "$SOTA") || bench_die "SOTA=$SOTA does not exist"
    else
      SOTA=$(command -v -- "$SOTA") || bench_die "SOTA=$SOTA is not on PATH"
    fi
    [[ -x $SOTA ]] || bench_die "SOTA=$SOTA is not executable"
  else
    SOTA=$BENCH_ROOT/.build/release/sota
    if [[ ! -x $SOTA ]]; then
      echo "building $SOTA (swift build -c release --static-swift-stdlib)..." >&2
      (cd "$BENCH_ROOT" && swift build -c release --static-swift-stdlib) >&2 ||
        bench_die "build failed"
    fi
  fi
  export SOTA
}

# Prints the wall time of one run of "$@" in microseconds, output discarded.
# EPOCHREALTIME is a builtin, so no timer process is forked inside the interval.
# The exit status is ignored: each script checks correctness in its own run.
bench_time_us() {
  local start end
  start=${EPOCHREALTIME/./}
  "$@" >/dev/null 2>&1 || true
  end=${EPOCHREALTIME/./}
  echo $((end - start))
}

# Prints the median of integer arguments (mean of the middle two for an even count).
bench_median() {
  printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END {
    if (NR == 0) exit 1
    if (NR % 2) print v[(NR + 1) / 2]; else printf "%.0f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# Prints microsecond integers as milliseconds: bench_ms_list 1234 5678 prints "1.2 5.7".
bench_ms_list() {
  printf '%s\n' "$@" | awk '{ printf "%s%.1f", (NR > 1 ? " " : ""), $1 / 1000 } END { print "" }'
}

# Floating-point arithmetic: bench_calc 'a / b' a=1 b=3 prints 0.333333.
bench_calc() {
  local expr=$1
  shift
  local args=()
  local kv
  for kv in "$@"; do args+=(-v "$kv"); done
  awk "${args[@]}" "BEGIN { printf \"%.6f\n\", $expr }"
}

# Succeeds when the comparison holds: bench_holds '1.05 <= 1.2'.
bench_holds() {
  awk "BEGIN { exit !($1) }"
}

# Prints one aligned `label: value` line of a result block.
bench_line() {
  printf '  %-26s %s\n' "$1:" "$2"
}

# Prints the closing verdict line (run_all.sh collects it) and the exit status to use.
# Usage: bench_verdict NAME SUMMARY FAILURES...; PASS when no failure is given.
bench_verdict() {
  local name=$1 summary=$2
  shift 2
  local failure
  for failure in "$@"; do bench_line "failed" "$failure"; done
  if (($# == 0)); then
    echo "RESULT $name PASS $summary"
    return 0
  fi
  echo "RESULT $name FAIL $summary"
  return 1
}
