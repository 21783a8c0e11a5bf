import SotaSupport

/// What a run needs from a Vast offer, and the JSON body `POST /api/v0/bundles/` takes for it.
package struct VastOfferQuery: Sendable, Equatable {
    /// Vast's GPU model name, e.g. `RTX 4090` or `H100 SXM`.
    package var gpuName: String
    /// GPUs per instance.
    package var gpuCount: Int
    /// Highest total price per hour (GPUs, storage and all), in USD; nil for any.
    package var maxPricePerHour: Double?
    /// Lowest host reliability, 0...1.
    package var minReliability: Double
    /// Disk the instance gets, in GB: offers with less free space are skipped, and storage is priced for it.
    package var diskGB: Double
    /// How many offers to ask for.
    package var limit: Int

    /// Creates a query.
    package init(gpuName: String, gpuCount: Int = 1, maxPricePerHour: Double? = nil, minReliability: Double = 0.95,
                diskGB: Double = 32, limit: Int = 64) {
        self.gpuName = gpuName
        self.gpuCount = gpuCount
        self.maxPricePerHour = maxPricePerHour
        self.minReliability = minReliability
        self.diskGB = diskGB
        self.limit = limit
    }

    /// Vast's spelling of a GPU name written as in sota's price table: `RTX-4090` and `RTX_4090` become `RTX 4090`,
    /// as the vastai CLI turns `_` into spaces.
    package static func vastGPUName(_ name: String) -> String {
        String(name.map { $0 == "_" || $0 == "-" ? " " : $0 })
    }

    /// The request body, with the vastai CLI's default filters (verified, rentable, not rented, not external) and
    /// the cheapest offers first.
    package var body: JSONValue {
        var filters: [(String, JSONValue)] = [
            ("verified", .object([("eq", .bool(true))])),
            ("external", .object([("eq", .bool(false))])),
            ("rentable", .object([("eq", .bool(true))])),
            ("rented", .object([("eq", .bool(false))])),
            ("gpu_name", .object([("eq", .string(gpuName))])),
            ("num_gpus", .object([("eq", .int(gpuCount))])),
            ("reliability", .object([("gte", .double(minReliability))])),
            ("disk_space", .object([("gte", .double(diskGB))])),
        ]
        if let maxPricePerHour { filters.append(("dph_total", .object([("lte", .double(maxPricePerHour))]))) }
        filters += [
            ("order", .array([.array([.string("dph_total"), .string("asc")])])),
            ("type", .string("on-demand")),
            ("limit", .int(limit)),
            ("allocated_storage", .double(diskGB)),
        ]
        return .object(filters)
    }

    /// Whether `offer` meets the query (the API filters too; this guards against a server that ignores a filter).
    package func admits(_ offer: VastOffer) -> Bool {
        offer.gpuName == gpuName && offer.gpuCount == gpuCount && (offer.reliability ?? 0) >= minReliability
            && (offer.diskSpaceGB ?? .infinity) >= diskGB && (maxPricePerHour.map { offer.pricePerHour <= $0 } ?? true)
            && offer.pricePerHour.isFinite && offer.pricePerHour >= 0
    }

    /// The offer to rent: the cheapest one the query admits, the more reliable host on equal price, then the
    /// lower id so the choice is deterministic; nil when none fits.
    package func choose(from offers: [VastOffer]) -> VastOffer? {
        offers.filter(admits).min { a, b in
            if a.pricePerHour != b.pricePerHour { return a.pricePerHour < b.pricePerHour }
            if (a.reliability ?? 0) != (b.reliability ?? 0) { return (a.reliability ?? 0) > (b.reliability ?? 0) }
            return a.id < b.id
        }
    }
}
