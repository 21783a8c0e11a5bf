import SotaSupport
@testable import SotaConfig
import SotaTestSupport
import Testing

/// Issue 13, item 7: a line break in `runs:` reached `#SBATCH --output=` raw. Control characters in any one-line
/// value (paths, names, URLs, launch settings) are refused when the project or config is loaded, at the value's
/// `file:line:col`; free text (`description`) keeps its line breaks.
@Suite struct ControlCharacterTests {
    private func projectProblems(_ yaml: String) -> [String] {
        let folder = TemporaryDirectory()
        folder.write("sota.yaml", yaml)
        return Project.load(root: folder.path, displayRoot: ".").1.map { "\($0.location?.description ?? "-"): \($0.message)" }
    }

    @Test(arguments: [
        ("runs: \"runs\\ntouch PWNED\"\n", "sota.yaml:1:7: `runs` contains a control character (U+000A), a line break"),
        ("leaderboard: \"a\\rb.sqlite\"\n", "sota.yaml:1:14: `leaderboard` contains a control character (U+000D), a line break"),
        ("prices: \"p\\tq.yaml\"\n", "sota.yaml:1:9: `prices` contains a control character (U+0009)"),
        ("launch:\n  repository: \"https://h/r.git\\n; touch PWNED\"\n", "sota.yaml:2:15: `launch.repository` contains a control character (U+000A), a line break"),
        ("launch:\n  results: \"file:///r\\e[2J\"\n", "sota.yaml:2:12: `launch.results` contains a control character (U+001B)"),
        ("launch:\n  slurm:\n    partition: \"gpu\\nhostname\"\n", "sota.yaml:3:16: `launch.slurm.partition` contains a control character (U+000A), a line break"),
        ("launch:\n  slurm:\n    extra: [\"--comment=a\\u2028b\"]\n", "sota.yaml:3:13: `launch.slurm.extra[0]` contains a control character (U+2028)"),
        ("launch:\n  vast:\n    image: \"swift\\n\"\n", "sota.yaml:3:12: `launch.vast.image` contains a control character (U+000A), a line break"),
    ])
    func projectFileValuesAreLocated(_ yaml: String, _ expected: String) {
        #expect(projectProblems(yaml) == [expected])
    }

    @Test func configPathsAreRefusedAtTheirLocation() {
        let folder = TemporaryDirectory()
        let path = folder.write("bad.yaml", """
        description: "two\\nlines are fine here"
        latent: {dim: 8}
        data: {path: "data/x\\n.npz"}
        training:
          command: [python3, train.py]
          epochs: 1
          learning_rate: 0.1
          checkpoint: "ckpt\\u0085.json"
          stages: [{name: "a\\tb", outputs: ["x\\n.json"]}]
        """)
        let outcome = ConfigLoader(project: Project(root: folder.path), checksReferencedFiles: false).load(path: path, displayPath: "bad.yaml")
        let messages = outcome.diagnostics.map { "\($0.location?.description ?? "-"): \($0.message)" }
        #expect(messages.contains("bad.yaml:3:14: `data.path` contains a control character (U+000A), a line break"), "\(messages)")
        #expect(messages.contains("bad.yaml:8:15: `training.checkpoint` contains a control character (U+0085)"), "\(messages)")
        #expect(messages.contains("bad.yaml:9:19: `training.stages[0].name` contains a control character (U+0009)"), "\(messages)")
        #expect(messages.contains("bad.yaml:9:37: `training.stages[0].outputs[0]` contains a control character (U+000A), a line break"), "\(messages)")
        #expect(!messages.contains { $0.contains("description") }, "free text keeps its line breaks")
        #expect(outcome.config == nil)
    }
}
