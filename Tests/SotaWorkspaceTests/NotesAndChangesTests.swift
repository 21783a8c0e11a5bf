import SotaSupport
import SotaConfig
import SotaWorkspace
import Testing

private func tree(_ yaml: String) throws -> ConfigNode {
    try #require(YAMLLoader().load(bytes: Array(yaml.utf8), displayPath: "t.yaml").root)
}

@Suite struct NotesAndChangesTests {
    @Test func diffListsChangedAddedAndRemovedLeaves() throws {
        let base = try tree("latent: {dim: 16}\ntraining:\n  stages:\n    - {name: a, epochs: 2}\n  learning_rate: 0.05\ntags: [x, y]\nold: 1\n")
        let new = try tree("latent: {dim: 32}\ntraining:\n  stages:\n    - {name: a, epochs: 3}\n  learning_rate: 0.05\ntags: [x, z]\nextra: hi\n")
        #expect(ConfigChange.diff(from: base, to: new).map(\.description) == [
            "extra: (absent) -> hi", "latent.dim: 16 -> 32", "old: 1 -> (absent)", "tags: [\"x\", \"y\"] -> [\"x\", \"z\"]",
            "training.stages[0].epochs: 2 -> 3",
        ])
        #expect(ConfigChange.diff(from: base, to: base).isEmpty)
        #expect(ConfigChange.diff(from: base, to: new, ignoring: ["extra", "old", "tags"]).count == 2)
    }

    @Test func notesCarryTheChangesAndTheHypothesisReadsBack() {
        let notes = NotesTemplate.render(name: "wide", day: "2026-01-22", baseConfig: "configs/g.yaml", baseHash: "abcdef0123456789",
                                         changes: [ConfigChange(keyPath: "latent.dim", old: "16", new: "32")])
        for section in ["## Hypothesis", "## Config changes", "## Results", "## Decision", "- `latent.dim`: 16 -> 32", "sha256 abcdef012345)"] {
            #expect(notes.contains(section), "\(section)")
        }
        #expect(NotesTemplate.hypothesis(in: notes) == nil, "the placeholder is not a hypothesis")
        let written = notes.replacingOccurrences(of: NotesTemplate.hypothesisPlaceholder,
                                                 with: "A wider latent space\nhalves the NRMSE.\n\nSecond paragraph.")
        #expect(NotesTemplate.hypothesis(in: written) == "A wider latent space halves the NRMSE.")
        #expect(NotesTemplate.hypothesis(in: "# Notes\n\nno sections") == nil)
        #expect(NotesTemplate.render(name: "x", day: "d", baseConfig: "c.yaml", baseHash: "h", changes: []).contains("None yet"))
    }
}
