/// What each stage job asks Slurm for.
public struct SlurmResources: Sendable, Equatable, Codable {
    /// The partition (`--partition`); nil lets Slurm pick the default.
    public var partition: SbatchValue?
    /// The account charged (`--account`).
    public var account: SbatchValue?
    /// The quality of service (`--qos`).
    public var qos: SbatchValue?
    /// Memory per node (`--mem`), as sbatch spells it: `16G`, `4000M`.
    public var memory: SbatchValue?
    /// CPUs per task (`--cpus-per-task`).
    public var cpusPerTask: Int?
    /// Further `#SBATCH` lines from `launch.slurm.extra`, in order.
    public var extra: [SbatchDirective]?
    /// The time limit in seconds; Slurm counts whole minutes, so the script asks for it rounded up.
    public var timeSeconds: Int?
    /// GPUs per job (`--gres=gpu:N`); 0 asks for none.
    public var gpus: Int
    /// Most tasks of a sweep's array running at once (`%K`); nil lets Slurm decide.
    public var maxParallel: Int?

    /// Creates resources.
    public init(partition: SbatchValue? = nil, account: SbatchValue? = nil, qos: SbatchValue? = nil, memory: SbatchValue? = nil,
                cpusPerTask: Int? = nil, extra: [SbatchDirective] = [], timeSeconds: Int? = nil, gpus: Int = 0, maxParallel: Int? = nil) {
        self.partition = partition
        self.account = account
        self.qos = qos
        self.memory = memory
        self.cpusPerTask = cpusPerTask
        self.extra = extra.isEmpty ? nil : extra
        self.timeSeconds = timeSeconds
        self.gpus = gpus
        self.maxParallel = maxParallel
    }

    /// Checks a `--mem` value: a whole number with an optional K, M, G or T unit, as sbatch reads it.
    public static func memory(_ text: String, role: String) throws(ScriptValueError) -> SbatchValue {
        let digits = text.last.map { "KMGTkmgt".contains($0) } == true ? text.dropLast() : Substring(text)
        guard !digits.isEmpty, digits.count <= 12, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw ScriptValueError(value: text, role: role, reason: "memory is a whole number with an optional unit, such as 16G or 4000M")
        }
        return try SbatchValue(text, role: role)
    }

    /// The time limit in whole minutes, rounded up (a 90 s limit asks for 2 minutes, never 1).
    public var timeMinutes: Int? { timeSeconds.map { max(1, ($0 + 59) / 60) } }

    /// Parses a time limit: `HH:MM:SS`, `MM:SS`, `D-HH:MM:SS` or plain minutes, as sbatch spells it; nil when invalid.
    public static func parseTime(_ text: String) -> Int? {
        var days = 0
        var rest = Substring(text)
        if let dash = rest.firstIndex(of: "-") {
            guard let value = Int(rest[..<dash]), value >= 0 else { return nil }
            days = value
            rest = rest[rest.index(after: dash)...]
        }
        let parts = rest.split(separator: ":", omittingEmptySubsequences: false).map { Int($0) }
        guard !parts.isEmpty, parts.count <= 3, parts.allSatisfy({ ($0 ?? -1) >= 0 }) else { return nil }
        let numbers = parts.map { $0! }
        let seconds: Int
        switch numbers.count {
        case 1: seconds = numbers[0] * 60
        case 2: seconds = numbers[0] * 60 + numbers[1]
        default: seconds = numbers[0] * 3600 + numbers[1] * 60 + numbers[2]
        }
        let total = days * 86_400 + seconds
        return total > 0 ? total : nil
    }
}
