import FoundationEssentials
import SotaSupport

/// The instance's onstart script for one run: a pure function of an ``OnstartSpec``.
///
/// The script first fetches sota and checks its SHA-256 before anything else runs (or, when asked, builds it after
/// the checkout), clones the repository at the recorded commit (or, when a container restart runs it again, resumes
/// the run in the checkout it left), fetches and verifies the dataset, runs `sota run` with
/// the launch's run id, and — from an EXIT trap, so on failure too — uploads whatever run directory exists together
/// with its own log, then stops or destroys the instance through the Vast API with whichever HTTP client the image
/// has, or stops the container itself when it has none. Every value from the spec is a ``ShellWord`` in
/// ``ScriptText``; secrets appear only as `$NAME` references to the environment.
package struct OnstartScript: Sendable {
    /// The most characters Vast accepts in an instance's onstart field.
    package static let vastLimit = 4048

    /// The full script.
    package var text: String

    /// Generates the script for `spec`.
    ///
    /// - Throws: ``ScriptValueError`` for a value no shell word can carry (a NUL).
    package init(_ spec: OnstartSpec) throws(ScriptValueError) {
        text = try Self.render(spec)
    }

    /// The text to send as the instance's onstart: the script itself when it fits Vast's limit, otherwise a
    /// self-extracting stub holding it gzip-compressed and base64-encoded.
    ///
    /// - Throws: ``OnstartTooLong`` when even the compressed stub is over the limit.
    package func payload(limit: Int = OnstartScript.vastLimit) throws(OnstartTooLong) -> String {
        if text.count <= limit { return text }
        let stub = Self.compressedStub(for: text)
        guard stub.count <= limit else { throw OnstartTooLong(plain: text.count, compressed: stub.count, limit: limit) }
        return stub
    }

    /// A script that decodes `script` into a temporary file and runs it with bash.
    ///
    /// Decoding to a file rather than piping into `bash` keeps the script off bash's standard input, where any
    /// command that reads its input (a child asking a question, `ssh`) would otherwise swallow the rest of it. The
    /// file is opened on descriptor 9 and removed before bash starts reading it, so no copy of the script stays on
    /// the instance's disk, whatever happens to the run.
    package static func compressedStub(for script: String) -> String {
        // One line of base64: `base64 -d` needs no line breaks, and the ~50 they took are worth keeping under the limit.
        let encoded = Gzip.compress(Array(script.utf8)).base64EncodedString()
        let lines: [ScriptText] = [
            "#!/bin/bash",
            "# sota onstart, gzip + base64: the script is longer than Vast's \(vastLimit)-character onstart limit.",
            "set -euo pipefail",
            "script=$(mktemp)",
            "base64 -d <<'SOTA_ONSTART' | gunzip >\"$script\"",
            ScriptText(base64: encoded) ,
            "SOTA_ONSTART",
            "exec 9<\"$script\"",
            "rm -f -- \"$script\"",
            "exec bash /dev/fd/9",
        ]
        return ScriptText.lines(lines)
    }
}

/// An onstart script too long for Vast even when compressed.
package struct OnstartTooLong: Error, Sendable, CustomStringConvertible {
    /// Characters in the plain script.
    package var plain: Int
    /// Characters in the compressed stub.
    package var compressed: Int
    /// The limit.
    package var limit: Int

    package var description: String {
        "the onstart script has \(plain) characters (\(compressed) compressed); Vast accepts at most \(limit). Shorten the overrides or the install command"
    }
}
