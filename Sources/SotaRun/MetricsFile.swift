import Foundation

/// The metrics JSON an evaluate program writes: an object whose numeric members are the metrics.
public enum MetricsFile {
    /// The numeric top-level members of the JSON object in `path`, or why it cannot be read.
    public static func read(_ path: String) -> Result<[String: Double], MetricsProblem> {
        guard let data = FileManager.default.contents(atPath: path) else { return .failure(MetricsProblem("cannot be read")) }
        // One decoding pass: a type mismatch at the top means valid JSON that is not an object.
        let members: [String: Member]
        do {
            members = try JSONDecoder().decode([String: Member].self, from: data)
        } catch DecodingError.typeMismatch(_, let context) where context.codingPath.isEmpty {
            return .failure(MetricsProblem("is not a JSON object"))
        } catch {
            return .failure(MetricsProblem("is not valid JSON"))
        }
        var metrics: [String: Double] = [:]
        for (key, member) in members {
            if case .number(let value) = member { metrics[key] = value }
        }
        return .success(metrics)
    }
}

/// Why a metrics file is unusable.
public struct MetricsProblem: Error, Sendable, CustomStringConvertible {
    /// The explanation.
    public var description: String

    init(_ description: String) { self.description = description }
}

/// One member of a metrics object: a number, or anything else (ignored).
private enum Member: Decodable {
    case number(Double)
    case other

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        // Booleans are not metrics, and a JSON `true` must not read as 1.
        if (try? container.decode(Bool.self)) != nil {
            self = .other
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else {
            self = .other
        }
    }
}
