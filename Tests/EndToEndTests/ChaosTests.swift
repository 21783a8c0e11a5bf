import Foundation
import SotaSupport
import SotaTestSupport
import Testing

/// Kills `sota run` with SIGKILL at random moments, to its pid or to its whole process group, resumes, and kills again:
/// no child may outlive sota by a second, no stage may run twice at once, and the run must finish.
///
/// `SOTA_CHAOS_KILLS` sets the number of kills (5 by default, so `swift test` stays quick; CI runs 12),
/// `SOTA_CHAOS_DEMO=1` runs the built-in demo's real
/// programs instead of quick shell stages, and `SOTA_CHAOS_SEED` picks the random sequence.
@Suite struct ChaosTests {
    /// What one chaos session saw.
    struct Tally: CustomStringConvertible {
        var kills = 0
        var orphans: [String] = []
        var doubles: [String] = []
        var attempts = 0
        var description: String {
            "\(kills) kills in \(attempts) attempts, \(orphans.count) orphans, \(doubles.count) stages running twice"
        }
    }

    /// A project whose stages take a moment each and record a stage that runs while another copy of it still runs.
    private func scriptedProject() -> TemporaryDirectory {
        let folder = TemporaryDirectory()
        folder.write("sota.yaml", "project: chaos\n")
        // flock on one file per stage: a second copy of a running stage finds it taken and says so.
        folder.write("train.sh", """
        set -e
        exec 9>>"stage-$1.lock"
        flock -n 9 || echo "$1" >> doubles.txt
        sleep 0.15
        echo "$1" > "$2/$1.out"
        """)
        folder.write("evaluate.sh", """
        set -e
        exec 9>>"stage-eval.lock"
        flock -n 9 || echo eval >> doubles.txt
        sleep 0.1
        echo '{"nrmse": 0.1}' > "$1"
        """)
        folder.write("train.yaml", """
        experiment: chaos
        seed: 3
        training:
          command: [bash, train.sh, "{stage}", "{checkpoint_dir}"]
          epochs: 1
          learning_rate: 0.1
          checkpoint: d.out
          stages: [{name: a, outputs: [a.out]}, {name: b, outputs: [b.out]}, {name: c, outputs: [c.out]}, {name: d, outputs: [d.out]}]
        resources: {platform: cpu}
        pipeline: {small_eval: eval.yaml, full_eval: eval.yaml}
        """)
        folder.write("eval.yaml", """
        evaluation: {command: [bash, evaluate.sh, "{metrics}"], metrics: metrics.json}
        gates: [{metric: nrmse, direction: lower, threshold: 0.5}]
        """)
        return folder
    }

    private func demoProject() -> TemporaryDirectory {
        let folder = TemporaryDirectory()
        for item in ["sota.yaml", "configs", "scripts", "data"] { folder.copy(Paths.join(Repository.root, item), to: item) }
        return folder
    }

    /// Processes whose working directory is inside `folder`: sota's children run there, and so would any orphan.
    static func processes(inside folder: String) -> [String] {
        let real = URL(fileURLWithPath: folder).resolvingSymlinksInPath().path
        var found: [String] = []
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] where Int32(entry) != nil {
            guard let cwd = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(entry)/cwd"),
                  cwd == real || cwd.hasPrefix(real + "/") else { continue }
            let command = (try? String(contentsOfFile: "/proc/\(entry)/cmdline", encoding: .utf8))?
                .replacingOccurrences(of: "\u{0}", with: " ") ?? "?"
            found.append("\(entry): \(command)")
        }
        return found
    }

    /// Starts sota; Foundation starts it in a process group of its own, so a kill of that group spares the test runner.
    private static func start(_ arguments: [String], in folder: String, log: String? = nil) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: BinaryRun.binary)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        process.environment = ProcessInfo.processInfo.environment.merging(["NO_COLOR": "1"]) { $1 }
        if let log, FileManager.default.createFile(atPath: log, contents: nil), let handle = FileHandle(forWritingAtPath: log) {
            process.standardOutput = handle
            process.standardError = handle
        } else {
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
        }
        try process.run()
        return process
    }

    /// What one attempt saw.
    struct Attempt: Sendable {
        /// Whether sota led a process group of its own.
        var ownGroup: Bool
        /// Whether sota was still running after the delay, and so was killed.
        var killed: Bool
        /// sota's exit status.
        var status: Int32
        /// The processes left in the project folder a second after the kill.
        var left: [String]
    }

    /// Starts sota, kills it after `delay` (its pid, or its whole group) unless it ended first, and a second after the
    /// kill lists what is left. Called on a thread of its own, so the moments hold however busy the test runner is.
    private static func attempt(_ arguments: [String], in folder: String, delay: Double, wholeGroup: Bool) throws -> Attempt {
        let process = try start(arguments, in: folder)
        let group = getpgid(process.processIdentifier)
        let ownGroup = group == process.processIdentifier && group != getpgrp()
        usleep(UInt32(delay * 1_000_000))
        guard process.isRunning else {
            process.waitUntilExit()
            return Attempt(ownGroup: ownGroup, killed: false, status: process.terminationStatus, left: [])
        }
        kill(wholeGroup ? -process.processIdentifier : process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        usleep(1_000_000)
        return Attempt(ownGroup: ownGroup, killed: true, status: process.terminationStatus, left: processes(inside: folder))
    }

    /// Runs the chaos session and returns what it saw; `finished` is whether the run passed in the end.
    func chaos(in folder: TemporaryDirectory, config: String, kills: Int, longest: Double, seed: UInt64) async throws -> (Tally, finished: Bool) {
        var random = SplitMix(state: seed)
        var tally = Tally()
        var runID: String?
        var finished = false
        while tally.kills < kills, tally.attempts < kills * 3 {
            tally.attempts += 1
            let arguments = runID.map { ["run", "--resume", $0, "--grace", "0.5s"] }
                ?? ["run", "--train-config", config, "--grace", "0.5s"]
            let delay = Double.random(in: 0...longest, using: &random)
            let wholeGroup = Bool.random(using: &random)
            let attempt = try await onOwnThread { [path = folder.path] in
                try Self.attempt(arguments, in: path, delay: delay, wholeGroup: wholeGroup)
            }
            #expect(attempt.ownGroup, "sota must lead a process group of its own")
            if attempt.killed {
                tally.kills += 1
                tally.orphans += attempt.left
            } else if attempt.status == 0 {
                finished = true
                break
            }
            runID = (try? FileManager.default.contentsOfDirectory(atPath: folder.url("runs")))?.first { !$0.hasPrefix(".") }
        }
        if !finished {
            let arguments = runID.map { ["run", "--resume", $0] } ?? ["run", "--train-config", config]
            let last = try await onOwnThread { [path = folder.path] in try BinaryRun(arguments, in: path) }
            finished = last.status == 0
        }
        let doubles = (try? String(contentsOfFile: folder.url("doubles.txt"), encoding: .utf8)) ?? ""
        tally.doubles = doubles.split(separator: "\n").map(String.init)
        return (tally, finished)
    }

    @Test func randomKillsLeaveNoOrphanAndTheRunFinishes() async throws {
        let environment = ProcessInfo.processInfo.environment
        let kills = environment["SOTA_CHAOS_KILLS"].flatMap(Int.init) ?? 5
        let seed = environment["SOTA_CHAOS_SEED"].flatMap(UInt64.init) ?? 20_261_206
        let demo = environment["SOTA_CHAOS_DEMO"] == "1"
        var total = Tally()
        var runs = 0
        // A chaos session ends when its run passes; new sessions start until the kills are spent.
        while total.kills < kills {
            let folder = demo ? demoProject() : scriptedProject()
            let (tally, finished) = try await chaos(in: folder, config: demo ? "configs/train_burgers_golden.yaml" : "train.yaml",
                                              kills: kills - total.kills, longest: demo ? 6 : 1.2, seed: seed &+ UInt64(runs))
            runs += 1
            #expect(finished, "run \(runs) did not finish after \(tally)")
            total.kills += tally.kills
            total.attempts += tally.attempts
            total.orphans += tally.orphans
            total.doubles += tally.doubles
            if tally.kills == 0, runs > kills { break }
        }
        print("chaos: \(runs) runs, \(total)")
        #expect(total.orphans.isEmpty, "\(total.orphans)")
        #expect(total.doubles.isEmpty, "\(total.doubles)")
    }

    @Test func killedSweepLeavesNoMemberRunning() async throws {
        let folder = scriptedProject()
        folder.write("train.sh", """
        set -e
        sleep 30
        echo "$1" > "$2/$1.out"
        """)
        let sweep = try Self.start(["run", "--train-config", "train.yaml", "--sweep", "seed=1,2", "--gpus", "0,1", "--grace", "0.5s"], in: folder.path,
                                   log: folder.path + "/sota.log")
        var members: [String] = []
        for _ in 0..<200 {
            members = Self.processes(inside: folder.path).filter { $0.contains("sleep 30") }
            if members.count == 2 { break }
            try await Task.sleep(for: .milliseconds(25))
        }
        let sotaLog = (try? String(contentsOfFile: folder.path + "/sota.log", encoding: .utf8)) ?? "none"
        #expect(members.count == 2, "\(Self.processes(inside: folder.path)); sota running: \(sweep.isRunning); log: \(sotaLog)")
        kill(-sweep.processIdentifier, SIGKILL)
        sweep.waitUntilExit()
        // Polled on a thread of its own: the 4 s allowed are 4 s of the clock, however busy the test runner is.
        let left = try await onOwnThread { [path = folder.path] in
            var left = Self.processes(inside: path)
            for _ in 0..<80 where !left.isEmpty {
                usleep(50_000)
                left = Self.processes(inside: path)
            }
            return left
        }
        #expect(left.isEmpty, "\(left)")
    }
}
