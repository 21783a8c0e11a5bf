import Foundation
import SotaSupport
import SotaLaunch
import SotaTestSupport
import Testing

/// Stage plans covering a single run with every resource, a sweep's array, and a resubmission of some tasks.
enum SbatchVariants {
    static func value(_ text: String) -> SbatchValue { try! SbatchValue(text, role: "test") }

    static let all: [(name: String, plan: SlurmStagePlan)] = [
        ("single-train", SlurmStagePlan(
            stage: .train, launchID: "20260301-120000-0badcafe", runs: .single(runID: "20260301-120000-0badcafe"),
            projectRoot: "/shared/burgers", runsDirectory: "/shared/burgers/runs", sota: "/opt/sota/bin/sota",
            resources: SlurmResources(partition: value("gpu"), account: value("ml-team"), qos: value("high"), memory: value("16G"), cpusPerTask: 8,
                                      extra: [try! SbatchDirective(parsing: "--constraint=a100", role: "test")], timeSeconds: 5_430, gpus: 2))),
        ("array-small-eval", SlurmStagePlan(
            stage: .smallEval, launchID: "sweep-20260301-120000-00000001", runs: .array(base: "20260301-120000-00000001", tasks: Array(0..<500)),
            projectRoot: "/home/a user/it's burgers", runsDirectory: "/scratch/it-s_burgers/runs", sota: "/opt/sota $(x)/sota",
            resources: SlurmResources(timeSeconds: 600, maxParallel: 8))),
        ("array-resume-gate", SlurmStagePlan(
            stage: .gate, launchID: "sweep-20260301-120000-00000002", runs: .array(base: "20260301-120000-00000002", tasks: [7, 1, 2, 3, 9]),
            projectRoot: "/shared/p", runsDirectory: "/shared/p/out/runs", sota: "/usr/local/bin/sota", resources: SlurmResources())),
    ]
}

@Suite struct SbatchScriptTests {
    @Test(arguments: SbatchVariants.all.map(\.name))
    func matchesItsGoldenFile(_ name: String) throws {
        let plan = SbatchVariants.all.first { $0.name == name }!.plan
        #expect(GoldenFile.mismatch(try SbatchScript(plan).text, "Tests/SotaLaunchTests/Golden/sbatch-\(name).sh") == nil)
    }

    @Test(arguments: SbatchVariants.all.map(\.name))
    func passesBashSyntaxCheckAndShellcheck(_ name: String) throws {
        let text = try SbatchScript(SbatchVariants.all.first { $0.name == name }!.plan).text
        let folder = TemporaryDirectory()
        let path = folder.write("stage.sbatch", text)
        let syntax = try ProgramRun(["bash", "-n", path])
        #expect(syntax.status == 0, "bash -n: \(syntax.err)")
        guard ProgramRun.exists("shellcheck") else { return }
        let lint = try ProgramRun(["shellcheck", "--shell=bash", "--severity=style", path])
        #expect(lint.status == 0, "shellcheck findings:\n\(lint.out)\(lint.err)")
    }

    @Test func asksForWholeMinutesRoundedUpAndGPUsAsGres() throws {
        let directives = try SbatchScript.directives(SbatchVariants.all[0].plan).map(\.description)
        #expect(directives.contains("--time=91"), "5430 s is 90.5 minutes: Slurm gets 91, never 90")
        #expect(directives.contains("--gres=gpu:2"))
        #expect(directives.contains("--partition=gpu") && directives.contains("--account=ml-team"))
        #expect(directives.contains("--output=/shared/burgers/runs/20260301-120000-0badcafe/slurm/train.out"))
        #expect(SlurmResources(timeSeconds: 60).timeMinutes == 1)
        #expect(SlurmResources(timeSeconds: 61).timeMinutes == 2)
        #expect(SlurmResources(timeSeconds: 1).timeMinutes == 1)
        #expect(try !SbatchScript.directives(SbatchVariants.all[2].plan).contains { $0.option == "--gres" || $0.option == "--time" })
        #expect(directives.contains("--qos=high") && directives.contains("--mem=16G") && directives.contains("--cpus-per-task=8"))
        #expect(directives.last == "--constraint=a100", "extra lines come last")
    }

    @Test func arraysCoverTheirTasksWithALimitAndPerTaskLogs() {
        let plan = SbatchVariants.all[1].plan
        #expect(plan.arraySpec == "0-499%8")
        #expect(SbatchVariants.all[2].plan.arraySpec == "1-3,7,9")
        #expect(plan.outputPattern.stdout.hasSuffix("runs/20260301-120000-00000001-%3a/slurm/small_eval.out"))
        #expect(SlurmStagePlan.taskRunID(base: "b", index: 7) == "b-007")
        #expect(SlurmStagePlan.taskRunID(base: "b", index: 1234) == "b-1234")
    }

    @Test func quotesEveryInterpolatedValue() throws {
        var plan = SbatchVariants.all[1].plan
        plan.runsDirectory = "/shared/runs"
        let text = try SbatchScript(plan).text
        #expect(text.contains(#"cd -- '/home/a user/it'\''s burgers'"#))
        #expect(text.contains(#"'/opt/sota $(x)/sota' run --project='/home/a user/it'\''s burgers'"#))
        #expect(SbatchValue.problem("/home/a user") != nil)
        #expect(SbatchValue.problem("gpu-long") == nil)
    }

    /// Issue 13, item 7: a space or a line break in the runs folder reached `#SBATCH --output=` raw.
    @Test func aRunsFolderThatCannotNameTheLogsIsRefusedNotWritten() {
        for runs in ["/shared/a b/runs", "/shared/x\ntouch PWNED\n/runs", "/shared/%j/runs"] {
            var plan = SbatchVariants.all[0].plan
            plan.runsDirectory = runs
            #expect(throws: ScriptValueError.self, "\(runs)") { try SbatchScript(plan) }
        }
    }

    /// The gate job only reads files and decides: it asks for no GPU, the other stages do.
    @Test func onlyStagesThatRunAProgramAskForAGPU() throws {
        var plan = SbatchVariants.all[0].plan
        for stage in SlurmStage.allCases {
            plan.stage = stage
            let gres = try SbatchScript.directives(plan).contains { $0.option == "--gres" }
            #expect(gres == (stage != .gate), "\(stage)")
        }
    }

    @Test func parsesTimeLimitsAsSbatchSpellsThem() {
        #expect(SlurmResources.parseTime("02:00:00") == 7_200)
        #expect(SlurmResources.parseTime("00:01:30") == 90)
        #expect(SlurmResources.parseTime("45") == 2_700)
        #expect(SlurmResources.parseTime("10:30") == 630)
        #expect(SlurmResources.parseTime("1-00:00:00") == 86_400)
        for bad in ["", "ab", "1:2:3:4", "-5", "00:00:00", "1:-2"] { #expect(SlurmResources.parseTime(bad) == nil, "\(bad)") }
    }

    @Test func chainsWithAfterokOrAftercorrAndReadsTheJobID() {
        #expect(SlurmSubmission.arguments(script: "s.sbatch", after: nil, array: false) == ["--parsable", "s.sbatch"])
        #expect(SlurmSubmission.arguments(script: "s", after: "41", array: false) == ["--parsable", "--dependency=afterok:41", "--kill-on-invalid-dep=yes", "s"])
        #expect(SlurmSubmission.arguments(script: "s", after: "41", array: true)[1] == "--dependency=aftercorr:41")
        // --max-parallel K: a stage's array also waits for the whole previous array, so at most K tasks run at once.
        #expect(SlurmSubmission.arguments(script: "s", after: "41", array: true, throttled: true)[1] == "--dependency=aftercorr:41,afterany:41")
        #expect(SlurmSubmission.arguments(script: "s", after: "41", array: false, throttled: true)[1] == "--dependency=afterok:41")
        #expect(SlurmSubmission.parseJobID("4242\n") == "4242")
        #expect(SlurmSubmission.parseJobID("4242;cluster-a\n") == "4242")
        #expect(SlurmSubmission.parseJobID("sbatch: error: x\n") == nil)
    }
}
