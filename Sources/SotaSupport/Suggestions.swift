/// "Did you mean ...?" for misspelled keys, flags and names.
package enum Suggestions {
    /// The candidate closest to `word` by edit distance, when it is close enough to be a likely typo.
    ///
    /// A candidate qualifies within a third of the word's length (at least 1, at most 3 edits), or when
    /// one spelling contains the other ignoring case (`lr` for `learning_rate` does not; `maxsteps` for `max_steps` does).
    package static func closest(to word: String, in candidates: some Sequence<String>) -> String? {
        let lowered = word.lowercased()
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let distance = editDistance(lowered, candidate.lowercased())
            if best == nil || distance < best!.distance { best = (candidate, distance) }
        }
        guard let best else { return nil }
        let allowed = max(1, min(3, word.count / 3))
        if best.distance <= allowed { return best.candidate }
        let squashed = lowered.filter { $0 != "_" && $0 != "-" }
        if squashed.count >= 3, best.candidate.lowercased().filter({ $0 != "_" && $0 != "-" }) == squashed {
            return best.candidate
        }
        return nil
    }

    /// Optimal-string-alignment distance: insertions, deletions, substitutions and adjacent swaps each cost 1.
    package static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.unicodeScalars), b = Array(b.unicodeScalars)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous2 = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], previous2[j - 2] + 1)
                }
            }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return previous[b.count]
    }
}
