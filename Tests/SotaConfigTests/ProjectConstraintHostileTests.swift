import SotaSupport
@testable import SotaConfig
import SotaTestSupport
import Testing

/// Project rules on hostile values (issue 13): they never trap, never compute with a value that already failed its
/// own check, and say so when they cannot be checked.
@Suite struct ProjectConstraintHostileTests {
    private func project(_ yaml: String) -> (Project, TemporaryDirectory) {
        let folder = TemporaryDirectory()
        folder.write("sota.yaml", yaml)
        let (project, problems) = Project.load(root: folder.path)
        #expect(!problems.hasErrors, "\(problems)")
        return (project, folder)
    }

    private func check(_ project: Project, _ config: String) -> [Diagnostic] {
        let root = YAMLLoader().load(bytes: Array(config.utf8), displayPath: "c.yaml").root!
        return project.constraints.flatMap { $0.check(root, file: "c.yaml") }
    }

    @Test func intMinDivisibleByMinusOneDoesNotTrap() {
        // The reproducer: `Int.min % -1` overflows. Int.min is divisible by -1.
        let (rules, _) = project("constraints:\n  - divisible: {key: a.n, by: a.m}\n")
        #expect(check(rules, "a: {n: -9223372036854775808, m: -1}\n").isEmpty)
        #expect(check(rules, "a: {n: -9223372036854775807, m: -2}\n").map(\.message) == ["`a.n` (-9223372036854775807) must be divisible by `a.m` (-2)"])
    }

    @Test func divisibleByAKeyThatIsZeroMissingOrNotAnIntegerIsAnError() {
        let (rules, _) = project("constraints:\n  - divisible: {key: a.n, by: a.m}\n")
        let zero = check(rules, "a: {n: 12, m: 0}\n")
        #expect(zero.map(\.message) == ["`a.m` is 0, and `a.n` must be divisible by it"])
        #expect(zero.first?.location?.line == 1 && zero.first?.location?.column == 15)
        #expect(zero.first?.severity == .error)
        #expect(check(rules, "a: {n: 12}\n").map(\.message) == ["`a.n` must be divisible by `a.m`, which is missing"])
        #expect(check(rules, "a: {n: 12, m: 2.5}\n").map(\.message) == ["`a.m` (2.5) must be an integer: `a.n` must be divisible by it"])
        // No dividend, nothing to check: the rule's key is optional, as for `range` and `one_of`.
        #expect(check(rules, "a: {m: 0}\n").isEmpty)
    }

    @Test func equalOnMissingKeysIsAnError() {
        let (rules, _) = project("constraints:\n  - equal: [a.x, a.y, a.z]\n")
        let messages = check(rules, "a: {x: 4, z: 4}\n").map(\.message)
        #expect(messages == ["missing `a.y`, which must equal `a.x` (4)"])
        #expect(check(rules, "a: {x: 4, y: 4, z: 4}\n").isEmpty)
        // A config carrying none of the keys is not what the rule is about (an evaluation config, say).
        #expect(check(rules, "b: 1\n").isEmpty)
    }

    @Test func rulesSkipKeysThatFailedTheirOwnChecks() {
        // latent.dim (the project's) and training.batch_size (sota's) have `min: 1`: out of range, they are reported
        // once by the schema, and the project rule never divides with them.
        let (rules, folder) = project("""
        sections: [notes]
        schema:
          fields:
            latent.dim: {type: integer, min: 1}
            operator: {type: mapping, open: true}
        constraints:
          - divisible: {key: training.batch_size, by: latent.dim}
          - equal: [latent.dim, notes.dim]
        """)
        folder.write("t.py", "")
        let path = folder.write("c.yaml", """
        seed: 1
        latent: {dim: -1}
        operator: {pdet: {input_dim: -1}}
        notes: {dim: 4}
        training: {command: [python3, t.py], epochs: 1, learning_rate: 0.1, batch_size: -9223372036854775808, checkpoint: c.json, stages: [{name: s, outputs: [c.json]}]}
        """)
        let outcome = ConfigLoader(project: rules).load(path: path, displayPath: "c.yaml")
        let messages = outcome.diagnostics.filter { $0.severity == .error }.map(\.message)
        #expect(messages.contains("`latent.dim` must be at least 1, found -1"))
        #expect(messages.contains("`training.batch_size` must be at least 1, found -9223372036854775808"))
        #expect(!messages.contains { $0.contains("divisible") || $0.contains("must equal") }, "\(messages)")
    }
}
