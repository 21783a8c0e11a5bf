import SotaSupport
@testable import SotaCommands
import SotaTestSupport

/// Runs `sota` in-process with a capturing console.
struct CommandRun {
    var status: Int32
    var out: String
    var err: String

    /// Runs `arguments`; `pathPrefix` puts a folder of stand-in programs before the real PATH.
    init(_ arguments: [String], in directory: String, environment: [String: String] = ["PATH": "/usr/local/bin:/usr/bin:/bin"],
         pathPrefix: String? = nil) {
        var environment = environment
        if let path = ProcessInfo.processInfo.environment["PATH"] { environment["PATH"] = path }
        if let pathPrefix { environment["PATH"] = pathPrefix + ":" + (environment["PATH"] ?? "/usr/bin:/bin") }
        let console = Console.capturing()
        let context = CommandContext(console: console, environment: environment, workingDirectory: directory)
        status = Sota.main(arguments: arguments, context: context)
        out = console.capturedOut
        err = console.capturedErr
    }
}

import Foundation

/// The fixture project shipped with the tests.
enum Fixtures {
    static var project: String { Paths.join(Repository.root, "Tests/SotaCommandsTests/Fixtures/project") }
}
