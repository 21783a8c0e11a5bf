import Foundation
import SotaSupport
import Synchronization

/// A program run to completion with its output captured.
public struct ProgramRun: Sendable {
    /// The exit status (128 + signal when killed).
    public var status: Int32
    /// Standard output.
    public var out: String
    /// Standard error.
    public var err: String

    /// Runs `arguments[0]` (looked up on PATH) with the rest as arguments, `input` on standard input.
    public init(_ arguments: [String], in directory: String? = nil, environment: [String: String]? = nil, input: String = "") throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        if let environment { process.environment = environment }
        let (inPipe, outPipe, errPipe) = (Pipe(), Pipe(), Pipe())
        process.standardInput = inPipe
        process.standardOutput = outPipe
        process.standardError = errPipe
        try process.run()
        inPipe.fileHandleForWriting.write(Data(input.utf8))
        try? inPipe.fileHandleForWriting.close()
        // Read standard error on another thread so a child filling one pipe never blocks on the other.
        let errData = Mutex<Data>(Data())
        let errDone = DispatchSemaphore(value: 0)
        Thread {
            let data = errPipe.fileHandleForReading.readDataToEndOfFile()
            errData.withLock { $0 = data }
            errDone.signal()
        }.start()
        let outData = outPipe.fileHandleForReading.readDataToEndOfFile()
        errDone.wait()
        process.waitUntilExit()
        status = process.terminationStatus
        out = String(decoding: outData, as: UTF8.self)
        err = String(decoding: errData.withLock { $0 }, as: UTF8.self)
    }

    /// Runs the program as the initializer does, on a thread of its own (see ``onOwnThread(_:)``), and awaits its end.
    public static func run(_ arguments: [String], in directory: String? = nil, environment: [String: String]? = nil,
                           input: String = "") async throws -> ProgramRun {
        try await onOwnThread { try ProgramRun(arguments, in: directory, environment: environment, input: input) }
    }

    /// Whether `program` is on PATH.
    public static func exists(_ program: String) -> Bool {
        Paths.findExecutable(program, path: ProcessInfo.processInfo.environment["PATH"], relativeTo: "/") != nil
    }
}
