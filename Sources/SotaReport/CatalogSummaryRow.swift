/// One config of the catalog (production, active or archived), as the weekly report lists it.
///
/// The workspace's catalog fills these; the report only renders them.
public struct CatalogSummaryRow: Sendable, Equatable, Codable {
    /// Where the config lives: `production`, `active` or `archived`.
    public var location: String
    /// The config's or experiment's name.
    public var name: String
    /// Its lifecycle status.
    public var status: String
    /// The best value of the report's metric among its runs, if it has any.
    public var bestMetric: Double?
    /// How many runs used it.
    public var runs: Int

    /// Creates a row.
    public init(location: String, name: String, status: String, bestMetric: Double?, runs: Int) {
        self.location = location
        self.name = name
        self.status = status
        self.bestMetric = bestMetric
        self.runs = runs
    }
}
