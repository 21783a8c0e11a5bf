/// One config of the catalog (production, active or archived), as the weekly report lists it.
///
/// The workspace's catalog fills these; the report only renders them.
package struct CatalogSummaryRow: Sendable, Equatable, Codable {
    /// Where the config lives: `production`, `active` or `archived`.
    package var location: String
    /// The config's or experiment's name.
    package var name: String
    /// Its lifecycle status.
    package var status: String
    /// The best value of the report's metric among its runs, if it has any.
    package var bestMetric: Double?
    /// How many runs used it.
    package var runs: Int

    /// Creates a row.
    package init(location: String, name: String, status: String, bestMetric: Double?, runs: Int) {
        self.location = location
        self.name = name
        self.status = status
        self.bestMetric = bestMetric
        self.runs = runs
    }
}
