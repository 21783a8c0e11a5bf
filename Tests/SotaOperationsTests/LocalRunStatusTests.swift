import Foundation
import SotaSupport
import SotaRunRecord
@testable import SotaOperations
import SotaTestSupport
import Testing

/// How `sota status` names a local run's state from its manifest and its lock.
@Suite struct LocalRunStatusTests {
    @Test func theLockTellsALiveRunFromAKilledOne() {
        #expect(LocalRunStatus.state(of: .running, live: true) == .running)
        #expect(LocalRunStatus.state(of: .pending, live: true) == .running)
        #expect(LocalRunStatus.state(of: .running, live: false) == .interrupted, "killed: the manifest was never told")
        #expect(LocalRunStatus.state(of: .interrupted, live: false) == .interrupted)
        #expect(LocalRunStatus.state(of: .failed, live: false) == .failed)
        #expect(LocalRunStatus.state(of: .failed, live: true) == .running, "a resume is under way")
        #expect(LocalRunStatus.state(of: .succeeded, live: false) == .finished)
        #expect(LocalRunStatus.state(of: .rejected, live: true) == .finished)
    }

    @Test func aTaskOfALaunchedSweepNamesItsLaunch() {
        let folder = TemporaryDirectory()
        folder.write("sweep-20261123-141503-9f3a2b1c/launch.json", "{}")
        #expect(LocalRunStatus.launch(of: "20261123-141503-9f3a2b1c-2", runsFolder: folder.path) == "sweep-20261123-141503-9f3a2b1c")
        #expect(LocalRunStatus.launch(of: "20261123-141503-9f3a2b1c", runsFolder: folder.path) == nil)
        #expect(LocalRunStatus.launch(of: "20261124-000000-00000000-2", runsFolder: folder.path) == nil)
        #expect(LocalRunStatus.launch(of: "20261123-141503-9f3a2b1c-", runsFolder: folder.path) == nil)
    }
}
