#!/usr/bin/env bash
# Installs a release tarball as a user would and runs the demo with the installed sota, on a machine state without
# Swift: PATH holds only the install prefix and the system's folders (no toolchain), HOME is empty, the environment
# is otherwise cleared. Also checks the man page renders and the shells find the completions.
#
#   scripts/install-test.sh dist/sota-VERSION-linux-ARCH.tar.gz
set -euo pipefail
tarball=$(realpath "${1:?usage: scripts/install-test.sh dist/sota-VERSION-linux-ARCH.tar.gz}")
repo=$(realpath "$(dirname "$0")/..")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix
mkdir -p "$work/home" "$work/project"

fail() { echo "install test: $*" >&2; exit 1; }
# Everything below runs as a new user's shell would: nothing from this one's environment.
clean() { env -i PATH="$prefix/bin:/usr/local/bin:/usr/bin:/bin" HOME="$work/home" LANG=C.UTF-8 TERM=dumb "$@"; }

tar -xzf "$tarball" -C "$work"
unpacked=$(find "$work" -maxdepth 1 -name 'sota-*' -type d)
[[ -d $unpacked ]] || fail "the tarball holds no sota-VERSION-linux-ARCH folder"
(cd "$unpacked" && sha256sum --quiet -c SHA256SUMS) || fail "SHA256SUMS does not match the unpacked files"
clean make -s -C "$unpacked" install PREFIX="$prefix"

if clean sh -c 'command -v swift swiftc' >/dev/null; then fail "swift is still on the scrubbed PATH"; fi
[[ $(clean sh -c 'command -v sota') == "$prefix/bin/sota" ]] || fail "the installed sota is not the one on PATH"
file "$prefix/bin/sota" | grep -q "statically linked" || fail "the installed sota is not statically linked"
clean sota --version

# The man page renders, and `man sota` finds it from the prefix's bin folder on PATH (man-db's manpath rule).
clean man -l "$prefix/share/man/man1/sota.1" | grep -q "sota" || fail "man -l does not render the page"
[[ $(clean man -w sota) == "$prefix/share/man/man1/sota.1" ]] || fail "man sota does not find the installed page"
# bash-completion loads completions/sota on demand; here it is sourced directly and must register for sota.
clean bash -c "source '$prefix/share/bash-completion/completions/sota' && complete -p sota" | grep -q sota \
  || fail "the bash completion does not register"

# The demo project, as a team's repository would hold it (tracked files only), in its own git repository.
(cd "$repo" && git ls-files -z .gitignore configs data scripts sota.yaml experiments experiments-archive | xargs -0 tar -cf -) | tar -xf - -C "$work/project"
cd "$work/project"
clean git init -q && clean git -c user.email=ci@example.com -c user.name=ci add -A \
  && clean git -c user.email=ci@example.com -c user.name=ci commit -qm demo
clean sota validate config configs/train_burgers_golden.yaml configs/small_eval.yaml configs/full_eval.yaml configs/prices.yaml
clean sota validate data configs/train_burgers_golden.yaml
clean sota dry-run configs/train_burgers_golden.yaml --estimate-only
clean sota run --train-config configs/train_burgers_golden.yaml
clean sota leaderboard | tee "$work/board.txt"
grep -q "train_burgers_golden\|burgers" "$work/board.txt" || fail "the leaderboard does not list the demo run"
echo "install test: passed ($(basename "$tarball"))"
