import SotaSupport

/// The `launch:` section of `sota.yaml`: where remote runs get their code, data and results, and what they rent.
///
/// URLs are kept with their location, so `sota launch` can point at the line when one cannot be used.
package struct LaunchSettings: Sendable {
    /// The repository instances clone (default: the `origin` remote's URL).
    package var repository: Located<String>?
    /// Where instances upload run directories: `file://`, `s3://` or `b2://`.
    package var results: Located<String>?
    /// The folder a config's dataset file is fetched from (`<data_url>/<file name of data.path>`); none means the
    /// dataset is in the repository.
    package var dataURL: Located<String>?
    /// A shell command that puts `sota` on the instance's PATH (an escape hatch: `launch.vast.sota_binary` is the
    /// usual way, and the two exclude each other).
    package var install: Located<String>?
    /// Names of further environment variables to pass to instances (tracking keys and the like).
    package var environment: [Located<String>] = []
    /// The Vast API server.
    package var vastAPIURL: Located<String>?
    /// The instance image.
    package var vastImage: String?
    /// How instances get sota (`launch.vast.sota_binary`); nil means the default, an upload of this machine's binary.
    package var vastSotaBinary: SotaBinarySetting?
    /// Disk per instance, in GB.
    package var vastDiskGB: Double?
    /// Vast's GPU name (default: the config's `resources.gpu`).
    package var vastGPU: String?
    /// Highest total price per hour, USD.
    package var vastMaxPrice: Double?
    /// Lowest host reliability, 0...1.
    package var vastMinReliability: Double?

    /// Slurm partition (`launch.slurm.partition`), with its location.
    package var slurmPartition: Located<String>?
    /// Slurm account (`launch.slurm.account`), with its location.
    package var slurmAccount: Located<String>?
    /// Slurm quality of service (`launch.slurm.qos`), with its location.
    package var slurmQOS: Located<String>?
    /// Memory per stage job as sbatch spells it (`launch.slurm.mem`: `16G`), with its location.
    package var slurmMemory: Located<String>?
    /// CPUs per stage job (`launch.slurm.cpus_per_task`).
    package var slurmCPUsPerTask: Int?
    /// Further `#SBATCH` lines (`launch.slurm.extra`: `--constraint=a100`), each with its location.
    package var slurmExtra: [Located<String>] = []
    /// Slurm time limit per stage job, as sbatch spells it (`launch.slurm.time`), with its location.
    package var slurmTime: Located<String>?
    /// GPUs per stage job (`launch.slurm.gpus`; default: the config's resources.gpus).
    package var slurmGPUs: Int?
    /// Most sweep tasks running at once (`launch.slurm.max_parallel`).
    package var slurmMaxParallel: Int?
    /// The sota binary compute nodes run (`launch.slurm.sota`; default: the submitting machine's own).
    package var slurmSota: Located<String>?

    /// No launch settings.
    package init() {}

    static let schema: SchemaType = .mapping(MappingSchema([
        FieldSchema("repository", .string(nonEmpty: true), "repository URL instances clone (default: the origin remote)"),
        FieldSchema("results", .string(nonEmpty: true), "where instances upload run directories (file://, s3://, b2://)"),
        FieldSchema("data_url", .string(nonEmpty: true), "folder URL the config's dataset file is fetched from"),
        FieldSchema("install", .string(nonEmpty: true), "shell command that puts sota on the instance's PATH"),
        FieldSchema("environment", .list(.string(nonEmpty: true), minCount: 0), "extra environment variable names passed to instances"),
        FieldSchema("vast", .mapping(MappingSchema([
            FieldSchema("api_url", .string(nonEmpty: true), "Vast API server (default https://console.vast.ai)"),
            FieldSchema("image", .string(nonEmpty: true), "Docker image of the instance (default: \(defaultVastImage))"),
            // `upload`, `build` or {url, sha256}: a union the schema cannot spell, checked by SotaBinarySetting.parse.
            FieldSchema("sota_binary", .anyValue, "how instances get sota: {url, sha256} (verified download), upload (default: this machine's binary) or build"),
            FieldSchema("disk_gb", .number(min: 1, exclusiveMin: false, max: 100_000), "disk per instance in GB"),
            FieldSchema("gpu", .string(nonEmpty: true), "Vast GPU name, e.g. RTX 4090"),
            FieldSchema("max_price", .number(min: 0, exclusiveMin: true, max: nil), "highest price per hour in USD"),
            FieldSchema("min_reliability", .number(min: 0, exclusiveMin: false, max: 1), "lowest host reliability, 0 to 1"),
        ])), "Vast.ai settings"),
        FieldSchema("slurm", .mapping(MappingSchema([
            FieldSchema("partition", .string(nonEmpty: true), "partition the stage jobs go to"),
            FieldSchema("account", .string(nonEmpty: true), "account the jobs are charged to"),
            FieldSchema("qos", .string(nonEmpty: true), "quality of service of the jobs"),
            FieldSchema("mem", .string(nonEmpty: true), "memory per stage job, as sbatch spells it: 16G, 4000M"),
            FieldSchema("cpus_per_task", .integer(min: 1, max: 4096), "CPUs per stage job"),
            FieldSchema("extra", .list(.string(nonEmpty: true), minCount: 0), "further #SBATCH lines, one long option each: --constraint=a100"),
            FieldSchema("time", .string(nonEmpty: true), "time limit per stage job, HH:MM:SS (rounded up to whole minutes)"),
            FieldSchema("gpus", .integer(min: 0, max: 64), "GPUs per stage job (default: the config's resources.gpus)"),
            FieldSchema("max_parallel", .integer(min: 1, max: 100_000), "most sweep tasks running at once"),
            FieldSchema("sota", .string(nonEmpty: true), "the sota binary on the compute nodes (default: this one)"),
        ])), "Slurm settings"),
    ]))

    /// The image used when `launch.vast.image` is not set: an ordinary CUDA + Python image (Ubuntu 22.04 with conda's
    /// Python 3 and PyTorch; no curl, wget or git, which the onstart script does without or installs).
    package static let defaultVastImage = "pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime"

    /// Reads a `launch:` node the schema validator accepted, with the problems only a closer look finds
    /// (`launch.vast.sota_binary`'s forms and values, and its clash with `launch.install`).
    static func read(_ node: ConfigNode) -> (LaunchSettings, [Diagnostic]) {
        func located(_ child: ConfigNode?) -> Located<String>? {
            guard let child, let text = child.stringValue else { return nil }
            return Located(text, child.location)
        }
        var settings = LaunchSettings()
        var problems: [Diagnostic] = []
        settings.repository = located(node["repository"])
        settings.results = located(node["results"])
        settings.dataURL = located(node["data_url"])
        settings.install = located(node["install"])
        settings.environment = (node["environment"]?.items ?? []).compactMap(located)
        if let vast = node["vast"] {
            settings.vastAPIURL = located(vast["api_url"])
            settings.vastImage = vast["image"]?.stringValue
            settings.vastDiskGB = vast["disk_gb"]?.numberValue
            settings.vastGPU = vast["gpu"]?.stringValue
            settings.vastMaxPrice = vast["max_price"]?.numberValue
            settings.vastMinReliability = vast["min_reliability"]?.numberValue
            if let binary = vast["sota_binary"] {
                let (setting, found) = SotaBinarySetting.parse(binary)
                settings.vastSotaBinary = setting
                problems += found
                if let install = settings.install {
                    problems.append(.error(at: binary.location, keyPath: SotaBinarySetting.keyPath,
                                           "`\(SotaBinarySetting.keyPath)` and `launch.install` (at \(install.location)) both say how sota gets onto the instance",
                                           hint: "keep one: sota_binary for the release binary (or `build`), install for a command of your own"))
                }
            }
        }
        if let slurm = node["slurm"] {
            settings.slurmPartition = located(slurm["partition"])
            settings.slurmAccount = located(slurm["account"])
            settings.slurmQOS = located(slurm["qos"])
            settings.slurmMemory = located(slurm["mem"])
            settings.slurmCPUsPerTask = slurm["cpus_per_task"]?.intValue
            settings.slurmExtra = (slurm["extra"]?.items ?? []).compactMap(located)
            settings.slurmTime = located(slurm["time"])
            settings.slurmGPUs = slurm["gpus"]?.intValue
            settings.slurmMaxParallel = slurm["max_parallel"]?.intValue
            settings.slurmSota = located(slurm["sota"])
        }
        return (settings, problems)
    }
}
