import SotaSupport
import SotaConfig

/// One `--sweep keys=values` axis: every key is set to the same value, once per value.
package struct SweepAxis: Sendable, Equatable {
    /// Key paths set together (`model.width,model.heads=8,16`).
    package var keys: [String]
    /// The values, as typed (each a YAML scalar).
    package var values: [String]

    /// Parses `key[,key...]=value[,value...]`.
    package static func parse(_ text: String) -> Result<SweepAxis, DiagnosticError> {
        let flag = SourceLocation(file: "--sweep \(text)")
        guard let equals = text.firstIndex(of: "=") else {
            return .failure(DiagnosticError(.error(at: flag, "`--sweep` expects KEY=V1,V2,...", hint: "for example: --sweep training.learning_rate=0.01,0.05")))
        }
        let keys = text[..<equals].split(separator: ",").map { String($0).trimmingSpaces() }
        let values = text[text.index(after: equals)...].split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingSpaces() }
        guard !keys.isEmpty, keys.allSatisfy({ KeyPath(parsing: $0) != nil }) else {
            return .failure(DiagnosticError(.error(at: flag, "`--sweep` needs key paths before `=`")))
        }
        guard !values.isEmpty, !values.contains(where: \.isEmpty) else {
            return .failure(DiagnosticError(.error(at: flag, "`--sweep` needs comma-separated values after `=`, none empty")))
        }
        return .success(SweepAxis(keys: keys, values: values))
    }
}

/// The runs of a sweep and the device each one gets. Pure.
package struct SweepPlan: Sendable, Equatable {
    /// One run of the sweep.
    package struct Job: Sendable, Equatable {
        /// Position in the sweep, from 0.
        package var index: Int
        /// The training config path as given.
        package var config: String
        /// `key=value` overrides: the fixed `--set` ones, then this job's sweep values.
        package var overrides: [String]
        /// The device this job runs on.
        package var device: String
        /// The run id it will get.
        package var runID: String

        /// Creates a job.
        package init(index: Int, config: String, overrides: [String], device: String, runID: String) {
            self.index = index
            self.config = config
            self.overrides = overrides
            self.device = device
            self.runID = runID
        }
    }

    /// The jobs in order.
    package var jobs: [Job]
    /// The device slots (one device, or several joined by commas), each running at most one job at a time.
    package var devices: [String]

    /// The device ids of a `--gpus` list such as `0` or `0,1`: ASCII digits separated by single commas; nil for an
    /// empty list, an empty item (`,`, `0,,1`, `1,`) or anything else, so no sweep is ever planned over no device.
    package static func devices(parsing text: String) -> [String]? {
        let items = text.split(separator: ",", omittingEmptySubsequences: false)
        guard items.allSatisfy({ item in
            !item.isEmpty && item.utf8.count <= 9 && item.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        }) else { return nil }
        return items.map(String.init)
    }

    /// Creates a plan from its jobs and device slots.
    package init(jobs: [Job], devices: [String]) {
        self.jobs = jobs
        self.devices = devices
    }

    /// Every config × the cartesian product of the axes, assigned to device slots round-robin.
    ///
    /// The seed policy, the same for local and Slurm sweeps: run `i` (from 0) gets its config's seed + `i`, so no two
    /// runs of a sweep share a seed, unless the sweep itself sets `seed` (an axis or a fixed `--set seed=...`), which
    /// then wins. `seedOf` gives a job's config's own seed (nil: the config has none, counted as 0); nil skips seeding.
    package static func make(configs: [String], fixed: [String], axes: [SweepAxis], devices: [String],
                            seedOf: ((_ config: String, _ overrides: [String]) -> Int?)? = nil, runID: (Int) -> String) -> SweepPlan {
        var combinations: [[String]] = [[]]
        for axis in axes {
            combinations = combinations.flatMap { prefix in axis.values.map { value in prefix + axis.keys.map { "\($0)=\(value)" } } }
        }
        let sweepSetsSeed = axes.contains { $0.keys.contains("seed") } || fixed.contains { $0.hasPrefix("seed=") }
        var jobs: [Job] = []
        for config in configs {
            for combination in combinations {
                let index = jobs.count
                var overrides = fixed + combination
                if let seedOf, !sweepSetsSeed {
                    // Wrapping: a seed is an identifier, and a config's seed near Int.max must not trap.
                    overrides.append("seed=\((seedOf(config, overrides) ?? 0) &+ index)")
                }
                jobs.append(Job(index: index, config: config, overrides: overrides,
                                device: devices.isEmpty ? "" : devices[index % devices.count], runID: runID(index)))
            }
        }
        return SweepPlan(jobs: jobs, devices: devices)
    }

    /// Device slots for runs that each take `perRun` devices: `["0", "1", "2", "3"]` by 2 gives `["0,1", "2,3"]`.
    /// Devices left over after the last whole slot stay unused; nil when there are fewer devices than one run needs.
    package static func slots(devices: [String], perRun: Int) -> [String]? {
        let size = max(1, perRun)
        guard devices.count >= size else { return nil }
        return stride(from: 0, to: devices.count - size + 1, by: size).map { devices[$0..<($0 + size)].joined(separator: ",") }
    }
}
