#!/usr/bin/env bash
# Benchmark: the workspace commands at 1,000 experiments with 10,000 and with 100,000 runs, read through the index.
#
# Each size gets its own project: experiments/YYYY-MM-DD-exp-NNNNN/{config.yaml, notes.md, metadata.json} (1,000 by
# default), run folders runs/<id>/manifest.json spread over the experiments and over the last year (70% passed, 20%
# gate-rejected, 8% failed, 2% interrupted), and a git repository holding the experiments in one commit. The runs are
# indexed first (`sota leaderboard --rebuild`, then one `sota experiment list` to fill the workspace tables; both
# timed, reported, not judged).
# Timed, each in a fresh process with a warm cache (median of BENCH_RUNS): `experiment list`, `experiment show NAME`,
# `archive --list-only`, `catalog` and `report --weekly`.
# Targets: each command <= 300 ms at the largest size, and the time ratio between the two sizes well under the run
# ratio (10 would be linear; the check is < 3). The query plans of the workspace tables' queries are printed at the
# largest size and checked: no full scan of run_groups and no temporary B-tree where an index serves.
#
# Environment: SOTA (binary), BENCH_RUN_COUNTS (default "10000 100000"), BENCH_EXPERIMENTS (default 1000),
# BENCH_RUNS (default 5), BENCH_TMPDIR (where the projects are made; default $TMPDIR or /tmp; /dev/shm spares the
# disk the 100,000 manifests and makes generating them I/O-free).
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

read -r -a sizes <<<"${BENCH_RUN_COUNTS:-10000 100000}"
experiments=${BENCH_EXPERIMENTS:-1000}
runs=${BENCH_RUNS:-5}
target_ms=300
max_growth=3
for size in "${sizes[@]}"; do bench_positive BENCH_RUN_COUNTS "$size"; done
bench_positive BENCH_EXPERIMENTS "$experiments"
bench_positive BENCH_RUNS "$runs"
command -v python3 >/dev/null || bench_die "python3 is required"
command -v git >/dev/null || bench_die "git is required"

work=$(mktemp -d -p "${BENCH_TMPDIR:-${TMPDIR:-/tmp}}")
trap 'rm -rf -- "$work"' EXIT
trap 'exit 130' INT TERM

# Writes the project for EXPERIMENTS experiments and RUNS runs into the current folder.
generate() {
  python3 - "$1" "$2" <<'PYTHON'
import json, os, random, sys, time

experiments, runs = int(sys.argv[1]), int(sys.argv[2])
rng = random.Random(20261123)
now = int(time.time())
year = 365 * 86400
def iso(seconds):
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(seconds))
def day(seconds):
    return time.strftime("%Y-%m-%d", time.gmtime(seconds))
def digest(bits=256):
    return "%0*x" % (bits // 4, rng.getrandbits(bits))

CONFIG = """# Experiment {name}
experiment: {name}
seed: {seed}
latent:
  dim: {dim}
operator:
  pdet:
    input_dim: {dim}
    ridge: 1.0e-6
training:
  command: [python3, scripts/train.py, --config, "{{config}}", --stage, "{{stage}}", --output-dir, "{{checkpoint_dir}}"]
  epochs: {epochs}
  batch_size: 64
  learning_rate: {lr}
  checkpoint: checkpoint.json
  stages:
    - name: operator
      outputs: [operator.json]
    - name: steady_prior
      outputs: [steady_prior.json, checkpoint.json]
resources:
  gpu: A100-80GB
  gpus: 1
gates:
  - {{metric: nrmse, direction: lower, threshold: 0.25}}
"""

with open("sota.yaml", "w") as f:
    f.write("project: bench\nruns: runs\n")
with open(".gitignore", "w") as f:
    f.write("/runs/\n/.sota/\n/reports/\n")
os.makedirs("configs", exist_ok=True)
with open("configs/train_golden.yaml", "w") as f:
    f.write(CONFIG.format(name="golden", seed=1, dim=16, epochs=20, lr=0.05))
os.makedirs("experiments", exist_ok=True)
os.makedirs("runs", exist_ok=True)
folders = []
for i in range(experiments):
    created = now - year + i * year // experiments
    name = "exp-%05d" % i
    folder = "experiments/%s-%s" % (day(created), name)
    folders.append((name, folder, created))
    os.makedirs(folder)
    config = CONFIG.format(name=name, seed=i, dim=rng.choice([8, 16, 32, 64]), epochs=rng.choice([10, 20, 40]),
                           lr=rng.choice([0.01, 0.05, 0.1]))
    notes = "# Experiment: %s\n\n## Hypothesis\n\nLatent width %d helps.\n\n## Config changes\n\n- latent.dim\n" % (name, i % 64)
    metadata = {
        "base_config": {"hash": digest(), "path": "configs/train_golden.yaml"}, "best_metrics": {}, "config_hash": digest(),
        "created": iso(created), "git": {"branch": "main", "commit": digest(160), "dirty": False, "dirty_files": [], "state": "repository"},
        "last_activity": iso(created), "name": name, "promotions": [], "runs": [], "schema_version": 1, "status": "active",
    }
    for file, text in (("config.yaml", config), ("notes.md", notes), ("metadata.json", json.dumps(metadata, indent=2, sort_keys=True) + "\n")):
        with open("%s/%s" % (folder, file), "w") as f:
            f.write(text)
        # Written when the experiment was created: git's index then records clean stamps (a file as new as the
        # index is "racily clean" and counted as an edit), and activity comes from runs, as in a real project.
        os.utime("%s/%s" % (folder, file), (created, created))

for r in range(runs):
    name, folder, created = folders[r % experiments]
    start = created + (now - created) * (r // experiments + 1) // (runs // experiments + 2)
    run_id = "%s-%08x" % (time.strftime("%Y%m%d-%H%M%S", time.gmtime(start)), r)
    nrmse = rng.uniform(0.02, 0.4)
    roll = rng.random()
    status, passed = ("succeeded", True) if roll < 0.7 else ("rejected", False) if roll < 0.9 else ("failed", None) if roll < 0.98 else ("interrupted", None)
    gates = [] if passed is None else [{"direction": "lower", "metric": "nrmse", "name": "nrmse", "passed": passed, "phase": "full_eval",
                                        "reason": "nrmse %.4f vs threshold 0.25" % nrmse, "threshold": 0.25, "value": nrmse}]
    stage = {"attempts": 1, "finished": iso(start + 500), "log": "logs/train.log", "name": "train", "outputs": [], "phase": "train", "seconds": 480.0,
             "started": iso(start + 20), "status": "succeeded" if passed is not None else "failed"}
    manifest = {
        "config": {"hash": digest(), "overrides": [], "path": folder + "/config.yaml"}, "created": iso(start),
        "data": [], "eval_configs": {}, "experiment": name, "failures": [], "gates": gates,
        "git": {"branch": "main", "commit": digest(160), "dirty": False, "dirty_files": [], "state": "repository"},
        "hardware": {"devices": "0", "gpu_count": 1, "gpu_type": "A100-80GB", "platform": "cuda"}, "host": "node",
        "metrics": {} if passed is None else {"full_eval": {"nrmse": nrmse, "mse": nrmse * nrmse}}, "passed": passed,
        "run_id": run_id, "schema_version": 1, "stages": [stage], "status": status, "updated": iso(start + 600),
    }
    os.mkdir("runs/" + run_id)
    with open("runs/%s/manifest.json" % run_id, "w") as f:
        json.dump(manifest, f, indent=2, sort_keys=True)
PYTHON
}

# Builds the project for SIZE runs in $work/SIZE and indexes it.
setup() {
  local size=$1 dir=$work/$1 started
  mkdir -p "$dir"
  cd "$dir"
  started=$(date +%s%N)
  generate "$experiments" "$size"
  git init -q -b main
  git add -A
  git -c user.name=Bench -c user.email=bench@example.com commit -q -m "experiments"
  generated_ms[$size]=$((($(date +%s%N) - started) / 1000000))
  started=$(date +%s%N)
  "$SOTA" leaderboard --rebuild >/dev/null 2>"$work/rebuild.err" || bench_die "sota leaderboard --rebuild failed: $(head -n 2 "$work/rebuild.err")"
  rebuilt_ms[$size]=$((($(date +%s%N) - started) / 1000000))
  started=$(date +%s%N)
  "$SOTA" experiment list >/dev/null 2>&1 || true
  mirrored_ms[$size]=$((($(date +%s%N) - started) / 1000000))
}

# Prints the query plans of the workspace tables' queries, as sota sends them, and fails on a scan that an index should serve.
plans() {
  python3 - "$1" <<'PYTHON'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
queries = [
    ("workspace state", "SELECT value FROM workspace_state WHERE name = ?", ("runs_folder_stamp",), []),
    ("group summaries", "SELECT key, summary FROM run_groups WHERE kind = ?", ("experiment",), ["SCAN run_groups", "TEMP B-TREE"]),
    ("an experiment's runs", "SELECT record FROM run_folders WHERE experiment = ? AND record IS NOT NULL ORDER BY folder", ("exp-00042",),
     ["SCAN run_folders", "TEMP B-TREE"]),
    ("a config's runs", "SELECT record FROM run_folders WHERE config_path = ? AND record IS NOT NULL ORDER BY folder",
     ("experiments/x/config.yaml",), ["SCAN run_folders", "TEMP B-TREE"]),
    ("a folder's groups", "SELECT experiment, config_path FROM run_folders WHERE folder = ?", ("x",), ["SCAN run_folders"]),
    ("unfinished runs' stamps", "SELECT folder, stamp FROM run_folders WHERE settled = 0", (), ["SCAN run_folders", "TEMP B-TREE"]),
    ("every folder (runs/ changed)", "SELECT folder FROM run_folders", (), ["TEMP B-TREE"]),
]
bad = 0
for label, sql, args, forbidden in queries:
    plan = " / ".join(row[3] for row in db.execute("EXPLAIN QUERY PLAN " + sql, args))
    # A scan is a fault unless an index (a covering or partial one) serves it; a temporary B-tree always is.
    flag = [word for word in forbidden if word in plan and (word == "TEMP B-TREE" or "INDEX" not in plan)]
    bad += bool(flag)
    print("  %-28s %s%s" % (label + ":", plan, "  <- " + ", ".join(flag) if flag else ""))
sys.exit(1 if bad else 0)
PYTHON
}

sota_list() { "$SOTA" experiment list; }
sota_show() { "$SOTA" experiment show exp-00042; }
sota_archive() { "$SOTA" archive --list-only; }
sota_catalog() { "$SOTA" catalog; }
sota_report() { "$SOTA" report --weekly --output "$work/report"; }
commands=(sota_list sota_show sota_archive sota_catalog sota_report)
declare -A label=([sota_list]="experiment list" [sota_show]="experiment show" [sota_archive]="archive --list-only"
                  [sota_catalog]="catalog" [sota_report]="report --weekly")

bench_find_sota
"$SOTA" archive --help >/dev/null 2>&1 || bench_die "this sota has no archive command"

failures=()
declare -A median generated_ms rebuilt_ms mirrored_ms
for size in "${sizes[@]}"; do
  setup "$size"
  # Correctness first, in runs of their own: every experiment listed, each with its runs counted.
  listed=$(sota_list 2>"$work/list.err") || failures+=("experiment list exited non-zero at $size: $(head -n 2 "$work/list.err" | tr '\n' ' ')")
  (($(grep -c '^exp-' <<<"$listed") == experiments)) || failures+=("experiment list at $size did not list $experiments experiments")
  shown=$(sota_show 2>/dev/null) || failures+=("experiment show failed at $size")
  (($(grep -c '^[0-9]\{8\}-' <<<"$shown") == size / experiments)) || failures+=("experiment show at $size did not list $((size / experiments)) runs")
  grep -q " of $experiments would be archived" <(sota_archive 2>/dev/null) || failures+=("archive --list-only at $size did not list $experiments experiments")
  rows=$(sota_catalog 2>/dev/null | wc -l) || true
  ((rows == experiments + 2)) || failures+=("catalog at $size has $rows lines, expected $((experiments + 2))")
  sota_report >/dev/null 2>"$work/report.err" || failures+=("report --weekly failed at $size: $(head -n 2 "$work/report.err" | tr '\n' ' ')")

  for name in "${commands[@]}"; do
    bench_time "$name" >/dev/null
    rm -f "$work/times.$name.$size"
  done
  for ((round = 0; round < runs; round++)); do
    for name in "${commands[@]}"; do bench_sample "$work/times.$name.$size" "$name"; done
  done
  for name in "${commands[@]}"; do median[$name.$size]=$(bench_median "$work/times.$name.$size" 1); done

  echo
  echo "== workspace_scale: $experiments experiments, $size runs; median of $runs runs, fresh process, warm cache =="
  bench_line "generate project" "${generated_ms[$size]} ms (not judged)"
  bench_line "leaderboard --rebuild" "${rebuilt_ms[$size]} ms (not judged)"
  bench_line "first list (fills mirror)" "${mirrored_ms[$size]} ms (not judged)"
  for name in "${commands[@]}"; do
    bench_line "${label[$name]}" "$(printf '%.0f ms' "$(bench_calc 'u / 1e3' u="${median[$name.$size]}")") ($(bench_ms_list "$work/times.$name.$size" 1) ms)"
  done
  if [[ $size == "${sizes[-1]}" ]]; then
    echo "== query plans at $size runs =="
    plans "$work/$size/.sota/leaderboard.sqlite" || failures+=("a workspace query scans where an index serves (see the plans above)")
  fi
  cd "$work"
  rm -rf "${work:?}/$size"
done

echo
largest=${sizes[-1]}
summary=""
if ((${#sizes[@]} > 1)); then
  smallest=${sizes[0]}
  echo "== scaling $smallest -> $largest runs (x$(bench_calc 'a / b' a="$largest" b="$smallest" | sed 's/\.0*$//')) =="
  for name in "${commands[@]}"; do
    growth=$(bench_calc 'a / b' a="${median[$name.$largest]}" b="${median[$name.$smallest]}")
    bench_line "${label[$name]} time ratio" "$(printf '%.2f' "$growth")"
    bench_holds "$growth < $max_growth" || failures+=("${label[$name]} grows ${growth}x from $smallest to $largest runs, target < ${max_growth}x")
  done
fi
for name in "${commands[@]}"; do
  value=${median[$name.$largest]}
  bench_holds "$value <= $target_ms * 1000" || failures+=("${label[$name]} takes $(printf '%.0f' "$(bench_calc 'u / 1e3' u="$value")") ms at $largest runs, target <= $target_ms ms")
  summary+="${name#sota_}_ms=$(printf '%.0f' "$(bench_calc 'u / 1e3' u="$value")") "
done
bench_line "target" "each command <= $target_ms ms at $largest runs, growth < ${max_growth}x"
bench_verdict workspace_scale "${summary}target<=${target_ms}ms" "${failures[@]}" || exit 1
