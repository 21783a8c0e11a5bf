#!/usr/bin/env bash
# Benchmark: `sota archive --list-only` and `sota catalog` over 1,000 and 10,000 experiments.
#
# Each size gets its own project: experiments/YYYY-MM-DD-exp-N/{config.yaml, notes.md, metadata.json}, one run
# directory per ten experiments (a third of them gate-rejected), and a git repository with a 10,000-commit history
# (made with `git fast-import`) in which every commit changes a source file and the experiments are committed
# spread over the history, so the activity walk has the whole history to cover.
# Baseline, in the same run: reading every metadata.json plus `git log --name-only` over experiments/, the least
# a script needs for the same facts (`find experiments -name metadata.json | xargs cat` and
# `git log --name-only --format=%ct -- experiments | wc -l`).
# Target: each sota command under 1 s at 10,000 experiments (wall, median, process start included); the
# 10k/1k time ratio shows how it scales (10 is linear). The first, cold run walks the whole history once
# (reported, not judged); later runs reuse .sota/cache/git-activity.json and walk only newer commits.
#
# Environment: SOTA (binary), BENCH_SIZES (default "1000 10000"), BENCH_COMMITS (default 10000), BENCH_RUNS (default 5).
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

read -r -a sizes <<<"${BENCH_SIZES:-1000 10000}"
commits=${BENCH_COMMITS:-10000}
runs=${BENCH_RUNS:-5}
target_ms=1000
for size in "${sizes[@]}"; do bench_positive BENCH_SIZES "$size"; done
bench_positive BENCH_COMMITS "$commits"
bench_positive BENCH_RUNS "$runs"
command -v python3 >/dev/null || bench_die "python3 is required"
command -v git >/dev/null || bench_die "git is required"

work=$(mktemp -d)
trap 'rm -rf -- "$work"' EXIT
trap 'exit 130' INT TERM

# Writes the project for SIZE experiments into the current folder, and the fast-import stream of its history to stdout.
generate() {
  python3 - "$1" "$commits" <<'PYTHON'
import json, os, random, sys

size, commits = int(sys.argv[1]), int(sys.argv[2])
rng = random.Random(20261123)
start = 1735689600  # 2025-01-01T00:00:00Z
step = 3600
def iso(seconds):
    import time
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(seconds))
def day(seconds):
    import time
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

files = {}  # path -> text, in commit order
order = []
with open("sota.yaml", "w") as f:
    f.write("project: bench\nruns: runs\n")
os.makedirs("configs", exist_ok=True)
golden = CONFIG.format(name="golden", seed=1, dim=16, epochs=20, lr=0.05)
with open("configs/train_golden.yaml", "w") as f:
    f.write(golden)
os.makedirs("experiments", exist_ok=True)
os.makedirs("runs", exist_ok=True)
for i in range(size):
    commit = i * commits // size
    created = start + commit * step
    name = "exp-%05d" % i
    folder = "experiments/%s-%s" % (day(created), name)
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
        files.setdefault(commit, []).append(("%s/%s" % (folder, file), text))
    if i % 10 == 0:
        run_id = "%s-000000-%08x" % (day(created).replace("-", ""), i)
        nrmse = rng.uniform(0.02, 0.4)
        passed = nrmse < 0.25
        manifest = {
            "config": {"hash": digest(), "overrides": [], "path": folder + "/config.yaml"}, "created": iso(created + 60),
            "data": [], "eval_configs": {}, "experiment": name, "failures": [],
            "gates": [{"direction": "lower", "metric": "nrmse", "name": "nrmse", "passed": passed, "phase": "full_eval",
                       "reason": "r", "threshold": 0.25, "value": nrmse}],
            "git": {"branch": "main", "commit": digest(160), "dirty": False, "dirty_files": [], "state": "repository"},
            "hardware": {"devices": "0", "gpu_count": 1, "gpu_type": "A100-80GB", "platform": "cuda"}, "host": "node",
            "metrics": {"full_eval": {"nrmse": nrmse}}, "passed": passed, "run_id": run_id, "schema_version": 1,
            "stages": [], "status": "succeeded" if passed else "rejected", "updated": iso(created + 600),
        }
        os.makedirs("runs/" + run_id)
        with open("runs/%s/manifest.json" % run_id, "w") as f:
            json.dump(manifest, f, indent=2, sort_keys=True)

out = sys.stdout.buffer
def data(text):
    raw = text.encode()
    out.write(b"data %d\n" % len(raw) + raw + b"\n")
for c in range(commits):
    when = start + c * step
    out.write(b"commit refs/heads/main\nmark :%d\n" % (c + 1))
    out.write(b"committer Bench <bench@example.com> %d +0000\n" % when)
    data("change %d" % c)
    if c:
        out.write(b"from :%d\n" % c)
    else:
        for path, text in (("sota.yaml", "project: bench\nruns: runs\n"), ("configs/train_golden.yaml", golden),
                           (".gitignore", "/runs/\n")):
            out.write(b"M 100644 inline %s\n" % path.encode())
            data(text)
    out.write(b"M 100644 inline src/module_%02d.py\n" % (c % 50))
    data("# revision %d\nVALUE = %d\n" % (c, c))
    for path, text in files.get(c, []):
        out.write(b"M 100644 inline %s\n" % path.encode())
        data(text)
PYTHON
}

# Builds the project for SIZE experiments in $work/SIZE.
setup() {
  local size=$1 dir=$work/$1
  mkdir -p "$dir"
  (
    cd "$dir"
    git init -q -b main
    generate "$size" >"$work/history-$size.fi"
    git fast-import --quiet <"$work/history-$size.fi"
    # Check the generated tree out over the identical files so git's index records their stamps.
    git reset -q --hard main
    [[ -z $(git status --porcelain) ]] || bench_die "the generated work tree differs from its history"
  )
  rm -f "$work/history-$size.fi"
}

baseline() { find experiments -name metadata.json | xargs cat >/dev/null && git log --name-only --format=%ct -- experiments | wc -l >/dev/null; }
sota_list() { "$SOTA" archive --list-only; }
sota_catalog() { "$SOTA" catalog; }

bench_find_sota
"$SOTA" archive --help >/dev/null 2>&1 || bench_die "this sota has no archive command"

failures=()
declare -A median
for size in "${sizes[@]}"; do
  setup "$size"
  cd "$work/$size"
  # The first command walks the whole history once and caches what it found (.sota/cache/git-activity.json);
  # every later one walks only newer commits. Reported apart, as "cold".
  cold=$(bench_time sota_list | cut -d' ' -f1)
  # Correctness first, in runs of their own.
  listed=$(sota_list 2>"$work/list.err") || failures+=("sota archive --list-only exited non-zero at $size: $(head -n 2 "$work/list.err" | tr '\n' ' ')")
  grep -q " of $size would be archived" <<<"$listed" || failures+=("archive --list-only at $size did not list $size experiments")
  rows=$(sota_catalog 2>/dev/null | wc -l) || true
  ((rows == size + 2)) || failures+=("catalog at $size has $rows lines, expected $((size + 2)) (header, production config, experiments)")
  stale=$(grep -c ' stale ' <<<"$listed" || true)

  for name in baseline sota_list sota_catalog; do
    bench_time "$name" >/dev/null
    rm -f "$work/times.$name.$size"
  done
  for ((round = 0; round < runs; round++)); do
    for name in baseline sota_list sota_catalog; do bench_sample "$work/times.$name.$size" "$name"; done
  done
  for name in baseline sota_list sota_catalog; do median[$name.$size]=$(bench_median "$work/times.$name.$size" 1); done

  echo
  echo "== workspace_scale: $size experiments, $commits commits, $((size / 10)) runs ($stale stale); median of $runs runs =="
  ms() { printf '%.0f ms' "$(bench_calc 'u / 1e3' u="$1")"; }
  bench_line "baseline (find+cat, git log)" "$(ms "${median[baseline.$size]}")"
  bench_line "cold archive --list-only" "$(ms "$cold") (first run: whole history walked, then cached)"
  for name in sota_list sota_catalog; do
    label=${name/sota_list/sota archive --list-only}
    label=${label/sota_catalog/sota catalog}
    bench_line "$label" "$(ms "${median[$name.$size]}") ($(bench_ms_list "$work/times.$name.$size" 1) ms), $(printf '%.2f' \
      "$(bench_calc 's / b' s="${median[$name.$size]}" b="${median[baseline.$size]}")")x baseline"
  done
  cd "$work"
  rm -rf "${work:?}/$size"
done

echo
largest=${sizes[-1]}
summary=""
if ((${#sizes[@]} > 1)); then
  smallest=${sizes[0]}
  echo "== scaling $smallest -> $largest experiments (x$(bench_calc 'a / b' a="$largest" b="$smallest" | sed 's/\.0*$//')) =="
  for name in baseline sota_list sota_catalog; do
    growth=$(bench_calc 'a / b' a="${median[$name.$largest]}" b="${median[$name.$smallest]}")
    bench_line "$name time ratio" "$(printf '%.2f' "$growth")"
  done
fi
for name in sota_list sota_catalog; do
  value=${median[$name.$largest]}
  bench_holds "$value < $target_ms * 1000" || failures+=("$name takes $(printf '%.0f' "$(bench_calc 'u / 1e3' u="$value")") ms at $largest, target < $target_ms ms")
  summary+="${name}_ms=$(printf '%.0f' "$(bench_calc 'u / 1e3' u="$value")") "
done
bench_line "target" "each sota command < $target_ms ms at $largest experiments"
bench_verdict workspace_scale "${summary}baseline_ms=$(printf '%.0f' "$(bench_calc 'u / 1e3' u="${median[baseline.$largest]}")") target<${target_ms}ms" \
  "${failures[@]}" || exit 1
