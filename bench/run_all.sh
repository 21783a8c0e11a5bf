#!/usr/bin/env bash
# Runs every benchmark in turn and summarises their verdicts.
#
# Exit status: 0 all PASS, 1 some FAIL, 2 some benchmark could not run.
# The environment (SOTA, BENCH_SIZE_MB, BENCH_CONFIGS, BENCH_RUNS, ...) passes through;
# BENCH_RUNS means something different to each script, so prefer the specific ones.
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Resolve (and if need be build, all products statically) the binaries once, so the
# benchmarks neither build them inside their timings nor each try to build them again.
bench_find_sota

work=$(mktemp -d)
trap 'rm -rf -- "$work"' EXIT
trap 'exit 130' INT TERM

benchmarks=(validate_data validate_config help_startup leaderboard_top leaderboard_rebuild step_history run_overhead workspace_scale slurm_status)
statuses=()
for name in "${benchmarks[@]}"; do
  echo "### $name"
  status=0
  "$BENCH_ROOT/bench/$name.sh" 2>&1 | tee "$work/$name.log" || status=$?
  statuses+=("$status")
  echo
done

echo "== summary (sota: $SOTA) =="
worst=0
for i in "${!benchmarks[@]}"; do
  name=${benchmarks[i]} status=${statuses[i]}
  verdict=$(grep '^RESULT ' "$work/$name.log" | tail -n 1 | cut -d' ' -f3-) || true
  if [[ -z $verdict || $status -gt 1 ]]; then
    verdict="ERROR: exit $status${verdict:+, $verdict}"
    status=2
  fi
  bench_line "$name" "$verdict"
  if ((status > worst)); then worst=$status; fi
done
if ((worst == 0)); then echo "ALL PASS"; elif ((worst == 1)); then echo "SOME FAILED"; else echo "SOME COULD NOT RUN"; fi
exit "$worst"
