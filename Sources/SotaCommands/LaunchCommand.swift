import ArgumentParser
import FoundationEssentials
import SotaSupport
import SotaConfig
import SotaLaunch
import SotaPlan
import SotaOperations
import SotaRunRecord

/// `sota launch --config F --backend vast|slurm`: the run on a rented Vast.ai GPU, reproducible from a pushed
/// commit, with an onstart script that uploads the results and ends the instance's billing whatever happens; or
/// as a chain of Slurm jobs, one per stage, with sweeps as array jobs.
struct LaunchCommand: ContextualCommand {
    static let configuration = CommandConfiguration(
        commandName: "launch",
        abstract: "Run a config on a rented Vast.ai instance, or as a chain of Slurm jobs.",
        discussion: """
        Before anything is rented: the config and its evaluation configs are validated, the work tree must be clean and its commit on a remote (the instance checks out exactly that commit; --allow-dirty overrides), and `launch.results` in sota.yaml (or --results) says where results go.

        sota picks the cheapest Vast offer for the GPU (--gpu, launch.vast.gpu, else the config's resources.gpu with dashes as spaces), resources.gpus, --max-price, reliability and --disk, and creates the instance with the generated onstart script. The script first fetches sota and checks its SHA-256 before anything runs (launch.vast.sota_binary in sota.yaml: {url, sha256} for a release download, fetched with curl, else wget, else python3; by default this machine's binary, which the launch uploads to <results>/.sota-binaries/; `build` builds it from source on the instance instead), then clones the repository at the commit, fetches the dataset (launch.data_url), checks the data, runs the run under its id, and from an EXIT trap — on success and on failure — uploads runs/ID/ and its log to <results>/ID/, then with --auto-shutdown destroys the instance (or stops it when the upload failed, so nothing is lost).

        Secrets travel as instance environment variables, never in the script, the run directory or the output: VAST_API_KEY (with --auto-shutdown), AWS_* for s3:// and B2_* for b2:// URLs, and the names listed in launch.environment.

        Files: runs/ID/onstart.sh and runs/ID/launch.json (instance, offer, price), and .vast/onstart.sh. Follow with `sota status ID`, stop with `sota cancel ID`, and `sota ingest <results>/ID` once the results land.

        With --backend slurm, sota prepares the run directory here (validated config, dataset checksums, pending manifest), writes one sbatch script per stage into runs/ID/slurm/ (train → small_eval → full_eval → gate) and submits them with `sbatch --parsable`, each after the previous one (--dependency=afterok, --kill-on-invalid-dep=yes: a failed stage cancels the rest). Each job runs `sota run --resume ID --step STAGE` on its node in this project folder — a shared filesystem is assumed — writes only files, and leaves markers/STAGE.READY. A --sweep becomes one array job per stage (--array=0-N%K with --max-parallel K), task i working on its own run directory ID-i with seed (config seed + i); with --max-parallel K each stage's array also waits for the whole previous one (afterany), so at most K tasks of the sweep run at once across the chain. Job ids are recorded in runs/ID/launch.json. Follow with `sota status ID` (which adds finished runs to the leaderboard here), continue a failed chain with `sota resume ID`, stop it with `sota cancel ID`. The gate job asks for no GPU. Settings: launch.slurm.{partition, account, qos, time, gpus, mem, cpus_per_task, extra, max_parallel, sota} in sota.yaml (extra: further #SBATCH lines, one long option each); flags override them. Values in #SBATCH lines may not hold spaces, quotes or shell characters.

        Examples:
          sota launch --config configs/train_burgers_golden.yaml --backend vast \\
              --dry-run
          sota launch --config configs/train_burgers_golden.yaml --backend vast \\
              --auto-shutdown --gpu "RTX 4090" --max-price 0.6
          sota launch --config configs/train_burgers_golden.yaml --backend slurm \\
              --partition gpu --time 02:00:00 --gpus 1
          sota launch --config configs/train_burgers_golden.yaml --backend slurm \\
              --sweep training.epochs=10,20,40 --max-parallel 2
        """
    )

    @Option(help: ArgumentHelp("The training config.", valueName: "file"), completion: CompletionCandidates.config)
    var config: String

    @Option(help: ArgumentHelp("Where to run: vast or slurm.", valueName: "name"), completion: .list(OptionValues.backends))
    var backend: String = "vast"

    @Option(help: ArgumentHelp("Slurm: the partition (default: launch.slurm.partition).", valueName: "name"))
    var partition: String?

    @Option(help: ArgumentHelp("Slurm: time limit per stage job, HH:MM:SS, rounded up to whole minutes (default: launch.slurm.time).", valueName: "time"))
    var time: String?

    @Option(help: ArgumentHelp("Slurm: GPUs per stage job, 0 for none (default: launch.slurm.gpus, else resources.gpus).", valueName: "n"))
    var gpus: Int?

    @Option(help: ArgumentHelp("Slurm: the account charged (default: launch.slurm.account).", valueName: "name"))
    var account: String?

    @Option(help: ArgumentHelp("Slurm: the quality of service (default: launch.slurm.qos).", valueName: "name"))
    var qos: String?

    @Option(help: ArgumentHelp("Slurm: memory per stage job, e.g. 16G (default: launch.slurm.mem).", valueName: "size"))
    var mem: String?

    @Option(help: ArgumentHelp("Slurm: CPUs per stage job (default: launch.slurm.cpus_per_task).", valueName: "n"))
    var cpusPerTask: Int?

    @Option(help: ArgumentHelp("Slurm: run once per value as array tasks, key=v1,v2 (keys may be comma-separated; repeat for a grid).", valueName: "keys=values"))
    var sweep: [String] = []

    @Option(help: ArgumentHelp("Slurm: most sweep tasks running at once (default: launch.slurm.max_parallel).", valueName: "k"))
    var maxParallel: Int?

    @Flag(help: "Destroy the instance when the script ends, on success and on failure (stop it instead if the upload failed).")
    var autoShutdown = false

    @Option(help: ArgumentHelp("With --auto-shutdown: destroy (default) or stop.", valueName: "action"), completion: .list(OptionValues.shutdownActions))
    var shutdownAction: String = "destroy"

    @Option(help: ArgumentHelp("Vast GPU name, e.g. \"RTX 4090\" (default: launch.vast.gpu, else resources.gpu).", valueName: "name"))
    var gpu: String?

    @Option(help: ArgumentHelp("Highest total price per hour in USD (default: launch.vast.max_price).", valueName: "usd"))
    var maxPrice: Double?

    @Option(help: ArgumentHelp("Disk in GB (default: launch.vast.disk_gb, else 32).", valueName: "gb"))
    var disk: Double?

    @Option(help: ArgumentHelp("Results folder URL: file://, s3:// or b2:// (default: launch.results).", valueName: "url"))
    var results: String?

    @Option(help: ArgumentHelp("Folder URL the dataset file is fetched from (default: launch.data_url).", valueName: "url"))
    var dataURL: String?

    @Flag(help: "Launch even with uncommitted changes or an unpushed commit (the instance still checks out the commit).")
    var allowDirty = false

    @Flag(help: "Show the offer, its price, the estimated cost and the script; rent nothing and write nothing.")
    var dryRun = false

    @OptionGroup var overrides: OverrideOptions
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard backend == "vast" || backend == "slurm" else { throw ValidationError("--backend takes vast or slurm, found `\(backend)`") }
        if backend == "slurm" {
            let vastOnly = [("--auto-shutdown", autoShutdown), ("--gpu", gpu != nil), ("--max-price", maxPrice != nil), ("--disk", disk != nil),
                            ("--results", results != nil), ("--data-url", dataURL != nil)].filter(\.1).map(\.0)
            if let flag = vastOnly.first { throw ValidationError("\(flag) is a Vast.ai option; Slurm jobs use the project folder on a shared filesystem") }
            if let time, let problem = SlurmResources.timeProblem(time) { throw ValidationError("--time \(problem)") }
            if let gpus, !(0...64).contains(gpus) { throw ValidationError("--gpus must be between 0 and 64") }
            if let maxParallel, maxParallel < 1 { throw ValidationError("--max-parallel must be at least 1") }
            if let cpusPerTask, !(1...4096).contains(cpusPerTask) { throw ValidationError("--cpus-per-task must be between 1 and 4096") }
            return
        }
        let slurmOnly = [("--partition", partition != nil), ("--time", time != nil), ("--gpus", gpus != nil), ("--account", account != nil),
                         ("--sweep", !sweep.isEmpty), ("--max-parallel", maxParallel != nil), ("--qos", qos != nil), ("--mem", mem != nil),
                         ("--cpus-per-task", cpusPerTask != nil)].filter(\.1).map(\.0)
        if let flag = slurmOnly.first { throw ValidationError("\(flag) is a Slurm option; add --backend slurm") }
        guard OnstartSpec.Shutdown(rawValue: shutdownAction) != nil, shutdownAction != "none" else {
            throw ValidationError("--shutdown-action takes destroy or stop, found \(shutdownAction)")
        }
        if let maxPrice, !(maxPrice.isFinite && maxPrice > 0) { throw ValidationError("--max-price must be a positive number of USD per hour") }
        if let disk, !(disk.isFinite && disk >= 1) { throw ValidationError("--disk must be at least 1 GB") }
        if let gpu, gpu.trimmingWhitespace().isEmpty { throw ValidationError("--gpu needs a GPU name such as \"RTX 4090\"") }
    }

    func run(in context: CommandContext) throws -> Int32 {
        let console = context.console
        let (project, projectProblems) = context.project(explicit: global.project, near: config)
        if projectProblems.hasErrors { return Self.stopped(projectProblems, "nothing was rented", console) }
        console.report(projectProblems)
        let trainPath = context.absolute(config)
        let load: LaunchPipelineLoader = { assignments, diagnostics in
            try PipelineConfigs.load(trainPath: trainPath, overrides: OverrideParsing.parse(assignments), smallEvalPath: nil, fullEvalPath: nil,
                                     project: project, context: context, diagnostics: &diagnostics)
        }
        if backend == "slurm" {
            let launch = SlurmLaunch(loadPipeline: load, executable: { try SweepCommandSupport.executable(context) })
            let outcome = try launch.run(.init(project: project, configPath: trainPath, options: slurmOptions, environment: context.environment))
            return Self.show(outcome, context)
        }
        let launch = VastLaunch(loadPipeline: load, history: DryRun.pastRuns(project: project, context: context),
                                executable: { try SweepCommandSupport.executable(context) })
        let outcome = try launch.run(.init(project: project, options: vastOptions, environment: context.environment,
                                           workingDirectory: context.workingDirectory))
        return Self.show(outcome, context)
    }
}
