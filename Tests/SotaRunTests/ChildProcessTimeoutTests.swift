import Foundation
import SotaSupport
import SotaRun
import SotaTestSupport
import Testing

/// Timeouts as long as a config may state (up to a year) are waited out in short polls, never converted to a
/// millisecond count that overflows (found by the issue 13 audit: 25 days is more milliseconds than an Int32 holds).
@Suite struct ChildProcessTimeoutTests {
    @Test func aTimeoutOfWeeksDoesNotOverflowThePollInterval() throws {
        let folder = TemporaryDirectory()
        for days in [30.0, 365] {
            let child = ChildProcess(executable: "/bin/sh", arguments: ["sh", "-c", "sleep 0.3"], environment: [:],
                                     workingDirectory: folder.path, logFile: folder.url("child.log"),
                                     timeout: DurationValue(seconds: days * 86_400), gracePeriod: DurationValue(seconds: 1))
            #expect(try child.run() == .exited(0), "\(days) days")
        }
    }
}
