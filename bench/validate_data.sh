#!/usr/bin/env bash
# Benchmark: `sota validate data` on a large .npy against `sha256sum` on the same file.
#
# Both stream the whole file once for SHA-256; sota also loads the config, reads the
# manifest and the NPY header. Target: sota's median wall time <= 1.2x sha256sum's,
# with the file in the page cache so both measure hashing rather than the disk.
#
# Environment: SOTA (binary), BENCH_SIZE_MB (default 1024), BENCH_RUNS (default 5).
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

size_mb=${BENCH_SIZE_MB:-1024}
runs=${BENCH_RUNS:-5}
target=1.2
bench_positive BENCH_SIZE_MB "$size_mb"
bench_positive BENCH_RUNS "$runs"

bench_find_sota
work=$(mktemp -d)
trap 'rm -rf -- "$work"' EXIT
trap 'exit 130' INT TERM
cd "$work"

# A valid NPY v1.0 float32 vector of exactly size_mb MiB. The content is one random
# 16 MiB block repeated: SHA-256 costs the same for any bytes, and this writes fast.
elements=$(python3 - big.npy "$size_mb" <<'EOF'
import os, struct, sys

path, total = sys.argv[1], int(sys.argv[2]) << 20
n = total // 4
while True:  # the padded header length depends on how many digits n has
    text = "{'descr': '<f4', 'fortran_order': False, 'shape': (%d,), }" % n
    header_len = -(-(10 + len(text) + 1) // 64) * 64
    if (total - header_len) // 4 == n:
        break
    n = (total - header_len) // 4
header = (text.ljust(header_len - 10 - 1) + "\n").encode("latin1")
block = os.urandom(16 << 20)
with open(path, "wb") as f:
    f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header)
    left = n * 4
    while left:
        chunk = min(left, len(block))
        f.write(block[:chunk])
        left -= chunk
print(n)
EOF
)
(($(stat -c %s big.npy) == size_mb << 20)) || bench_die "generated big.npy has the wrong size"

echo "project: bench" >sota.yaml
: >train.py
cat >config.yaml <<EOF
experiment: bench-validate-data
seed: 1

data:
  path: big.npy
  manifest: SHA256SUMS
  arrays:
    big: {dtype: float32, shape: [$elements]}

latent:
  dim: 16

operator:
  pdet:
    input_dim: 16
    ridge: 1.0e-6

training:
  command: [python3, train.py]
  epochs: 1
  learning_rate: 0.05
  checkpoint: checkpoint.json
  stages:
    - name: train
      outputs: [checkpoint.json]
EOF
sha256sum big.npy >SHA256SUMS

# Flush dirty pages first (their write-back would slow whichever command runs
# then), and read the file once so every timed run finds it in the page cache.
sync
cat big.npy >/dev/null

# Correctness: sota accepts the dataset and agrees with sha256sum.
failures=()
sota_status=0
"$SOTA" validate data config.yaml --json >report.json 2>report.err || sota_status=$?
((sota_status == 0)) ||
  failures+=("sota validate data exited $sota_status on a valid dataset: $(head -n 3 report.err | tr '\n' ' ')")
sota_sha=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["sha256"])' report.json 2>/dev/null) ||
  sota_sha=none
expected_sha=$(cut -d' ' -f1 SHA256SUMS)
[[ $sota_sha == "$expected_sha" ]] || failures+=("sota's sha256 $sota_sha differs from sha256sum's $expected_sha")

# `openssl dgst` is context only: sota hashes with the same OpenSSL code, so it
# shows the floor sota could reach.
names=(sha256sum sota)
if command -v openssl >/dev/null; then names+=(openssl); fi
run() {
  case $1 in
    sha256sum) sha256sum big.npy ;;
    sota) "$SOTA" validate data config.yaml ;;
    openssl) openssl dgst -sha256 big.npy ;;
  esac
}
# One untimed run each, then alternate so drift (thermal, neighbours) hits all alike.
for name in "${names[@]}"; do bench_time run "$name" >/dev/null; done
for ((round = 0; round < runs; round++)); do
  for name in "${names[@]}"; do bench_sample "times.$name" run "$name"; done
done

# "1.234 s wall (1.200 s CPU), 830 MiB/s" from the medians of a command's runs.
summary() {
  local wall cpu
  wall=$(bench_median "times.$1" 1)
  cpu=$(bench_median "times.$1" 2)
  printf '%.3f s wall (%.3f s CPU), %.0f MiB/s' "$(bench_calc 'u / 1e6' u="$wall")" \
    "$(bench_calc 'u / 1e6' u="$cpu")" "$(bench_calc 'mb / (u / 1e6)' mb="$size_mb" u="$wall")"
}
base=$(bench_median times.sha256sum 1)
sota=$(bench_median times.sota 1)
ratio=$(bench_calc 's / b' s="$sota" b="$base")

echo
echo "== validate_data: ${size_mb} MiB .npy in the page cache, median of $runs runs =="
bench_line "sha256sum (baseline)" "$(summary sha256sum)"
bench_line "sota validate data" "$(summary sota)"
if [[ -f times.openssl ]]; then
  ossl=$(bench_median times.openssl 1)
  bench_line "openssl dgst (context)" "$(summary openssl); sota/openssl $(printf '%.2f' "$(bench_calc 's / o' s="$sota" o="$ossl")")"
fi
bench_line "sha256sum runs (ms wall)" "$(bench_ms_list times.sha256sum 1)"
bench_line "sota runs (ms wall)" "$(bench_ms_list times.sota 1)"
bench_line "sota exit status, sha256" "$sota_status, $([[ $sota_sha == "$expected_sha" ]] && echo "equals sha256sum's" || echo "MISMATCH")"
bench_line "ratio sota/sha256sum" "$(printf '%.2f' "$ratio") (median wall times)"
bench_line "target" "ratio <= $target"

bench_holds "$ratio <= $target" || failures+=("ratio $(printf '%.2f' "$ratio") is above $target")
bench_verdict validate_data "$(printf 'ratio=%.2f target<=%s' "$ratio" "$target")" "${failures[@]}" || exit 1
