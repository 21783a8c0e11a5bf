#!/usr/bin/env bash
# Sets up a fresh machine and runs the demo end to end: validate, plan and price, run through the gates,
# then show the leaderboard.
set -euo pipefail
cd "$(dirname "$0")"
bash .ci/install-deps
swift build -c release --static-swift-stdlib -Xswiftc -static-executable
sota=.build/release/sota
"$sota" validate config configs/train_burgers_golden.yaml configs/small_eval.yaml configs/full_eval.yaml configs/prices.yaml
"$sota" validate data configs/train_burgers_golden.yaml
"$sota" dry-run configs/train_burgers_golden.yaml --estimate-only
"$sota" run --train-config configs/train_burgers_golden.yaml
"$sota" leaderboard
