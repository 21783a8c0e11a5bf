#!/usr/bin/env bash
# Renders a report page in headless Chromium and saves a screenshot, to look at what `sota report --weekly` made.
#   scripts/screenshot-report.sh reports/2026-W02/report.html report.png [WIDTH,HEIGHT]
# Needs chromium (Debian: apt-get install -y chromium). The page is self-contained, so no network is used.
set -euo pipefail
if (($# < 2)); then
  echo "usage: $0 REPORT.html OUT.png [WIDTH,HEIGHT (default 1280,2400)]" >&2
  exit 64
fi
report=$1 out=$2 size=${3:-1280,2400}
[ -f "$report" ] || { echo "error: $report: no such file" >&2; exit 1; }
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[ -n "$browser" ] || { echo "error: chromium not found; install it with: apt-get install -y chromium" >&2; exit 1; }
absolute() { case $1 in /*) printf '%s\n' "$1" ;; *) printf '%s/%s\n' "$PWD" "$1" ;; esac; }
report=$(absolute "$report") out=$(absolute "$out")
# A throwaway profile keeps the run from touching (or waiting on) the user's own browser profile.
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$profile" \
  --no-first-run --no-default-browser-check --disable-extensions --disable-dev-shm-usage \
  --screenshot="$out" --window-size="$size" "file://$report" >/dev/null 2>&1
[ -s "$out" ] || { echo "error: chromium wrote no screenshot to $out" >&2; exit 1; }
echo "$out"
