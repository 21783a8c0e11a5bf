import SotaSupport

/// A metric the project's evaluation reports, declared in `sota.yaml` so rankings, gates and reports agree on
/// which way is better.
///
/// ```yaml
/// metrics:
///   accuracy: {direction: higher, description: top-1 on the held-out split}
///   loss: lower
/// primary_metric: accuracy
/// ```
package struct MetricDeclaration: Sendable, Equatable {
    /// The key in the metrics JSON.
    package var name: String
    /// Which way is better.
    package var direction: MetricDirection
    /// One line for listings.
    package var description: String
    /// Where it is declared.
    package var location: SourceLocation

    /// Creates a declaration.
    package init(name: String, direction: MetricDirection, description: String = "", location: SourceLocation = SourceLocation(file: "sota.yaml")) {
        self.name = name
        self.direction = direction
        self.description = description
        self.location = location
    }

    /// Reads `name: lower` or `name: {direction: higher, description: ...}`.
    static func parse(_ entry: ConfigEntry) -> Result<MetricDeclaration, DiagnosticError> {
        let value = entry.value
        let directionNode = value.stringValue != nil ? value : value["direction"]
        guard let word = directionNode?.stringValue, let direction = MetricDirection(rawValue: word) else {
            return .failure(DiagnosticError(.error(
                at: directionNode?.location ?? value.location, keyPath: "metrics.\(entry.key)",
                "metric `\(entry.key)` needs a direction: `lower` or `higher`" + (directionNode?.stringValue.map { ", found `\($0)`" } ?? ""),
                hint: "for example: metrics: {\(entry.key): {direction: higher}}"
            )))
        }
        for key in value.entries ?? [] where key.key != "direction" && key.key != "description" {
            return .failure(DiagnosticError(.error(at: key.keyLocation, keyPath: "metrics.\(entry.key).\(key.key)",
                                                   "unknown key `\(key.key)` in metric `\(entry.key)`",
                                                   hint: "a metric declares `direction` and `description`")))
        }
        return .success(MetricDeclaration(name: entry.key, direction: direction,
                                          description: value["description"]?.stringValue ?? "", location: entry.keyLocation))
    }
}
