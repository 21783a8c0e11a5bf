#!/usr/bin/env bash
# Makes the release: dist/sota-VERSION-linux-ARCH.tar.gz holding the static, stripped binary, its man page,
# bash/zsh/fish completions, LICENSE, README.md, an installing Makefile and SHA256SUMS of all of them; beside it
# dist/sota-VERSION-linux-ARCH.tar.gz.sha256, the checksum a `sota.yaml` names to download it onto an instance.
#
#   scripts/release.sh            build, package, and print what was made
#
# The binary is built with the packaging command (see Package.swift) from the checked-out commit, which it must
# name in `sota --version`; the man page comes from the command definitions through swift-argument-parser's
# generate-manual plugin, and the completions from the binary itself, so neither can drift from `--help`.
set -euo pipefail
cd "$(dirname "$0")/.."

# The size the shipped binary must stay under; a bigger one is a regression, not a release.
max_bytes=30000000

commit=$(git rev-parse HEAD 2>/dev/null || echo unknown)
export SOTA_COMMIT=$commit
swift build -c release --static-swift-stdlib -Xswiftc -static-executable
built=.build/release/sota
linkage=$(ldd "$built" 2>&1 || true)
if [[ $linkage != *"not a dynamic executable"* ]]; then
  echo "error: $built is not a fully static executable: $linkage" >&2
  exit 1
fi

line=$("$built" --version)
version=$(sed -n 's/^sota \([0-9][0-9.]*[0-9A-Za-z.-]*\) (.*$/\1/p' <<<"$line")
if [[ -z $version ]]; then
  echo "error: cannot read the version from \`sota --version\`: $line" >&2
  exit 1
fi
if [[ $commit != unknown && $line != *"(${commit:0:12})"* ]]; then
  echo "error: the binary says \`$line\` but was built from $commit" >&2
  exit 1
fi

arch=$(uname -m)
name=sota-$version-linux-$arch
stage=dist/$name
rm -rf "$stage" "dist/$name.tar.gz" "dist/$name.tar.gz.sha256"
mkdir -p "$stage/completions"

strip -o "$stage/sota" "$built"
size=$(stat -c %s "$stage/sota")
if (( size > max_bytes )); then
  echo "error: the stripped binary is $size bytes, over the $max_bytes the release allows" >&2
  exit 1
fi

# The plugin builds the products (debug is enough: the page comes from the command definitions) and writes the page
# under .build/plugins.
date=$(git log -1 --format=%cs 2>/dev/null || date -u +%F)
swift package generate-manual --configuration debug --date "$date" --authors "the sota developers" >/dev/null
# A blank line in a command's discussion is an empty input line to mdoc, which man warns about: it is a paragraph.
sed 's/^$/.Pp/' .build/plugins/GenerateManual/outputs/sota/sota.1 > "$stage/sota.1"
if man -l "$stage/sota.1" 2>&1 >/dev/null | grep -q .; then
  echo "error: the man page renders with warnings:" >&2
  man -l "$stage/sota.1" 2>&1 >/dev/null | head >&2
  exit 1
fi

"$stage/sota" --generate-completion-script bash > "$stage/completions/sota.bash"
"$stage/sota" --generate-completion-script zsh > "$stage/completions/_sota"
"$stage/sota" --generate-completion-script fish > "$stage/completions/sota.fish"
cp LICENSE README.md "$stage/"
cp scripts/install.mk "$stage/Makefile"
(cd "$stage" && sha256sum sota sota.1 completions/sota.bash completions/_sota completions/sota.fish LICENSE README.md Makefile > SHA256SUMS)

# Same bytes from the same commit: sorted names, fixed owner and times, gzip without a timestamp.
mtime=$(git log -1 --format=%ct 2>/dev/null || echo 0)
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$mtime" -C dist -cf - "$name" | gzip -n -9 > "dist/$name.tar.gz"
(cd dist && sha256sum "$name.tar.gz" > "$name.tar.gz.sha256")

echo "made dist/$name.tar.gz ($(stat -c %s "dist/$name.tar.gz") bytes)"
echo "  $line, binary $size bytes (stripped, static)"
echo "  sha256 $(cut -d' ' -f1 "dist/$name.tar.gz.sha256")"
