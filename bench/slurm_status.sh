#!/usr/bin/env bash
# Benchmark: `sota status` on a 500-task Slurm sweep (4 stages, 2,000 task states), against a baseline that
# reads the same scheduler answer the shell way: one `squeue` call piped through awk to count tasks per stage
# and state. Both use the same stand-in `squeue` (it prints the 2,000 lines a real squeue -r -t all prints for the
# sweep and logs each call), so the ratio measures what sota adds: reading launch.json, resolving every task and
# rendering the table, in a fresh process.
#
# Targets: sota's median <= 500 ms, and exactly ONE squeue call per `sota status` (counted from the log).
# The ratio against the baseline is printed for context.
#
# Environment: SOTA (binary), BENCH_RUNS (timed runs, default 20), BENCH_TASKS (default 500).
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

runs=${BENCH_RUNS:-20}
tasks=${BENCH_TASKS:-500}
target_ms=500
bench_positive BENCH_RUNS "$runs"
bench_positive BENCH_TASKS "$tasks"
command -v python3 >/dev/null || bench_die "python3 is required"

work=$(mktemp -d)
trap 'rm -rf -- "$work"' EXIT
trap 'exit 130' INT TERM
cd "$work"
echo "project: bench" >sota.yaml
mkdir -p bin runs/sweep-b

# The launch record of a sweep of $tasks tasks, submitted as four array jobs 10..13, and the squeue answer.
python3 - "$tasks" <<'PYTHON'
import json, sys

tasks = int(sys.argv[1])
stages = ["train", "small_eval", "full_eval", "gate"]
record = {
    "schema_version": 1, "backend": "slurm", "launch_id": "sweep-b", "created": "2026-03-01T12:00:00.000Z",
    "config": "configs/train.yaml", "overrides": [], "sweep": ["latent.dim=8,16"],
    "runs": ["b-%03d" % i for i in range(tasks)], "array_base": "b", "stages": stages,
    "resources": {"gpus": 0}, "sota": "/bin/false", "ingested": [],
    "submissions": [{"submitted": "t", "jobs": [
        {"stage": s, "job_id": str(10 + k), "tasks": list(range(tasks)), "script": "slurm/%s.sbatch" % s}
        for k, s in enumerate(stages)]}],
}
json.dump(record, open("runs/sweep-b/launch.json", "w"), indent=2)
states = ["COMPLETED", "RUNNING", "PENDING", "PENDING"]
with open("squeue.txt", "w") as out:
    for k, state in enumerate(states):
        for i in range(tasks):
            out.write("%d|%d|%s|0|None\n" % (10 + k, i, state if i % 50 else "FAILED" if k == 1 else state))
PYTHON
cat >bin/squeue <<SH
#!/bin/sh
echo "\$*" >>"$work/squeue.calls"
cat "$work/squeue.txt"
SH
chmod +x bin/squeue
export PATH=$work/bin:$PATH

baseline() {
  squeue -h -r -t all -j 10,11,12,13 -O 'ArrayJobID:|,ArrayTaskID:|,State:|,exit_code:|,Reason:' |
    awk -F'|' '{ n[$1 " " $3]++ } END { for (k in n) print k, n[k] }' | sort
}

bench_find_sota
failures=()
: >squeue.calls
status=0
"$SOTA" status sweep-b >status.out 2>status.err || status=$?
((status == 0)) || failures+=("sota status exited $status: $(head -c 300 status.err)")
calls=$(wc -l <squeue.calls)
((calls == 1)) || failures+=("sota status called squeue $calls times for one refresh")
grep -q "FAILED $((tasks / 50)), RUNNING $((tasks - tasks / 50))" status.out ||
  failures+=("the status table does not count the tasks: $(head -c 400 status.out)")

for _ in $(seq "$runs"); do
  bench_sample sota.samples "$SOTA" status sweep-b
  bench_sample baseline.samples baseline
done
sota_us=$(bench_median sota.samples 1)
base_us=$(bench_median baseline.samples 1)
ratio=$(bench_calc 's / b' s="$sota_us" b="$base_us")
sota_ms=$(bench_calc 's / 1000' s="$sota_us")

echo
echo "== slurm_status: sota status on a $tasks-task sweep (4 array jobs, $((tasks * 4)) task states) =="
bench_line "sota status" "$(printf '%.1f ms median of %s (%s ms)' "$sota_ms" "$runs" "$(bench_ms_list sota.samples 1)")"
bench_line "squeue | awk baseline" "$(printf '%.1f ms median' "$(bench_calc 'b / 1000' b="$base_us")")"
bench_line "ratio sota/baseline" "$(printf '%.2f' "$ratio")"
bench_line "squeue calls per status" "$calls"
bench_line "target" "one squeue call per refresh, median <= $target_ms ms"
bench_holds "$sota_ms <= $target_ms" || failures+=("median $(printf '%.1f' "$sota_ms") ms is above $target_ms ms")
bench_verdict slurm_status "$(printf 'median_ms=%.1f baseline_ms=%.1f ratio=%.2f squeue_calls=%s target<=%sms' \
  "$sota_ms" "$(bench_calc 'b / 1000' b="$base_us")" "$ratio" "$calls" "$target_ms")" "${failures[@]}" || exit 1
