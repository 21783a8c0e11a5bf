import FoundationEssentials
import SotaSupport

/// One rented instance, as `GET /api/v0/instances/{id}/` describes it.
package struct VastInstance: Sendable, Equatable, Decodable {
    /// The instance (contract) id.
    package var id: Int
    /// What the machine reports: `loading`, `running`, `exited`, ... (nil while scheduling).
    package var actualStatus: String?
    /// What was asked for: `running` or `stopped`.
    package var currentState: String?
    /// Total price per hour in USD.
    package var pricePerHour: Double?
    /// When the instance started, in seconds since 1970.
    package var startDate: Double?
    /// The GPU model.
    package var gpuName: String?
    /// GPUs in the instance.
    package var gpuCount: Int?
    /// Vast's status message, e.g. an image pull error.
    package var statusMessage: String?
    /// What Vast means the instance to be (`running`, `stopped`), beside `cur_state`.
    package var intendedStatus: String?
    /// The storage part of the price per hour in USD: all a stopped instance is billed.
    package var storagePricePerHour: Double?

    /// Creates an instance description.
    package init(id: Int, actualStatus: String?, currentState: String?, pricePerHour: Double?, startDate: Double?,
                gpuName: String? = nil, gpuCount: Int? = nil, statusMessage: String? = nil, intendedStatus: String? = nil,
                storagePricePerHour: Double? = nil) {
        self.id = id
        self.actualStatus = actualStatus
        self.currentState = currentState
        self.pricePerHour = pricePerHour
        self.startDate = startDate
        self.gpuName = gpuName
        self.gpuCount = gpuCount
        self.statusMessage = statusMessage
        self.intendedStatus = intendedStatus
        self.storagePricePerHour = storagePricePerHour
    }

    private enum CodingKeys: String, CodingKey {
        case id, actualStatus = "actual_status", currentState = "cur_state", pricePerHour = "dph_total"
        case startDate = "start_date", gpuName = "gpu_name", gpuCount = "num_gpus", statusMessage = "status_msg"
        case intendedStatus = "intended_status", storagePricePerHour = "storage_total_cost"
    }

    /// Where an instance stands for billing: Vast bills a running (or starting) instance its whole price, a stopped
    /// one its storage only, and a destroyed one nothing.
    package enum Phase: String, Sendable, Equatable {
        /// Being scheduled, created or loading its image (billed as running).
        case starting
        /// Running.
        case running
        /// Stopped or exited: the GPU is released, the disk is kept and billed.
        case stopped
        /// Destroyed or being destroyed: nothing is billed any more.
        case gone
    }

    /// The phase, from every state field Vast gives: any of them saying destroyed wins, then stopped or exited.
    package var phase: Phase {
        let states = [actualStatus, currentState, intendedStatus].compactMap { $0?.lowercased() }
        if states.contains(where: { ["destroyed", "destroying", "deleted", "deleting"].contains($0) }) { return .gone }
        let actual = actualStatus?.lowercased()
        if let actual, ["exited", "stopped", "stopping", "inactive", "offline"].contains(actual) { return .stopped }
        if actual != "running", currentState?.lowercased() == "stopped" || intendedStatus?.lowercased() == "stopped" { return .stopped }
        return actual == "running" ? .running : .starting
    }

    /// What the instance is billed per hour now, or nil when Vast did not say: its price while starting or running,
    /// its storage price when stopped, nothing once gone.
    package var billedPerHour: Double? {
        switch phase {
        case .starting, .running: pricePerHour
        case .stopped: storagePricePerHour
        case .gone: 0
        }
    }

    /// Hours since the instance started, at `now`.
    package func hours(at now: Date) -> Double? {
        guard let startDate, startDate.isFinite else { return nil }
        return max(0, now.timeIntervalSince1970 - startDate) / 3600
    }

    /// What the instance has cost so far at `now` while it starts or runs: price per hour × hours since start.
    ///
    /// Nil once it is stopped or gone: Vast no longer bills it the running price, and when it stopped is not in the
    /// answer, so any figure would be a guess (``billedPerHour`` gives what it costs now).
    package func cost(at now: Date) -> Double? {
        guard phase == .starting || phase == .running, let pricePerHour, pricePerHour.isFinite, let hours = hours(at: now) else { return nil }
        return pricePerHour * hours
    }
}
