import SotaConfig

/// What GPU time cost, from the project's price table: seconds × GPUs × price per GPU-hour.
///
/// Run manifests record how long each stage ran on which GPU type, not what it cost, so the report prices runs
/// with today's table.
package struct GPUPricing: Sendable {
    /// The price table, nil when the project has none (every GPU run's cost is then unknown).
    package var table: PriceTable?
    /// The price table's path as displayed, for notes about missing prices.
    package var tablePath: String

    /// Creates the pricing of `table` (nil: no price table), shown in notes as `tablePath`.
    package init(table: PriceTable?, tablePath: String) {
        self.table = table
        self.tablePath = tablePath
    }

    /// The cost of `seconds` of stage time on `gpuCount` GPUs of `gpuType`; nil when the type has no price.
    ///
    /// A run that names no GPU type, or uses no GPUs, ran on the CPU and costs nothing here.
    package func cost(gpuType: String?, gpuCount: Int, seconds: Double) -> Double? {
        guard let gpuType, gpuCount > 0 else { return 0 }
        guard let price = table?.entries[gpuType]?.price else { return nil }
        return seconds / 3600 * price * Double(gpuCount)
    }
}
