import FoundationEssentials
import SotaSupport

/// Where an instance fetches data from or uploads results to: a local folder, S3, Backblaze B2 or HTTP(S).
package struct StorageURL: Sendable, Equatable, CustomStringConvertible {
    /// The kinds of storage the onstart script knows how to reach, each with its own tool.
    package enum Scheme: String, Sendable, CaseIterable {
        /// A folder on the instance's file system (`file:///path`): `cp`.
        case file
        /// Amazon S3 or any S3-compatible store (`s3://bucket/key`): `aws s3 cp`.
        case s3
        /// Backblaze B2 (`b2://bucket/key`): the `b2` command.
        case b2
        /// Plain HTTPS download (read-only): `curl`.
        case https
        /// Plain HTTP download (read-only; loopback and test servers): `curl`.
        case http
    }

    /// The scheme.
    package var scheme: Scheme
    /// The URL as written, without a trailing slash.
    package var text: String

    /// Parses `text`, or explains what is wrong with it.
    package static func parse(_ text: String) -> Result<StorageURL, StorageURLError> {
        // A refusal echoes the URL with any credential masked, so it does not print the secret it refuses.
        let shown = URLUserinfo.masked(text)
        guard let colon = text.firstRange(of: "://") else {
            return .failure(StorageURLError(text: shown, reason: "it has no scheme; use file:///path, s3://bucket/path, b2://bucket/path or https://host/path"))
        }
        let name = String(text[..<colon.lowerBound]).lowercased()
        guard let scheme = Scheme(rawValue: name) else {
            return .failure(StorageURLError(text: shown, reason: "scheme `\(name)` is not one of file, s3, b2, https, http"))
        }
        // The URL is written into the onstart script, launch.json and the launch's output: a credential in it would
        // be copied into all three. Storage keys travel as instance environment variables instead.
        if URLUserinfo.isPresent(in: text) {
            return .failure(StorageURLError(text: shown, reason: "it carries a credential (`user:password@`), which would be copied into "
                + "the onstart script and launch.json; s3:// and b2:// take their keys from AWS_* and B2_* variables, "
                + "and an http(s) source must be readable without one"))
        }
        var trimmed = text
        while trimmed.hasSuffix("/"), trimmed.count > name.count + 4 { trimmed.removeLast() }
        let rest = trimmed[colon.upperBound...]
        if scheme == .file {
            guard rest.hasPrefix("/") else { return .failure(StorageURLError(text: shown, reason: "a file URL needs an absolute path: file:///path")) }
        } else if rest.isEmpty || rest.hasPrefix("/") {
            return .failure(StorageURLError(text: shown, reason: "it names no \(scheme == .s3 || scheme == .b2 ? "bucket" : "host")"))
        }
        if text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0 == "\u{2028}" || $0 == "\u{2029}" }) {
            return .failure(StorageURLError(text: shown, reason: "it contains a line break or another control character"))
        }
        return .success(StorageURL(scheme: scheme, text: trimmed))
    }

    /// The local path of a `file://` URL (percent escapes decoded).
    package var filePath: String? {
        guard scheme == .file else { return nil }
        let raw = String(text.dropFirst("file://".count))
        return PercentEncoding.decoded(raw) ?? raw
    }

    /// True for schemes that can receive uploads.
    package var isWritable: Bool { scheme == .file || scheme == .s3 || scheme == .b2 }

    /// The URL of `name` under this one.
    package func appending(_ name: String) -> StorageURL {
        StorageURL(scheme: scheme, text: text + "/" + name)
    }

    package var description: String { text }
}

/// A storage URL that cannot be used, and why.
package struct StorageURLError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The URL as given, any credential in it masked (``URLUserinfo/masked(_:)``).
    package var text: String
    /// What is wrong with it.
    package var reason: String

    package var description: String { "`\(text)` is not a storage URL: \(reason)" }
}
