import FoundationEssentials
import Synchronization

/// Where a command writes: standard output and error, or buffers in tests.
package final class Console: Sendable {
    /// A destination for text.
    package enum Sink: Sendable {
        /// A file descriptor such as 1 or 2.
        case descriptor(Int32)
        /// An in-memory buffer, for tests.
        case buffer
    }

    private let outSink: Sink
    private let errSink: Sink
    private let captured = Mutex<(out: String, err: String)>(("", ""))
    /// Styling for standard output.
    package let outStyle: TextStyle
    /// Styling for standard error.
    package let errStyle: TextStyle

    /// Creates a console over two sinks with their styles.
    package init(out: Sink, err: Sink, outStyle: TextStyle, errStyle: TextStyle) {
        self.outSink = out
        self.errSink = err
        self.outStyle = outStyle
        self.errStyle = errStyle
    }

    /// The process's standard output and error, coloured only on terminals without NO_COLOR.
    package static func standard(environment: [String: String]) -> Console {
        Console(
            out: .descriptor(1), err: .descriptor(2),
            outStyle: .forDescriptor(1, environment: environment),
            errStyle: .forDescriptor(2, environment: environment)
        )
    }

    /// A console that records everything written, for tests.
    package static func capturing() -> Console {
        Console(out: .buffer, err: .buffer, outStyle: .plain, errStyle: .plain)
    }

    /// Writes `text` and a terminator (a newline by default) to standard output.
    package func out(_ text: String, terminator: String = "\n") { emit(text + terminator, to: outSink, isError: false) }

    /// Writes `text` and a terminator (a newline by default) to standard error.
    package func err(_ text: String, terminator: String = "\n") { emit(text + terminator, to: errSink, isError: true) }

    /// Prints diagnostics to standard error, one rendering for every command: `file:line:col: error: message` with
    /// its hint, coloured on a terminal. The only place sota spells `error:`, `warning:` or `note:`.
    package func report(_ diagnostics: [Diagnostic]) {
        let renderer = DiagnosticRenderer(style: errStyle)
        for diagnostic in diagnostics { err(renderer.render(diagnostic)) }
    }

    /// Prints one located-or-not error (`error: message`), as ``report(_:)`` does.
    package func error(_ message: String, at location: SourceLocation? = nil, hint: String? = nil) {
        report([.error(at: location, message, hint: hint)])
    }

    /// Prints one warning (`warning: message`), as ``report(_:)`` does.
    package func warning(_ message: String, at location: SourceLocation? = nil, hint: String? = nil) {
        report([.warning(at: location, message, hint: hint)])
    }

    /// Everything written to standard output so far (capturing consoles only).
    package var capturedOut: String { captured.withLock { $0.out } }

    /// Everything written to standard error so far (capturing consoles only).
    package var capturedErr: String { captured.withLock { $0.err } }

    private func emit(_ text: String, to sink: Sink, isError: Bool) {
        switch sink {
        case .descriptor(let fd):
            DescriptorOutput.writeAll(text, to: fd)
        case .buffer:
            captured.withLock { if isError { $0.err += text } else { $0.out += text } }
        }
    }
}
