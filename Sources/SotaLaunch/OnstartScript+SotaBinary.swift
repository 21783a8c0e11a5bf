import SotaSupport

extension OnstartScript {
    /// `fetch URL FILE`: an HTTP(S) download with whatever the image has. An ordinary CUDA + Python image (the
    /// README's default, `pytorch/pytorch:…-runtime`) has python3 but neither curl nor wget, so urllib is the last
    /// resort rather than an error.
    static let fetchFunction: [ScriptText] = [
        "fetch() {",
        "  if command -v curl >/dev/null 2>&1; then curl -fsSL --retry 3 -o \"$2\" --url \"$1\"",
        "  elif command -v wget >/dev/null 2>&1; then wget -q -O \"$2\" -- \"$1\"",
        "  else python3 -c 'import sys, urllib.request as u; u.urlretrieve(sys.argv[1], sys.argv[2])' \"$1\" \"$2\"",
        "  fi",
        "}",
        "",
    ]

    /// `sha256_hex FILE`: the file's SHA-256 in lower-case hexadecimal, from coreutils' sha256sum or Python's hashlib.
    static let sha256Function: [ScriptText] = [
        "sha256_hex() {",
        "  if command -v sha256sum >/dev/null 2>&1; then local line; line=$(sha256sum -- \"$1\") && echo \"${line%% *}\"",
        "  else python3 -c 'import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], \"rb\").read()).hexdigest())' \"$1\"",
        "  fi",
        "}",
        "",
    ]

    /// The `install_sota` function for a verified fetch: the binary (or tarball) is fetched into the work folder,
    /// its SHA-256 compared with the one the launch recorded, and only then unpacked and put first on PATH. A
    /// mismatch returns 1, which (under `set -e`) ends the script through its EXIT trap: the log is uploaded and the
    /// instance shut down, and nothing fetched has run. `words` collects the values quoted into the lines.
    static func installFunction(_ install: OnstartSpec.Install, words: inout [ShellWord]) throws(ScriptValueError) -> [ScriptText] {
        let source: ShellWord, hash: ShellWord, copy: ScriptText
        switch install {
        case .download(let url, let sha256):
            source = try ShellWord(url, role: "launch.vast.sota_binary.url")
            hash = try ShellWord(sha256, role: "launch.vast.sota_binary.sha256")
            copy = "  fetch \"$sota_url\" \"$file\""
        case .uploaded(let url, let sha256):
            source = try ShellWord(url.text, role: "the uploaded sota binary")
            hash = try ShellWord(sha256, role: "the uploaded sota binary's SHA-256")
            switch url.scheme {
            case .file:
                let path = try ShellWord(url.filePath ?? "/", role: "the uploaded sota binary")
                words.append(path)
                copy = "  cp -- \(path) \"$file\""
            case .s3: copy = "  aws s3 cp --only-show-errors \"$sota_url\" \"$file\""
            case .b2: copy = "  b2 file download \"$sota_url\" \"$file\""
            case .http, .https: copy = "  fetch \"$sota_url\" \"$file\""
            }
        case .buildFromRepository, .command:
            return []
        }
        words += [source, hash]
        // A release tarball holds a top folder with `sota` in it; anything that is not gzip is the binary itself. The
        // lines are terse on purpose: the whole script must fit Vast's onstart field once compressed.
        return [
            "sota_url=\(source)",
            "sota_sha256=\(hash)",
            "install_sota() {",
            "  local dir=\"$work/sota-bin\" file=\"$work/sota.download\" sum binary",
            "  rm -rf -- \"$dir\" \"$file\" && mkdir -p -- \"$dir\"",
            copy,
            "  sum=$(sha256_hex \"$file\")",
            "  if [ \"$sum\" != \"$sota_sha256\" ]; then",
            "    echo \"sota onstart: refusing to run sota from $sota_url: SHA-256 $sum, expected $sota_sha256\" >&2; return 1",
            "  fi",
            "  if gzip -t -- \"$file\" 2>/dev/null; then tar -xzf \"$file\" -C \"$dir\"; else mv -- \"$file\" \"$dir/sota\"; fi",
            "  for binary in \"$dir/sota\" \"$dir\"/*/sota; do [ -f \"$binary\" ] && break; done",
            "  chmod +x -- \"$binary\"",
            "  PATH=\"${binary%/sota}:$PATH\"",
            "  echo \"sota onstart: sota from $sota_url verified (sha256 $sota_sha256)\"",
            "}",
            "",
        ]
    }
}
