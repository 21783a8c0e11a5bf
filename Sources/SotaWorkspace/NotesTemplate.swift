import SotaSupport

/// `notes.md` for a new experiment, and the hypothesis read back from it.
package enum NotesTemplate {
    /// The placeholder under `## Hypothesis` until someone writes one.
    package static let hypothesisPlaceholder = "[What should change, by how much, and why? `sota experiment show` prints this paragraph.]"

    /// The notes of a new experiment: hypothesis, config changes against the base config, results and decision.
    package static func render(name: String, day: String, baseConfig: String, baseHash: String, changes: [ConfigChange]) -> String {
        var text = """
        # Experiment: \(name)

        Created \(day) from `\(baseConfig)` (config sha256 \(baseHash.prefix(12))).

        ## Hypothesis

        \(hypothesisPlaceholder)

        ## Config changes

        """
        text += "\n"
        if changes.isEmpty {
            text += "None yet: the config equals `\(baseConfig)`.\n"
        } else {
            for change in changes { text += "- `\(change.keyPath)`: \(change.old ?? "(absent)") -> \(change.new ?? "(absent)")\n" }
        }
        text += """

        ## Results

        [To be filled after the runs: `sota experiment show \(name)` lists them with the best metric.]

        ## Decision

        [Promote, iterate or archive, and why.]

        """
        return text
    }

    /// The first paragraph under `## Hypothesis`, joined into one line; nil when missing or still the placeholder.
    package static func hypothesis(in notes: String) -> String? {
        var inSection = false
        var paragraph: [String] = []
        for raw in notes.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(raw).trimmingSpaces()
            if line.hasPrefix("#") {
                if inSection, !paragraph.isEmpty { break }
                inSection = String(line.drop(while: { $0 == "#" })).trimmingSpaces().lowercased() == "hypothesis"
                continue
            }
            guard inSection else { continue }
            if line.isEmpty {
                if !paragraph.isEmpty { break }
                continue
            }
            paragraph.append(line)
        }
        let text = paragraph.joined(separator: " ")
        if text.isEmpty || text == hypothesisPlaceholder { return nil }
        return text
    }
}
