#!/usr/bin/env bash
# Orchestration overhead: `sota run` over a pipeline of 5 no-op stages (3 training stages, 2 evaluations)
# against a plain bash script running the same 5 children. Target: sota <= 1.5x bash.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_find_sota
runs=${BENCH_RUNS:-20}
bench_positive BENCH_RUNS "$runs"
command -v hyperfine >/dev/null || bench_die "hyperfine is needed (apt-get install hyperfine)"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
echo "project: overhead" > sota.yaml
cat > train.yaml <<'YAML'
seed: 1
training:
  command: [sh, -c, 'echo done > "$SOTA_CHECKPOINT_DIR/$SOTA_STAGE.out"']
  epochs: 1
  learning_rate: 0.1
  checkpoint: s3.out
  stages: [{name: s1, outputs: [s1.out]}, {name: s2, outputs: [s2.out]}, {name: s3, outputs: [s3.out]}]
resources: {platform: cpu}
pipeline: {small_eval: eval.yaml, full_eval: eval.yaml}
YAML
cat > eval.yaml <<'YAML'
evaluation:
  command: [sh, -c, 'echo "{\"nrmse\": 0.1}" > "$SOTA_METRICS"']
  metrics: metrics.json
gates: [{metric: nrmse, direction: lower, threshold: 0.5}]
YAML
cat > baseline.sh <<'SH'
#!/usr/bin/env bash
# The same five children, run by hand.
set -e
d=$(mktemp -d)
for s in s1 s2 s3; do SOTA_CHECKPOINT_DIR=$d SOTA_STAGE=$s sh -c 'echo done > "$SOTA_CHECKPOINT_DIR/$SOTA_STAGE.out"'; done
for e in small full; do SOTA_METRICS=$d/$e.json sh -c 'echo "{\"nrmse\": 0.1}" > "$SOTA_METRICS"'; done
rm -rf "$d"
SH
"${SOTA:?}" run --train-config train.yaml >/dev/null || bench_die "sota run failed in the benchmark project"

hyperfine -N --warmup 3 --runs "$runs" --export-json "$work/times.json" \
  "bash $work/baseline.sh" "$SOTA run --train-config train.yaml" >/dev/null 2>&1 || bench_die "hyperfine failed"
read -r base sota < <(python3 -c '
import json, statistics, sys
results = json.load(open(sys.argv[1]))["results"]
print(*(statistics.median(r["times"]) * 1000 for r in results))
' "$work/times.json")
ratio=$(bench_calc 's / b' s="$sota" b="$base")
target=1.5
echo "== run_overhead: 5 no-op stages, median of $runs runs =="
bench_line "sota run" "$(printf '%.1f ms' "$sota")"
bench_line "bash script (baseline)" "$(printf '%.1f ms' "$base")"
bench_line "ratio sota/bash" "$(printf '%.2f' "$ratio")"
# A run creates about 30 files and folders to the script's 6, so the file system under $TMPDIR weighs on the
# ratio: say which one it was.
bench_line "work folder" "$work ($(stat -f -c %T "$work"))"
bench_line "target" "ratio <= $target"
failures=()
bench_holds "$ratio <= $target" || failures+=("ratio $(printf '%.2f' "$ratio") is above $target")
bench_verdict run_overhead "$(printf 'ratio=%.2f target<=%s' "$ratio" "$target")" "${failures[@]}" || exit 1
