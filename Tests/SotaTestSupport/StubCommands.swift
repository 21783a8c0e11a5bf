import Foundation
import SotaSupport

/// A scrubbed `PATH` for running a generated script: a folder holding exactly the real programs named (bash and
/// coreutils, say: what an image has) and stub programs that record every call, so a test sees each argument as
/// the program received it and can tell what the script ran.
public final class StubCommands: @unchecked Sendable {
    /// The folder that is the whole `PATH`.
    public let bin: String
    /// The folder the stubs record their calls in, one file per call.
    public let calls: String

    /// The real programs a bare image with bash and coreutils has (plus gzip, which Debian and Ubuntu always have).
    public static let bashAndCoreutils = ["bash", "cat", "cp", "mkdir", "mv", "rm", "tee", "sleep", "mktemp", "base64", "gzip", "gunzip",
                                          "env", "ls", "touch", "chmod", "head", "tr", "dirname", "basename", "true", "false"]

    /// Creates the folder under `folder` with links to the real `programs` (found on this machine's PATH).
    public init(in folder: TemporaryDirectory, real programs: [String] = StubCommands.bashAndCoreutils) {
        bin = folder.url("stub-bin")
        calls = folder.url("stub-calls")
        try? FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        try? FileManager.default.createDirectory(atPath: calls, withIntermediateDirectories: true)
        let path = ProcessInfo.processInfo.environment["PATH"]
        for program in programs {
            guard let found = Paths.findExecutable(program, path: path, relativeTo: "/") else { continue }
            try? FileManager.default.createSymbolicLink(atPath: Paths.join(bin, program), withDestinationPath: Self.realPath(found))
        }
    }

    /// The command line that runs `script` with the real bash and every signal unblocked, as on an instance: the
    /// test runner's threads block some signals, and a child started from them inherits that mask, which would hide
    /// a SIGTERM from the script.
    public func bashCommand(_ script: String) -> [String] {
        let bash = Self.realPath(Paths.findExecutable("bash", path: ProcessInfo.processInfo.environment["PATH"], relativeTo: "/") ?? "/bin/bash")
        return [Python.executable, "-c", "import os, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, set()); os.execv(sys.argv[1], sys.argv[1:])",
                bash, script]
    }

    /// Adds the real `python3` (the interpreter itself, not a version manager's shim).
    public func addRealPython() throws {
        try FileManager.default.createSymbolicLink(atPath: Paths.join(bin, "python3"), withDestinationPath: Python.executable)
    }

    /// Adds a stub `name` that records its arguments, then runs `body` (bash) with them.
    public func stub(_ name: String, _ body: String = "exit 0") {
        let bash = Self.realPath(Paths.findExecutable("bash", path: ProcessInfo.processInfo.environment["PATH"], relativeTo: "/") ?? "/bin/bash")
        let script = """
        #!\(bash)
        call="\(calls)/\(name).$$.$RANDOM$RANDOM"
        printf '%s\\0' "$@" >"$call"
        \(body)

        """
        let path = Paths.join(bin, name)
        _ = FileManager.default.createFile(atPath: path, contents: Data(script.utf8))
        chmod(path, 0o755)
    }

    /// Every call of `name`, each as its argument list, in no particular order.
    public func calls(of name: String) -> [[String]] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: calls)) ?? []
        return files.filter { $0.hasPrefix(name + ".") }.sorted().compactMap { file in
            guard let data = FileManager.default.contents(atPath: Paths.join(calls, file)) else { return nil }
            return String(decoding: data, as: UTF8.self).split(separator: "\0", omittingEmptySubsequences: false).dropLast().map(String.init)
        }
    }

    /// Files named `name` anywhere under `folder`: what an injected `touch NAME` leaves.
    public static func files(named name: String, under folder: String) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: folder) else { return [] }
        var found: [String] = []
        while let item = walker.nextObject() as? String {
            if Paths.lastComponent(of: item) == name { found.append(item) }
        }
        return found
    }

    private static func realPath(_ path: String) -> String {
        URL(fileURLWithPath: path).resolvingSymlinksInPath().path
    }
}
