#!/usr/bin/env bash
# Benchmark: `sota validate data` on a large .npy against `sha256sum` on the same file.
#
# Both stream the whole file once for SHA-256; sota also parses the config and reads
# the NPY header. Target: sota's median wall time <= 1.2x sha256sum's, file in page cache.
#
# Environment: SOTA (binary), BENCH_SIZE_MB (default 1024), BENCH_RUNS (default 5).
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

size_mb=${BENCH_SIZE_MB:-1024}
runs=${BENCH_RUNS:-5}
target=1.2
[[ $size_mb =~ ^[1-9][0-9]*$ ]] || bench_die "BENCH_SIZE_MB must be a positive integer"
[[ $runs =~ ^[1-9][0-9]*$ ]] || bench_die "BENCH_RUNS must be a positive integer"

bench_find_sota
work=$(mktemp -d)
trap 'rm -rf -- "$work"' EXIT
trap 'exit 130' INT TERM
cd "$work"

# A valid NPY v1.0 float32 vector of exactly size_mb MiB. The content is one random
# 16 MiB block repeated: SHA-256 costs the same for any bytes, and it writes fast.
elements=$(python3 - big.npy "$size_mb" <<'EOF'
import os, struct, sys

path, total = sys.argv[1], int(sys.argv[2]) << 20
n = total // 4
while True:  # the header's padded length depends on how many digits n has
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
[[ $(stat -c %s big.npy) -eq $((size_mb << 20)) ]] || bench_die "generated file has the wrong size"

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

# Dirty pages being written back would slow whichever command runs first; then
# one read puts the whole file in the page cache so both measure hashing, not disk.
sync
cat big.npy >/dev/null

# Correctness: sota must accept the dataset and agree with sha256sum.
failures=()
sota_status=0
"$SOTA" validate data config.yaml --json >report.json 2>report.err || sota_status=$?
((sota_status == 0)) || failures+=("sota validate data exited $sota_status on a valid dataset: $(head -n 3 report.err | tr '\n' ' ')")
sota_sha=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1])).get("sha256"))' report.json 2>/dev/null || echo none)
expected_sha=$(cut -d' ' -f1 SHA256SUMS)
[[ $sota_sha == "$expected_sha" ]] || failures+=("sota's sha256 $sota_sha differs from sha256sum's $expected_sha")

# Alternate the commands so drift (thermal, neighbours) hits all alike; round 0
# is a warm-up and is not counted. `openssl dgst` is context only: it uses the same
# OpenSSL SHA-256 code as sota, so it shows the floor sota could reach.
have_openssl=$(command -v openssl || true)
base_us=() sota_us=() ossl_us=()
for ((round = 0; round <= runs; round++)); do
  b=$(bench_time_us sha256sum big.npy)
  s=$(bench_time_us "$SOTA" validate data config.yaml)
  [[ -z $have_openssl ]] || o=$(bench_time_us openssl dgst -sha256 big.npy)
  if ((round > 0)); then
    base_us+=("$b")
    sota_us+=("$s")
    [[ -z $have_openssl ]] || ossl_us+=("$o")
  fi
done
base=$(bench_median "${base_us[@]}")
sota=$(bench_median "${sota_us[@]}")
ratio=$(bench_calc 's / b' s="$sota" b="$base")

mibps() { bench_calc 'mb / (us / 1e6)' mb="$size_mb" us="$1"; }
echo
echo "== validate_data: sota validate data vs sha256sum, ${size_mb} MiB .npy, page cache warm =="
bench_line "sha256sum (baseline)" "$(printf '%.3f s median of %d  (%.0f MiB/s)' "$(bench_calc 'u / 1e6' u="$base")" "$runs" "$(mibps "$base")")"
bench_line "sota validate data" "$(printf '%.3f s median of %d  (%.0f MiB/s)' "$(bench_calc 'u / 1e6' u="$sota")" "$runs" "$(mibps "$sota")")"
if [[ -n $have_openssl ]]; then
  ossl=$(bench_median "${ossl_us[@]}")
  bench_line "openssl dgst (context)" "$(printf '%.3f s median of %d  (%.0f MiB/s; sota/openssl %.2f)' "$(bench_calc 'u / 1e6' u="$ossl")" "$runs" "$(mibps "$ossl")" "$(bench_calc 's / o' s="$sota" o="$ossl")")"
fi
bench_line "all runs sha256sum (ms)" "$(bench_ms_list "${base_us[@]}")"
bench_line "all runs sota (ms)" "$(bench_ms_list "${sota_us[@]}")"
bench_line "ratio sota/sha256sum" "$(printf '%.2f' "$ratio")"
bench_line "target" "ratio <= $target"

bench_line "sota exit status, sha256" "$sota_status, $( [[ $sota_sha == "$expected_sha" ]] && echo "matches sha256sum" || echo "MISMATCH")"
bench_holds "$ratio <= $target" || failures+=("ratio $(printf '%.2f' "$ratio") above $target")
bench_verdict validate_data "$(printf 'ratio=%.2f target<=%s' "$ratio" "$target")" "${failures[@]}" || exit 1
