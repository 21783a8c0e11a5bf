import SotaRunRecord

extension SweepManifest {
    /// Creates the manifest of a planned sweep.
    package init(sweepID: String, created: String, plan: SweepPlan) {
        self.init(sweepID: sweepID, created: created, runs: plan.jobs.map {
            Entry(runID: $0.runID, config: $0.config, overrides: $0.overrides, device: $0.device, status: "pending", exitStatus: nil, reason: nil)
        })
    }

    /// The sweep's plan as recorded: each run's config, overrides and device, in order.
    package var plan: SweepPlan {
        var devices: [String] = []
        for entry in runs where !devices.contains(entry.device) { devices.append(entry.device) }
        return SweepPlan(jobs: runs.enumerated().map { index, entry in
            SweepPlan.Job(index: index, config: entry.config, overrides: entry.overrides, device: entry.device, runID: entry.runID)
        }, devices: devices)
    }
}
