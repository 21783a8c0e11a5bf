import Foundation
import SotaSupport

/// A folder under the system's temporary directory, removed when the value is released.
public final class TemporaryDirectory: @unchecked Sendable {
    /// The folder's absolute path.
    public let path: String

    /// Creates an empty folder.
    public init() {
        var template = Array("\(NSTemporaryDirectory())/sota-test-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { fatalError("mkdtemp failed") }
        path = Paths.normalize(String(cString: made))
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// The absolute path of `relative` inside the folder.
    public func url(_ relative: String) -> String { Paths.join(path, relative) }

    /// Writes text to `relative`, creating folders, and returns the absolute path.
    @discardableResult
    public func write(_ relative: String, _ text: String) -> String {
        write(relative, Array(text.utf8))
    }

    /// Writes bytes to `relative`, creating folders, and returns the absolute path.
    @discardableResult
    public func write(_ relative: String, _ bytes: [UInt8]) -> String {
        let target = url(relative)
        try? FileManager.default.createDirectory(atPath: Paths.parent(of: target), withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: target, contents: Data(bytes))
        return target
    }

    /// Copies a file or folder into the temporary folder under `relative`.
    public func copy(_ source: String, to relative: String) {
        let target = url(relative)
        try? FileManager.default.createDirectory(atPath: Paths.parent(of: target), withIntermediateDirectories: true)
        try? FileManager.default.copyItem(atPath: source, toPath: target)
    }
}

/// Paths of the repository the tests run from.
public enum Repository {
    /// The repository root (the folder holding Package.swift).
    public static var root: String {
        var folder = Paths.parent(of: #filePath)
        while Paths.kind(of: Paths.join(folder, "Package.swift")) != .file, folder != "/" {
            folder = Paths.parent(of: folder)
        }
        return folder
    }
}

/// The built `sota` executable the tests that must run the real program use.
public enum SotaBinary {
    /// `$SOTA_BINARY` (CI's release build), else the `sota` of the build the test bundle belongs to, else
    /// `.build/debug/sota`.
    public static var path: String {
        if let explicit = ProcessInfo.processInfo.environment["SOTA_BINARY"] { return explicit }
        // The test bundle sits beside the products of the same build.
        var folder = Paths.parent(of: Paths.absolute(CommandLine.arguments[0], relativeTo: Paths.currentDirectory))
        while folder != "/" {
            let candidate = Paths.join(folder, "sota")
            if Paths.isExecutableFile(candidate) { return candidate }
            folder = Paths.parent(of: folder)
        }
        return Paths.join(Repository.root, ".build/debug/sota")
    }
}
