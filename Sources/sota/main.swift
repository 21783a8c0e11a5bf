import Glibc
import SotaLeaderboardQuery

// `sota` is a small dispatcher, like `git`: the one command that must start fast (`sota leaderboard`) is answered
// here without loading Foundation, GRDB or ArgumentParser; everything else, and every case the fast path declines,
// runs in the full command line, `sota-core`, which this process becomes with execv (same pid, same arguments).

/// The value of environment variable `name`, if set.
func environment(_ name: String) -> String? {
    getenv(name).map { String(cString: $0) }
}

/// This executable's own path, from /proc/self/exe (which resolves symbolic links, so a linked `sota` still finds
/// the real `sota-core` beside the real binary).
func executablePath() -> String {
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    guard count > 0 else { return CommandLine.arguments[0] }
    return String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// Answers `sota leaderboard` here when the fast path can, else becomes `sota-core`; never returns.
///
/// A function rather than top-level statements: top-level variables are main-actor isolated in Swift 6, and the
/// isolation checks would link the concurrency runtime (and libdispatch) into this small binary.
func dispatch() -> Never {
    // SOTA_NO_FAST_PATH (any value but empty or 0) sends every command to sota-core: for tests that compare the
    // two paths, and as an escape hatch.
    let noFastPath = environment("SOTA_NO_FAST_PATH") ?? ""
    if noFastPath.isEmpty || noFastPath == "0" {
        var directory = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let workingDirectory = getcwd(&directory, directory.count).map { String(cString: $0) }
        if let status = QuickLeaderboard.run(arguments: Array(CommandLine.arguments.dropFirst()), environment: environment,
                                             workingDirectory: workingDirectory) {
            exit(status)
        }
    }
    let me = executablePath()
    let core = me.lastIndex(of: "/").map { String(me[...$0]) + "sota-core" } ?? "sota-core"
    execv(core, CommandLine.unsafeArgv)
    let reason = String(cString: strerror(errno))
    let message = Array("sota: cannot start sota-core next to \(me): \(reason)\n".utf8)
    _ = message.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    exit(70)
}

dispatch()
