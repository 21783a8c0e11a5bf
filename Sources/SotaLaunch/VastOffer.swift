import SotaSupport

/// One rentable machine offer from `POST /api/v0/bundles/`.
package struct VastOffer: Sendable, Equatable, Decodable {
    /// The offer (ask) id, used to create an instance.
    package var id: Int
    /// The GPU model, e.g. `RTX 4090`.
    package var gpuName: String
    /// GPUs in the offer.
    package var gpuCount: Int
    /// Total price per hour in USD for the offer with the requested storage.
    package var pricePerHour: Double
    /// Host reliability 0...1 (`reliability2`, else `reliability`).
    package var reliability: Double?
    /// Free disk in GB.
    package var diskSpaceGB: Double?
    /// Where the machine is, when Vast says.
    package var geolocation: String?
    /// The host machine.
    package var machineID: Int?

    /// Creates an offer.
    package init(id: Int, gpuName: String, gpuCount: Int, pricePerHour: Double, reliability: Double?, diskSpaceGB: Double?,
                geolocation: String? = nil, machineID: Int? = nil) {
        self.id = id
        self.gpuName = gpuName
        self.gpuCount = gpuCount
        self.pricePerHour = pricePerHour
        self.reliability = reliability
        self.diskSpaceGB = diskSpaceGB
        self.geolocation = geolocation
        self.machineID = machineID
    }

    private enum CodingKeys: String, CodingKey {
        case id, gpuName = "gpu_name", gpuCount = "num_gpus", pricePerHour = "dph_total", reliability, reliability2
        case diskSpaceGB = "disk_space", geolocation, machineID = "machine_id"
    }

    /// Decodes the fields sota uses from Vast's offer object; the many others are ignored.
    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(Int.self, forKey: .id)
        gpuName = try c.decode(String.self, forKey: .gpuName)
        gpuCount = try c.decode(Int.self, forKey: .gpuCount)
        pricePerHour = try c.decode(Double.self, forKey: .pricePerHour)
        reliability = try c.decodeIfPresent(Double.self, forKey: .reliability2) ?? c.decodeIfPresent(Double.self, forKey: .reliability)
        diskSpaceGB = try c.decodeIfPresent(Double.self, forKey: .diskSpaceGB)
        geolocation = try c.decodeIfPresent(String.self, forKey: .geolocation)
        machineID = try c.decodeIfPresent(Int.self, forKey: .machineID)
    }
}
