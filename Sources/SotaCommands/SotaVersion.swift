import CSotaBuildInfo

/// What `sota --version` prints: the release and the commit it was built from, as `sota 0.2.0 (2504873a1c4e)`.
package enum SotaVersion {
    /// The release, in semantic-versioning form; the release script names its tarball after it.
    package static let release = "0.2.0"

    /// The full commit id the binary was built from, or "unknown".
    package static let commit = String(cString: sota_build_commit())

    /// The line `--version` prints, program name first as in `rg --version` (ArgumentParser prints it as given).
    package static var line: String {
        "sota \(release) (" + (commit == "unknown" ? "commit unknown" : String(commit.prefix(12))) + ")"
    }
}
