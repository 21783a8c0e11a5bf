/// The contract of every `--json` output (see docs/json.md): one JSON object whose first member is
/// `"schema_version": 1`, so scripts can tell which shape they read and refuse one they were not written for.
///
/// Within a version, members may be added; removing or renaming one, or changing its type or meaning, raises
/// ``schemaVersion``. The modules that render an output themselves (the leaderboard, the catalog, the weekly
/// report) take the version from here, so there is one number to raise.
package enum JSONOutput {
    /// The version of every `--json` output's shape.
    package static let schemaVersion = 1

    /// The name of the member that carries ``schemaVersion``.
    package static let versionKey = "schema_version"

    /// A top-level output object: `schema_version` first, then `fields` in order.
    package static func document(_ fields: [(String, JSONValue)]) -> JSONValue {
        .object([(versionKey, .int(schemaVersion))] + fields)
    }

    /// `value` as a top-level output: an object gets `schema_version` first (unless it already has it); anything
    /// else (an array) is wrapped as the member `key` of a new object.
    package static func document(_ value: JSONValue, wrappingAs key: String) -> JSONValue {
        switch value {
        case .object(let fields) where fields.contains { $0.0 == versionKey }: value
        case .object(let fields): document(fields)
        default: document([(key, value)])
        }
    }
}
