import Foundation
import SotaBasics

/// Quotes text for POSIX shells, so an interpolated value is always one word and never code.
public enum ShellQuote {
    /// Characters that need no quoting anywhere in a word.
    private static let plain = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./:=@%+,")

    /// `text` as one shell word: bare when it holds only plain characters, else single-quoted with each `'`
    /// spelled `'\''`. Newlines, `$`, backquotes and non-ASCII text stay literal inside single quotes.
    public static func quote(_ text: String) -> String {
        if !text.isEmpty, text.allSatisfy({ plain.contains($0) }) { return text }
        return "'" + text.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }

    /// The words quoted and joined by spaces.
    public static func join(_ words: [String]) -> String {
        words.map(quote).joined(separator: " ")
    }
}
