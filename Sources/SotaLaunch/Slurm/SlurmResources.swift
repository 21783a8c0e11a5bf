import SotaSupport

/// What each stage job asks Slurm for.
package struct SlurmResources: Sendable, Equatable, Codable {
    /// The partition (`--partition`); nil lets Slurm pick the default.
    package var partition: SbatchValue?
    /// The account charged (`--account`).
    package var account: SbatchValue?
    /// The quality of service (`--qos`).
    package var qos: SbatchValue?
    /// Memory per node (`--mem`), as sbatch spells it: `16G`, `4000M`.
    package var memory: SbatchValue?
    /// CPUs per task (`--cpus-per-task`).
    package var cpusPerTask: Int?
    /// Further `#SBATCH` lines from `launch.slurm.extra`, in order.
    package var extra: [SbatchDirective]?
    /// The time limit in seconds; Slurm counts whole minutes, so the script asks for it rounded up.
    package var timeSeconds: Int?
    /// GPUs per job (`--gres=gpu:N`); 0 asks for none.
    package var gpus: Int
    /// Most tasks of a sweep's array running at once (`%K`); nil lets Slurm decide.
    package var maxParallel: Int?

    /// Creates resources.
    package init(partition: SbatchValue? = nil, account: SbatchValue? = nil, qos: SbatchValue? = nil, memory: SbatchValue? = nil,
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
    package static func memory(_ text: String, role: String) throws(ScriptValueError) -> SbatchValue {
        let digits = text.last.map { "KMGTkmgt".contains($0) } == true ? text.dropLast() : Substring(text)
        guard !digits.isEmpty, digits.count <= 12, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw ScriptValueError(value: text, role: role, reason: "memory is a whole number with an optional unit, such as 16G or 4000M")
        }
        return try SbatchValue(text, role: role)
    }

    /// The time limit in whole minutes, rounded up (a 90 s limit asks for 2 minutes, never 1).
    ///
    /// Total for any stored value (launch.json is read back from disk): division never overflows where `+ 59` could.
    package var timeMinutes: Int? { timeSeconds.map { max(1, $0 / 60 + ($0 % 60 > 0 ? 1 : 0)) } }

    /// The longest time limit sota asks for: a year, past any real stage job, and far inside every integer type
    /// Slurm and sota count minutes in.
    package static let maximumTimeSeconds = 365 * 86_400

    /// Parses a time limit: `HH:MM:SS`, `MM:SS`, `D-HH:MM:SS` or plain minutes, as sbatch spells it; nil when invalid
    /// (``timeProblem(_:)`` says why).
    package static func parseTime(_ text: String) -> Int? {
        if case .seconds(let seconds) = TimeLimit(text) { return seconds }
        return nil
    }

    /// Why `text` is not a time limit sota accepts, as a phrase to follow the flag or key (`takes HH:MM:SS ...`);
    /// nil when ``parseTime(_:)`` accepts it.
    package static func timeProblem(_ text: String) -> String? {
        switch TimeLimit(text) {
        case .seconds: nil
        case .malformed: "takes HH:MM:SS (or MM:SS, minutes, D-HH:MM:SS), found `\(text)`"
        case .zero: "must be longer than zero, found `\(text)`"
        case .tooLong: "is longer than \(maximumTimeSeconds / 86_400) days, found `\(text)`"
        }
    }

    /// A time limit as read, with every way it can be refused.
    private enum TimeLimit {
        case seconds(Int)
        case malformed, zero, tooLong

        /// Reads `text`; numbers too large for an `Int`, and sums that overflow, are `tooLong`, never a trap.
        init(_ text: String) {
            var rest = Substring(text)
            var fields: [Substring] = []
            if let dash = rest.firstIndex(of: "-") {
                fields.append(rest[..<dash])
                rest = rest[rest.index(after: dash)...]
            }
            let parts = rest.split(separator: ":", omittingEmptySubsequences: false)
            guard !parts.isEmpty, parts.count <= 3 else { self = .malformed; return }
            // With a day field sbatch wants at least hours (`D-HH`, `D-HH:MM`, `D-HH:MM:SS`); without, minutes first.
            let units: [Int] = switch (fields.isEmpty, parts.count) {
            case (true, 1): [60]
            case (true, 2): [60, 1]
            case (true, _): [3600, 60, 1]
            case (false, 1): [86_400, 3600]
            case (false, 2): [86_400, 3600, 60]
            case (false, _): [86_400, 3600, 60, 1]
            }
            fields += parts
            var total = 0
            for (field, unit) in zip(fields, units) {
                guard !field.isEmpty, field.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
                    self = .malformed
                    return
                }
                guard let value = Int(field) else { self = .tooLong; return }
                let (scaled, overflowA) = value.multipliedReportingOverflow(by: unit)
                let (sum, overflowB) = total.addingReportingOverflow(scaled)
                guard !overflowA, !overflowB else { self = .tooLong; return }
                total = sum
            }
            if total == 0 {
                self = .zero
            } else if total > SlurmResources.maximumTimeSeconds {
                self = .tooLong
            } else {
                self = .seconds(total)
            }
        }
    }
}
