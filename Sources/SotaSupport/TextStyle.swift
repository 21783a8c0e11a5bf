import FoundationEssentials
import Glibc

/// ANSI styling that is switched off when output is not a terminal or NO_COLOR is set.
package struct TextStyle: Sendable {
    /// Whether escape sequences are emitted.
    package var isEnabled: Bool

    /// Plain text: no escape sequences.
    package static let plain = TextStyle(isEnabled: false)

    /// Creates a style that colours only when `isEnabled`.
    package init(isEnabled: Bool) {
        self.isEnabled = isEnabled
    }

    /// Colour for a file descriptor: a terminal, with NO_COLOR unset and TERM not `dumb`.
    package static func forDescriptor(_ fd: Int32, environment: [String: String]) -> TextStyle {
        let noColor = environment["NO_COLOR"].map { !$0.isEmpty } ?? false
        let dumb = environment["TERM"] == "dumb"
        return TextStyle(isEnabled: isatty(fd) == 1 && !noColor && !dumb)
    }

    /// Bold text.
    package func bold(_ text: String) -> String { wrap(text, "1") }
    /// Dim text.
    package func dim(_ text: String) -> String { wrap(text, "2") }
    /// Red text.
    package func red(_ text: String) -> String { wrap(text, "1;31") }
    /// Green text.
    package func green(_ text: String) -> String { wrap(text, "1;32") }
    /// Yellow text.
    package func yellow(_ text: String) -> String { wrap(text, "1;33") }
    /// Cyan text.
    package func cyan(_ text: String) -> String { wrap(text, "1;36") }

    private func wrap(_ text: String, _ code: String) -> String {
        isEnabled ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}
