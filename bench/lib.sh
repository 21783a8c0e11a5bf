#!/usr/bin/env bash
# Helpers shared by the bench/*.sh scripts. Sourced, not run.
#
# Exit status convention for every benchmark: 0 PASS, 1 FAIL (target missed or a
# correctness check failed), 2 the benchmark itself could not run.

# awk and printf must use `.` as the decimal point.
export LC_ALL=C

BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

bench_die() {
  echo "error: $*" >&2
  exit 2
}

# Sets SOTA to an absolute path (scripts cd into temp projects), building the
# default release binary (statically linked, as shipped) when it is missing.
# An explicit $SOTA is never rebuilt.
bench_find_sota() {
  local given=${SOTA:-}
  if [[ -n $given ]]; then
    if [[ $given == */* ]]; then
      SOTA=$(realpath -e -- "$given" 2>/dev/null) || bench_die "SOTA=$given does not exist"
    else
      SOTA=$(type -P -- "$given") || bench_die "SOTA=$given is not an executable on PATH"
    fi
    [[ -f $SOTA && -x $SOTA ]] || bench_die "SOTA=$given is not an executable file"
  else
    SOTA=$BENCH_ROOT/.build/release/sota
    if [[ ! -x $SOTA ]]; then
      echo "building $SOTA (swift build -c release --static-swift-stdlib -Xswiftc -static-executable)..." >&2
      (cd "$BENCH_ROOT" && swift build -c release --static-swift-stdlib -Xswiftc -static-executable) >&2 ||
        bench_die "build failed"
    fi
  fi
  export SOTA
}

# Checks that a variable holds a positive integer: bench_positive NAME VALUE.
bench_positive() {
  [[ $2 =~ ^[1-9][0-9]*$ ]] || bench_die "$1 must be a positive integer, got '$2'"
}

# Runs "$@" once, output discarded, and prints "WALL CPU" in microseconds (1 ms
# resolution), CPU being user+sys of the command and its children. On a busy
# machine, wall well above CPU means the command waited for a core. The exit
# status is ignored: each script checks correctness in a run of its own.
bench_time() {
  local TIMEFORMAT='%3R %3U %3S' report
  report=$({ time "$@" >/dev/null 2>&1; } 2>&1) || true
  awk '{ printf "%d %d\n", $1 * 1e6, ($2 + $3) * 1e6 }' <<<"$report"
}

# Times "$@" once and appends "WALL CPU" to FILE: bench_sample FILE command...
bench_sample() {
  local file=$1
  shift
  bench_time "$@" >>"$file"
}

# Prints the median of column COL (1 wall, 2 CPU) of a bench_sample FILE, in
# microseconds (mean of the middle two for an even count).
bench_median() {
  awk -v col="$2" '{ print $col }' "$1" | sort -n | awk '{ v[NR] = $1 } END {
    if (NR == 0) exit 1
    if (NR % 2) print v[(NR + 1) / 2]; else printf "%.0f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# Prints column COL of a bench_sample FILE in milliseconds, in run order.
bench_ms_list() {
  awk -v col="$2" '{ printf "%s%.0f", (NR > 1 ? " " : ""), $col / 1000 } END { print "" }' "$1"
}

# Floating-point arithmetic: bench_calc 'a / b' a=1 b=3 prints 0.333333.
bench_calc() {
  local expr=$1 kv
  shift
  local args=()
  for kv in "$@"; do args+=(-v "$kv"); done
  awk "${args[@]}" "BEGIN { printf \"%.6f\n\", $expr }"
}

# Succeeds when the comparison holds: bench_holds '1.05 <= 1.2'.
bench_holds() {
  awk "BEGIN { exit !($1) }"
}

# Prints one aligned `label: value` line of a result block.
bench_line() {
  printf '  %-28s %s\n' "$1:" "$2"
}

# Prints the closing verdict line (run_all.sh collects it) and returns the exit
# status to use. Usage: bench_verdict NAME SUMMARY [FAILURE...]; PASS without failures.
bench_verdict() {
  local name=$1 summary=$2 failure
  shift 2
  for failure in "$@"; do bench_line "failed" "$failure"; done
  if (($# == 0)); then
    echo "RESULT $name PASS $summary"
    return 0
  fi
  echo "RESULT $name FAIL $summary"
  return 1
}
