import FoundationEssentials
import SotaSupport

/// Turns a JSON decoding failure into a message with a line and column or a key path.
enum JSONProblem {
    /// The failure as a ``WorkspaceError/badMetadata(file:line:column:problem:)``.
    static func describe(_ error: any Error, bytes: [UInt8], file: String) -> WorkspaceError {
        switch error {
        case DecodingError.dataCorrupted(let context) where context.codingPath.isEmpty:
            let (line, column) = syntaxErrorPosition(bytes)
            return .badMetadata(file: file, line: line, column: column, problem: bytes.isEmpty ? "the file is empty" : "not valid JSON")
        case DecodingError.keyNotFound(let key, let context):
            return .badMetadata(file: file, line: nil, column: nil, problem: "missing `\(path(context.codingPath + [key]))`")
        case DecodingError.typeMismatch(let type, let context):
            let place = context.codingPath.isEmpty ? "the top level" : "`\(path(context.codingPath))`"
            return .badMetadata(file: file, line: nil, column: nil, problem: "wrong type at \(place): expected \(describe(type))")
        case DecodingError.valueNotFound(let type, let context):
            return .badMetadata(file: file, line: nil, column: nil, problem: "`\(path(context.codingPath))` is null, expected \(describe(type))")
        case DecodingError.dataCorrupted(let context):
            return .badMetadata(file: file, line: nil, column: nil, problem: "bad value at `\(path(context.codingPath))`")
        default:
            return .badMetadata(file: file, line: nil, column: nil, problem: "\(error)")
        }
    }

    /// `runs[0]`, `best_metrics.loss.value`.
    static func path(_ keys: [any CodingKey]) -> String {
        var out = ""
        for key in keys {
            if let index = key.intValue { out += "[\(index)]" } else { out += out.isEmpty ? key.stringValue : "." + key.stringValue }
        }
        return out
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Double.Type: "a number"
        case is Bool.Type: "true or false"
        case is [Any].Type: "a list"
        default: String(describing: type).hasPrefix("Array") ? "a list" : "an object"
        }
    }

    /// Where JSON text stops being valid, as 1-based line and column.
    static func syntaxErrorPosition(_ bytes: [UInt8]) -> (Int?, Int?) {
        guard !bytes.isEmpty, let offset = JSONSyntax.firstErrorOffset(bytes) else { return (nil, nil) }
        let place = JSONSyntax.lineAndColumn(of: offset, in: bytes)
        return (place.line, place.column)
    }
}
