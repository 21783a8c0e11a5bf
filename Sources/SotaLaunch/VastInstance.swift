import Foundation
import SotaBasics

/// One rented instance, as `GET /api/v0/instances/{id}/` describes it.
public struct VastInstance: Sendable, Equatable, Decodable {
    /// The instance (contract) id.
    public var id: Int
    /// What the machine reports: `loading`, `running`, `exited`, ... (nil while scheduling).
    public var actualStatus: String?
    /// What was asked for: `running` or `stopped`.
    public var currentState: String?
    /// Total price per hour in USD.
    public var pricePerHour: Double?
    /// When the instance started, in seconds since 1970.
    public var startDate: Double?
    /// The GPU model.
    public var gpuName: String?
    /// GPUs in the instance.
    public var gpuCount: Int?
    /// Vast's status message, e.g. an image pull error.
    public var statusMessage: String?

    /// Creates an instance description.
    public init(id: Int, actualStatus: String?, currentState: String?, pricePerHour: Double?, startDate: Double?,
                gpuName: String? = nil, gpuCount: Int? = nil, statusMessage: String? = nil) {
        self.id = id
        self.actualStatus = actualStatus
        self.currentState = currentState
        self.pricePerHour = pricePerHour
        self.startDate = startDate
        self.gpuName = gpuName
        self.gpuCount = gpuCount
        self.statusMessage = statusMessage
    }

    private enum CodingKeys: String, CodingKey {
        case id, actualStatus = "actual_status", currentState = "cur_state", pricePerHour = "dph_total"
        case startDate = "start_date", gpuName = "gpu_name", gpuCount = "num_gpus", statusMessage = "status_msg"
    }

    /// Hours since the instance started, at `now`.
    public func hours(at now: Date) -> Double? {
        guard let startDate else { return nil }
        return max(0, now.timeIntervalSince1970 - startDate) / 3600
    }

    /// What the instance has cost so far at `now`: price per hour × hours since start.
    public func cost(at now: Date) -> Double? {
        guard let pricePerHour, let hours = hours(at: now) else { return nil }
        return pricePerHour * hours
    }
}
