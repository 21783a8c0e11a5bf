#!/usr/bin/env bash
# Benchmark: indexing step histories. `sota leaderboard --rebuild` over run directories whose manifests name a
# steps.jsonl (training.step_metrics), each written as a training loop logs: one JSON line per step with three metrics.
#
# Baseline: python3 reading every steps.jsonl with json.loads line by line into per-metric lists, which is what a
# team's own script does to gather curves (parsing only: nothing thinned, nothing written).
# Also checks that the rebuilt index holds every run and exactly 500 points per metric per run (thinned), counted
# with the sqlite3 CLI.
# Target: sota (read, parse, thin, index, process start included) <= 0.5x the python baseline, wall.
#
# Environment: SOTA (binary), BENCH_RUN_DIRS (default 300), BENCH_STEPS (lines per file, default 5000),
# BENCH_RUNS (default 5).
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

count=${BENCH_RUN_DIRS:-300}
steps=${BENCH_STEPS:-5000}
runs=${BENCH_RUNS:-5}
target_ratio=0.5
bench_positive BENCH_RUN_DIRS "$count"
bench_positive BENCH_STEPS "$steps"
bench_positive BENCH_RUNS "$runs"
((steps >= 500)) || bench_die "BENCH_STEPS must be at least 500 (the points kept per metric)"
command -v python3 >/dev/null || bench_die "python3 is required"
command -v sqlite3 >/dev/null || bench_die "the sqlite3 CLI is required (apt-get install -y sqlite3)"

work=$(mktemp -d)
trap 'rm -rf -- "$work"' EXIT
trap 'exit 130' INT TERM
mkdir "$work/project"
cd "$work/project"
echo "project: bench" >sota.yaml
db=$work/leaderboard.sqlite

python3 - "$count" "$steps" <<'PYTHON'
import json, math, os, random, sys

count, steps = int(sys.argv[1]), int(sys.argv[2])
rng = random.Random(20261207)
def digest(bits=256):
    return "%0*x" % (bits // 4, rng.getrandbits(bits))
def stamp(seconds):
    minute, second = divmod(int(seconds), 60)
    day, minute = divmod(minute, 1440)
    return "2026-%02d-%02dT%02d:%02d:%02d.000Z" % (1 + day // 28 % 12, 1 + day % 28, minute // 60, minute % 60, second)

os.mkdir("runs")
for i in range(count):
    run_id = "2026%07d-%08x" % (i, (i * 2654435761) & 0xFFFFFFFF)
    accuracy = 0.5 + 0.4 * rng.random()
    manifest = {
        "config": {"hash": digest(), "overrides": [], "path": "configs/train.yaml"},
        "created": stamp(i * 3600), "data": [], "eval_configs": {}, "experiment": "exp-%d" % (i % 10), "failures": [], "gates": [],
        "git": {"branch": "main", "commit": digest(160), "dirty": False, "dirty_files": [], "state": "repository"},
        "hardware": {"devices": "0", "gpu_count": 1, "gpu_type": "A100-80GB", "platform": "cuda"},
        "host": "node", "metrics": {"full_eval": {"accuracy": accuracy}}, "passed": True, "run_id": run_id, "schema_version": 1,
        "stages": [{"attempts": 1, "exit_code": 0, "finished": stamp(i * 3600 + 600), "log": "logs/train-train.log", "name": "train",
                    "outputs": [], "phase": "train", "seconds": 600.0, "started": stamp(i * 3600), "status": "succeeded"}],
        "status": "succeeded", "step_metrics": "steps.jsonl", "updated": stamp(i * 3600 + 600),
    }
    os.mkdir("runs/" + run_id)
    with open("runs/%s/manifest.json" % run_id, "w") as f:
        json.dump(manifest, f, indent=2, sort_keys=True, separators=(",", " : "))
    with open("runs/%s/steps.jsonl" % run_id, "w") as f:
        for step in range(steps):
            progress = step / steps
            loss = 2.3 * math.exp(-4 * progress) + 0.05 * rng.random()
            f.write(json.dumps({"step": step * 10, "loss": round(loss, 6), "accuracy": round(accuracy * (1 - math.exp(-5 * progress)), 6),
                                "lr": 1e-3 * (1 - progress)}) + "\n")
PYTHON
histories=(runs/*/steps.jsonl)
((${#histories[@]} == count)) || bench_die "generated ${#histories[@]} histories, expected $count"
bytes=$(cat "${histories[@]}" | wc -c)

cat >gather.py <<'PYTHON'
import json, sys
curves = {}
for path in sys.argv[1:]:
    series = {}
    with open(path) as handle:
        for line in handle:
            record = json.loads(line)
            step = record.pop("step")
            for name, value in record.items():
                series.setdefault(name, []).append((step, value))
    curves[path] = series
PYTHON
python_gather() { python3 gather.py "${histories[@]}"; }

bench_find_sota
# >>> sota leaderboard --rebuild in the project folder, into a fresh index named by SOTA_LEADERBOARD.
sota_rebuild() { SOTA_LEADERBOARD=$db "$SOTA" leaderboard --rebuild; }
failures=()
status=0
sota_rebuild >rebuild.out 2>rebuild.err || status=$?
((status == 0)) || failures+=("sota leaderboard --rebuild exited $status ($(head -n 2 rebuild.err | tr '\n' ' '))")
indexed=$(sqlite3 "$db" "SELECT count(*) FROM runs" 2>/dev/null) || indexed=0
points=$(sqlite3 "$db" "SELECT count(*) FROM step_metrics" 2>/dev/null) || points=0
uneven=$(sqlite3 "$db" "SELECT count(*) FROM (SELECT run_id, name, count(*) AS n FROM step_metrics GROUP BY run_id, name HAVING n != 500)" 2>/dev/null) || uneven=-1
((indexed == count)) || failures+=("the index holds $indexed runs, expected $count")
((points == 3 * 500 * count)) || failures+=("the index holds $points points, expected $((3 * 500 * count)) (500 per metric per run)")
((uneven == 0)) || failures+=("$uneven metric series do not hold exactly 500 points")
python_gather >/dev/null || bench_die "the python baseline failed"
bench_time sota_rebuild >/dev/null
for ((round = 0; round < runs; round++)); do
  bench_sample times.sota sota_rebuild
  bench_sample times.python python_gather
done
# <<< end of the sota timing
sota=$(bench_median times.sota 1)
python=$(bench_median times.python 1)
ratio=$(bench_calc 's / p' s="$sota" p="$python")
lines=$((count * steps))

echo
echo "== step_history: index $count step histories ($lines lines, $((bytes >> 20)) MiB), median of $runs runs =="
bench_line "python3 json.loads (baseline)" "$(printf '%.0f ms wall, %.0f lines/s' "$(bench_calc 'u / 1e3' u="$python")" \
  "$(bench_calc 'n / (u / 1e6)' n="$lines" u="$python")")"
bench_line "sota leaderboard --rebuild" "$(printf '%.0f ms wall (%.0f ms CPU), %.0f lines/s' "$(bench_calc 'u / 1e3' u="$sota")" \
  "$(bench_calc 'u / 1e3' u="$(bench_median times.sota 2)")" "$(bench_calc 'n / (u / 1e6)' n="$lines" u="$sota")")"
bench_line "ratio sota/python" "$(printf '%.2f' "$ratio")"
bench_line "sota runs (ms wall)" "$(bench_ms_list times.sota 1)"
bench_line "python runs (ms wall)" "$(bench_ms_list times.python 1)"
bench_line "index" "$indexed runs, $points points"
bench_line "target" "sota <= ${target_ratio}x python"
bench_holds "$ratio <= $target_ratio" || failures+=("sota takes $(printf '%.2f' "$ratio")x the python baseline, above ${target_ratio}x")
bench_verdict step_history "$(printf 'lines_per_s=%.0f ratio_to_python=%.2f target<=%s' "$(bench_calc 'n / (u / 1e6)' n="$lines" u="$sota")" "$ratio" "$target_ratio")" \
  "${failures[@]}" || exit 1
