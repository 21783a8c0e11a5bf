import Foundation
import SotaSupport
import SotaConfig
@testable import SotaPlan
import SotaTestSupport
import Testing
import SotaRunRecord

private func demo(_ overrides: [String] = []) throws -> (RunConfig, RunConfig, RunConfig, Project) {
    let (project, _) = Project.load(root: Repository.root)
    let loader = ConfigLoader(project: project)
    func load(_ file: String, _ sets: [String] = []) throws -> RunConfig {
        let outcome = loader.load(path: project.resolve(file), displayPath: file, overrides: sets.map { try! ConfigOverride.parse($0).get() })
        return try #require(outcome.config, "\(outcome.diagnostics)")
    }
    return (try load("configs/train_burgers_golden.yaml", overrides), try load("configs/small_eval.yaml"), try load("configs/full_eval.yaml"), project)
}

@Suite struct RunPlannerTests {
    @Test func fillsCommandsAndEnvironmentPerStep() throws {
        let (train, small, full, project) = try demo()
        let plan = RunPlanner.plan(training: train, smallEval: small, fullEval: full, project: project, runID: "R1", devices: "3")
        #expect(plan.steps.map(\.name) == ["operator", "diff_residual", "consistency_distill", "steady_prior", "small_eval", "full_eval"])
        let run = project.resolve("runs/R1")
        #expect(plan.steps[0].arguments == ["python3", "scripts/train.py", "--config", run + "/config.json", "--stage", "operator",
                                            "--output-dir", run + "/checkpoints"])
        #expect(plan.steps[4].arguments == ["python3", "scripts/evaluate.py", "--checkpoint", run + "/checkpoints/checkpoint.json",
                                            "--config", run + "/small_eval/config.json", "--output", run + "/small_eval/metrics.json"])
        #expect(plan.sharedEnvironment.contains(EnvironmentVariable("CUDA_VISIBLE_DEVICES", "3")))
        #expect(plan.steps[2].environment.contains(EnvironmentVariable("SOTA_EPOCHS", "40")))
        #expect(plan.steps[5].gates.map(\.summary) == ["nrmse < 0.25"])
        #expect(plan.steps[3].outputs == ["checkpoints/steady_prior.json", "checkpoints/checkpoint.json"])
    }

    @Test func rocmUsesHipVisibleDevices() throws {
        let (train, _, _, project) = try demo(["resources.platform=rocm"])
        let plan = RunPlanner.plan(training: train, smallEval: nil, fullEval: nil, project: project, runID: "R")
        #expect(plan.sharedEnvironment.contains(EnvironmentVariable("HIP_VISIBLE_DEVICES", "0")))
        #expect(!plan.sharedEnvironment.contains { $0.name == "CUDA_VISIBLE_DEVICES" })
    }

    @Test func runIDsSortByTime() {
        let early = RunID.make(at: .init(timeIntervalSince1970: 1_700_000_000), random: 0xFFFF_FFFF)
        let late = RunID.make(at: .init(timeIntervalSince1970: 1_700_000_001), random: 0)
        #expect(early.text == "20231114-221320-ffffffff")
        #expect(early < late)
    }
}

@Suite struct CostEstimatorTests {
    private func prices() -> PriceTable {
        PriceTable(currency: "USD", entries: [
            "A100-80GB": .init(price: 1.6, location: SourceLocation(file: "prices.yaml", line: 5, column: 14)),
            "H100-80GB": .init(price: 2.7, location: SourceLocation(file: "prices.yaml", line: 6, column: 14)),
        ], displayPath: "prices.yaml")
    }

    @Test func throughputAndDeclaredEstimates() throws {
        let (train, small, full, project) = try demo()
        let plan = RunPlanner.plan(training: train, smallEval: small, fullEval: full, project: project, runID: "R")
        let estimate = CostEstimator.estimate(plan: plan, prices: prices())
        // 20 epochs × 960 samples ÷ 4 samples/s = 4800 s on one A100 at $1.60/h.
        #expect(estimate.lines[0].duration?.seconds == 4800)
        #expect(abs((estimate.lines[0].cost ?? 0) - 4800.0 / 3600 * 1.6) < 1e-9)
        if case .throughput(let factors, "samples", let rate, 1) = estimate.lines[0].source {
            #expect(factors.map(\.name) == ["epochs", "samples"] && factors.map(\.value) == [20, 960] && rate.value == 4)
        } else {
            Issue.record("expected a throughput estimate")
        }
        if case .declared(let location) = estimate.lines[3].source { #expect(location.line == 42) } else { Issue.record("declared") }
        #expect(estimate.lines[5].duration?.seconds == 300)
        #expect(estimate.isComplete)
        #expect(estimate.totalDuration.seconds == 4800 + 4800 + 9600 + 120 + 60 + 300)
    }

    @Test func flagsOverrideGPUAndPrice() throws {
        let (train, _, _, project) = try demo(["resources.gpus=2"])
        let plan = RunPlanner.plan(training: train, smallEval: nil, fullEval: nil, project: project, runID: "R")
        let h100 = CostEstimator.estimate(plan: plan, prices: prices(), overrides: .init(gpu: "H100-80GB"))
        // 7 samples/s/GPU × 2 GPUs.
        #expect(abs((h100.lines[0].duration?.seconds ?? 0) - 20.0 * 960 / 14) < 1e-9)
        #expect(h100.pricePerGPUHour == 2.7)
        let flat = CostEstimator.estimate(plan: plan, prices: nil, overrides: .init(price: 1))
        if case .flag? = flat.priceSource {} else { Issue.record("price should come from the flag") }
        #expect(abs((flat.lines[0].cost ?? 0) - 4800.0 / 2 / 3600 * 2) < 1e-9)
    }

    /// Issue 13 item 18: Vast names the GPU `RTX 4090`, the config's throughput and the price table `RTX-4090`.
    @Test func gpuNamesMatchHoweverTheyAreSpelled() throws {
        let (train, _, _, project) = try demo()
        let plan = RunPlanner.plan(training: train, smallEval: nil, fullEval: nil, project: project, runID: "R")
        let table = PriceTable(currency: "USD", entries: ["RTX-4090": .init(price: 0.45, location: SourceLocation(file: "prices.yaml", line: 7, column: 13))],
                               displayPath: "prices.yaml")
        for spelling in ["RTX 4090", "rtx_4090", "RTX4090"] {
            let estimate = CostEstimator.estimate(plan: plan, prices: table, overrides: .init(gpu: spelling))
            // 20 epochs × 960 samples ÷ 2.5 samples/s on the RTX 4090, not the A100's 4.
            #expect(estimate.lines[0].duration?.seconds == 7680, "\(spelling)")
            #expect(estimate.pricePerGPUHour == 0.45, "\(spelling)")
        }
        var asked: [String] = []
        _ = CostEstimator.estimate(plan: plan, prices: nil, overrides: .init(gpu: "RTX 4090", price: 1)) { _, gpu in
            asked.append(gpu)
            return []
        }
        #expect(Set(asked) == ["RTX 4090"], "calibration asks for the GPU being estimated")
        #expect(GPUName("RTX 4090") == GPUName("rtx-4090") && GPUName("A100-80GB") != GPUName("A100 SXM4"))
        #expect(GPUName("A100-80GB").isSeen(in: "NVIDIA A100-SXM4-80GB") && GPUName("RTX-4090").isSeen(in: "NVIDIA GeForce RTX 4090"))
        #expect(!GPUName("A10").isSeen(in: "NVIDIA A100-SXM4-80GB") && !GPUName("A100-80GB").isSeen(in: "cpu"))
        #expect(!GPUName("A100-80GB").isSeen(in: "NVIDIA A100-SXM4-40GB") && GPUName("CPU").isSeen(in: "cpu"))
    }

    @Test func unknownGPUIsNeverGuessed() throws {
        let (train, _, _, project) = try demo()
        let plan = RunPlanner.plan(training: train, smallEval: nil, fullEval: nil, project: project, runID: "R")
        let estimate = CostEstimator.estimate(plan: plan, prices: prices(), overrides: .init(gpu: "A100-80G"))
        #expect(estimate.pricePerGPUHour == nil)
        #expect(estimate.priceProblem?.contains("did you mean A100-80GB?") == true)
        #expect(estimate.totalCost == nil)
        if case .unknown(let why) = estimate.lines[0].source { #expect(why.contains("resources.throughput.A100-80G")) } else { Issue.record("unknown") }
        #expect(!estimate.isComplete)
    }
}

@Suite struct SweepPlanTests {
    @Test func axesFormAGridAssignedRoundRobin() throws {
        let dims = try SweepAxis.parse("latent.dim,operator.pdet.input_dim=8,16").get()
        let rates = try SweepAxis.parse("training.learning_rate=0.01,0.1").get()
        let plan = SweepPlan.make(configs: ["a.yaml"], fixed: ["seed=1"], axes: [dims, rates], devices: ["0", "1", "2"]) { "R\($0)" }
        #expect(plan.jobs.count == 4)
        #expect(plan.jobs.map(\.device) == ["0", "1", "2", "0"])
        #expect(plan.jobs[3].overrides == ["seed=1", "latent.dim=16", "operator.pdet.input_dim=16", "training.learning_rate=0.1"])
        #expect(plan.jobs.map(\.runID) == ["R0", "R1", "R2", "R3"])
    }

    @Test func severalConfigsWithoutAxes() {
        let plan = SweepPlan.make(configs: ["a.yaml", "b.yaml"], fixed: [], axes: [], devices: ["0"]) { "R\($0)" }
        #expect(plan.jobs.map(\.config) == ["a.yaml", "b.yaml"])
        #expect(plan.jobs.allSatisfy { $0.device == "0" })
    }

    @Test func everyMemberGetsItsConfigsSeedPlusItsIndex() throws {
        let rates = try SweepAxis.parse("training.learning_rate=0.01,0.1,1").get()
        let plan = SweepPlan.make(configs: ["a.yaml"], fixed: [], axes: [rates], devices: ["0"], seedOf: { _, _ in 7 }) { "R\($0)" }
        #expect(plan.jobs.map { $0.overrides.last } == ["seed=7", "seed=8", "seed=9"])
        let unseeded = SweepPlan.make(configs: ["a.yaml"], fixed: [], axes: [rates], devices: ["0"], seedOf: { _, _ in nil }) { "R\($0)" }
        #expect(unseeded.jobs.map { $0.overrides.last } == ["seed=0", "seed=1", "seed=2"])
        // A seed near Int.max wraps instead of trapping.
        let huge = SweepPlan.make(configs: ["a.yaml"], fixed: [], axes: [rates], devices: ["0"], seedOf: { _, _ in Int.max }) { "R\($0)" }
        #expect(huge.jobs[1].overrides.last == "seed=\(Int.min)")
    }

    @Test func aSweepThatSetsTheSeedKeepsIt() throws {
        let seeds = try SweepAxis.parse("seed=1,2").get()
        let swept = SweepPlan.make(configs: ["a.yaml"], fixed: [], axes: [seeds], devices: ["0"], seedOf: { _, _ in 7 }) { "R\($0)" }
        #expect(swept.jobs.map(\.overrides) == [["seed=1"], ["seed=2"]])
        let fixed = SweepPlan.make(configs: ["a.yaml", "b.yaml"], fixed: ["seed=5"], axes: [], devices: ["0"], seedOf: { _, _ in 7 }) { "R\($0)" }
        #expect(fixed.jobs.map(\.overrides) == [["seed=5"], ["seed=5"]])
    }

    @Test func runsThatNeedSeveralDevicesGetSlotsOfThem() {
        #expect(SweepPlan.slots(devices: ["0", "1", "2", "3"], perRun: 2) == ["0,1", "2,3"])
        #expect(SweepPlan.slots(devices: ["0", "1", "2"], perRun: 2) == ["0,1"])
        #expect(SweepPlan.slots(devices: ["0", "1"], perRun: 1) == ["0", "1"])
        #expect(SweepPlan.slots(devices: ["0"], perRun: 2) == nil)
        #expect(SweepPlan.slots(devices: ["0"], perRun: 0) == ["0"])
    }

    @Test(arguments: ["latent.dim", "=1,2", "latent.dim=", "latent.dim=1,,2", "a..b=1"])
    func malformedAxes(text: String) {
        guard case .failure = SweepAxis.parse(text) else { Issue.record("accepted \(text)"); return }
    }
}

@Suite struct CalibrationTests {
    @Test func pastRunsReplaceTheModelOnceThereAreEnough() throws {
        let (train, _, _, project) = try demo()
        let plan = RunPlanner.plan(training: train, smallEval: nil, fullEval: nil, project: project, runID: "R")
        func unsized(_ seconds: [Double]) -> [CostEstimator.PastStage] { seconds.map { .init(seconds: $0, work: nil) } }
        let few = CostEstimator.estimate(plan: plan, prices: nil, overrides: .init(price: 1)) { _, _ in unsized([10, 20]) }
        if case .throughput = few.lines[0].source {} else { Issue.record("two runs are not enough to calibrate") }
        let many = CostEstimator.estimate(plan: plan, prices: nil, overrides: .init(price: 1)) { stage, gpu in
            stage == "operator" && gpu == "A100-80GB" ? unsized([30, 10, 20, 40]) : []
        }
        if case .calibrated(4, "A100-80GB", .unscaled) = many.lines[0].source {} else { Issue.record("\(many.lines[0].source)") }
        #expect(many.lines[0].duration?.seconds == 25)
        if case .throughput = many.lines[1].source {} else { Issue.record("other stages keep their model") }
    }

    @Test func runsOfSimilarSizeComeFirstAndEveryDurationIsScaledToThisRun() throws {
        let (train, _, _, project) = try demo()
        let plan = RunPlanner.plan(training: train, smallEval: nil, fullEval: nil, project: project, runID: "R")
        // The demo's operator stage: 20 epochs of 960 samples.
        #expect(plan.steps[0].work == 19_200)
        let similar: [CostEstimator.PastStage] = [.init(seconds: 10, work: 9_600), .init(seconds: 40, work: 38_400),
                                                 .init(seconds: 21, work: 19_200), .init(seconds: 1000, work: 1_920_000)]
        let estimate = CostEstimator.estimate(plan: plan, prices: nil, overrides: .init(price: 1)) { _, _ in similar }
        if case .calibrated(3, _, .similarSize) = estimate.lines[0].source {} else { Issue.record("\(estimate.lines[0].source)") }
        #expect(estimate.lines[0].duration?.seconds == 20)   // 20, 20 and 21 after scaling: the median is 20

        // Fewer than three of similar size: all sized runs, scaled.
        let mixed: [CostEstimator.PastStage] = [.init(seconds: 100, work: 192_000), .init(seconds: 1, work: 1_920), .init(seconds: 10, work: 19_200)]
        #expect(CostEstimator.calibrated(mixed, work: 19_200).map { [$0.seconds, Double($0.runs)] } == [10, 3])
        #expect(CostEstimator.calibrated(mixed, work: 19_200)?.basis == .scaled)
        // Old manifests without sizes still count, unscaled, but never mixed with sized ones.
        let old = [CostEstimator.PastStage](repeating: .init(seconds: 7, work: nil), count: 3)
        #expect(CostEstimator.calibrated(old + mixed.prefix(1), work: 19_200)?.basis == .unscaled)
        #expect(CostEstimator.calibrated(Array(mixed.prefix(2)), work: 19_200) == nil)
        #expect(CostEstimator.calibrated(old, work: nil)?.seconds == 7)
    }
}

/// A project that counts steps declares its work model in sota.yaml: steps × batch, per second per GPU.
@Suite struct DeclaredWorkTests {
    private func project(_ cost: String, config: String) throws -> (RunConfig?, [Diagnostic], Project, [Diagnostic]) {
        let folder = TemporaryDirectory()
        folder.write("sota.yaml", "project: cls\n\(cost)")
        folder.write("train.py", "")
        let path = folder.write("configs/base.yaml", config)
        let (project, problems) = Project.load(root: folder.path)
        let outcome = ConfigLoader(project: project).load(path: path, displayPath: "configs/base.yaml", overrides: [])
        return (outcome.config, outcome.diagnostics, project, problems)
    }

    private let config = """
        model: {depth: 4}
        training:
          max_steps: 400
          batch_size: 64
          command: [python3, train.py]
          stages: [{name: train, outputs: [model.pt]}]
          checkpoint: model.pt
        resources: {gpu: A100-80GB, gpus: 2, throughput: {A100-80GB: 3200}}

        """

    @Test func stepsTimesBatchOverThroughput() throws {
        let (train, diagnostics, project, problems) = try project("cost: {work: [training.max_steps, training.batch_size], unit: samples}\n", config: config)
        #expect(problems.isEmpty, "\(problems)")
        let training = try #require(train, "\(diagnostics)")
        let plan = RunPlanner.plan(training: training, smallEval: nil, fullEval: nil, project: project, runID: "R")
        #expect(plan.steps[0].work == 25_600.0, "the size calibration scales by: 400 steps × 64")
        let estimate = CostEstimator.estimate(plan: plan, prices: nil)
        // 400 steps × 64 samples ÷ (3200 samples/s × 2 GPUs) = 4 s.
        #expect(estimate.lines[0].duration?.seconds == 4)
        guard case .throughput(let factors, "samples", let rate, 2) = estimate.lines[0].source else {
            Issue.record("expected the declared work model: \(estimate.lines[0].source)")
            return
        }
        #expect(factors.map(\.name) == ["training.max_steps", "training.batch_size"] && rate.value == 3200)
        #expect(factors[0].location.line == 3 && factors[1].location.line == 4, "each factor names where it was written")
    }

    @Test func aMissingOrNonNumericFactorSaysWhichAndWhere() throws {
        let (train, _, project, _) = try project("cost: {work: [training.max_steps, training.accumulate]}\n", config: config)
        let plan = RunPlanner.plan(training: try #require(train), smallEval: nil, fullEval: nil, project: project, runID: "R")
        guard case .unknown(let why) = CostEstimator.estimate(plan: plan, prices: nil).lines[0].source else {
            Issue.record("a missing factor leaves the stage unknown")
            return
        }
        #expect(why.contains("the config has no `training.accumulate`") && why.contains("sota.yaml:2:"), "\(why)")
        #expect(plan.steps[0].work == 1, "calibration falls back to the stage's epochs")
    }

    @Test func aFactorTheSchemaDoesNotDeclareIsAnErrorInSotaYAML() throws {
        let cost = "schema: {fields: {training.max_steps: integer}}\ncost: {work: [training.max_step]}\n"
        let (_, _, _, problems) = try project(cost, config: config)
        let error = try #require(problems.first { $0.message.contains("training.max_step`") })
        #expect(error.location?.line == 3 && error.hint?.contains("did you mean `training.max_steps`?") == true, "\(problems)")
    }
}
