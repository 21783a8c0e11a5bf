import SotaSupport

/// Text of a generated script (sbatch or onstart) whose only interpolations are checked values.
///
/// A string literal becomes script code as written; `\(…)` accepts a ``ShellWord``, an ``SbatchValue``, an `Int`
/// or other ``ScriptText``, and nothing else, so a configured `String` cannot reach a script unquoted: the compiler
/// refuses it.
package struct ScriptText: Sendable, Equatable, ExpressibleByStringInterpolation {
    /// The text.
    package let text: String

    /// Code as written in sota's source.
    package init(stringLiteral value: String) {
        text = value
    }

    /// Code with checked values interpolated.
    package init(stringInterpolation: Interpolation) {
        text = stringInterpolation.text
    }

    /// Base64 text, which holds only `A-Z a-z 0-9 + / =` and line feeds.
    init(base64 encoded: String) {
        text = encoded
    }

    /// Pieces of script text put together.
    init(concatenating pieces: [ScriptText]) {
        text = pieces.map(\.text).joined()
    }

    /// Collects literals and checked values.
    package struct Interpolation: StringInterpolationProtocol {
        var text = ""

        /// Reserves room.
        package init(literalCapacity: Int, interpolationCount: Int) {
            text.reserveCapacity(literalCapacity + 16 * interpolationCount)
        }

        /// Code as written.
        package mutating func appendLiteral(_ literal: String) { text += literal }
        /// A value as one quoted word.
        package mutating func appendInterpolation(_ word: ShellWord) { text += word.rendered }
        /// A checked `#SBATCH` value.
        package mutating func appendInterpolation(_ value: SbatchValue) { text += value.text }
        /// A checked `#SBATCH` option with its value.
        package mutating func appendInterpolation(_ directive: SbatchDirective) { text += directive.description }
        /// A number.
        package mutating func appendInterpolation(_ number: Int) { text += String(number) }
        /// Other script text.
        package mutating func appendInterpolation(_ code: ScriptText) { text += code.text }
    }

    /// `lines` joined by line feeds, with a final one.
    package static func lines(_ lines: [ScriptText]) -> String {
        lines.map(\.text).joined(separator: "\n") + "\n"
    }
}
