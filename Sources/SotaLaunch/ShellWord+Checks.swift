import SotaSupport

/// The shell words whose text sota checks before quoting: run ids and commit ids stand after options on command lines,
/// so they must not read as options or carry anything but their own characters.
extension ShellWord {
    /// A run id as a word: letters, digits, `.`, `_` and `-`, starting with a letter or digit, as sota makes them. A
    /// run id names a folder and a Slurm log, and stands after options on command lines.
    init(runID: String, role: String = "the run id") throws(ScriptValueError) {
        let allowed = runID.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0)) }
        guard let first = runID.unicodeScalars.first, allowed, first.properties.isAlphabetic || ("0"..."9").contains(first) else {
            throw ScriptValueError(value: runID, role: role, reason: "a run id holds only letters, digits, `.`, `_` and `-`, and starts with a letter or digit")
        }
        try self.init(runID, role: role)
    }

    /// A git commit id as a word: 4 to 64 hexadecimal digits, so `git checkout` never reads it as an option.
    init(commit: String) throws(ScriptValueError) {
        guard (4...64).contains(commit.count), commit.allSatisfy(\.isHexDigit) else {
            throw ScriptValueError(value: commit, role: "the commit", reason: "a commit id is 4 to 64 hexadecimal digits")
        }
        try self.init(commit, role: "the commit")
    }
}
