import Foundation
import SotaSupport
@testable import SotaCommands
import SotaTestSupport
import Testing

/// A project of one experiment whose two configs pass their gate (a) and fail it (b), for driving every command's
/// `--json` in-process.
private struct ContractProject {
    let folder = TemporaryDirectory()
    var root: String { folder.path }

    init() {
        folder.write("sota.yaml", "project: contract\nmetrics: {nrmse: lower}\n")
        for (name, nrmse) in [("a", 0.1), ("b", 0.9)] {
            folder.write("\(name).yaml", """
                experiment: exp
                seed: 1
                training:
                  command: [sh, -c, 'echo \(name) > "$SOTA_CHECKPOINT_DIR/model.out"']
                  epochs: 1
                  checkpoint: model.out
                  stages: [{name: fit, outputs: [model.out]}]
                resources: {platform: cpu}
                pipeline: {full_eval: eval-\(name).yaml}

                """)
            folder.write("eval-\(name).yaml", """
                evaluation:
                  command: [sh, -c, 'echo "{\\"nrmse\\": \(nrmse)}" > "$SOTA_METRICS"']
                  metrics: metrics.json
                gates: [{metric: nrmse, direction: lower, threshold: 0.5}]

                """)
        }
    }

    func sota(_ arguments: [String]) -> CommandRun { CommandRun(arguments, in: root) }
}

/// The `--json` contract (docs/json.md): every JSON output is one object with `"schema_version": 1`, and
/// docs/json.md documents each.
@Suite struct JSONContractTests {
    /// The object a command printed on standard output; fails the test when it is not exactly one JSON object.
    private func object(_ run: CommandRun, _ arguments: [String]) throws -> [String: Any] {
        let parsed = try? JSONSerialization.jsonObject(with: Data(run.out.utf8))
        return try #require(parsed as? [String: Any], "\(arguments) printed no JSON object: \(run.out)\(run.err)")
    }

    /// Every command (as `sota` words) with a `--json` flag, or `--format json`, from the command tree itself.
    private func commandsPrintingJSON() throws -> [String] {
        let help = try #require(Sota._dumpHelp().data(using: .utf8))
        let root = try #require(try JSONSerialization.jsonObject(with: help) as? [String: Any])
        var found: [String] = []
        func visit(_ command: [String: Any], path: [String]) {
            let arguments = command["arguments"] as? [[String: Any]] ?? []
            let names = arguments.flatMap { ($0["names"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String } }
            let formats = arguments.first { ($0["valueName"] as? String) == "format" && ($0["allValues"] as? [String] ?? []).contains("json") }
            if names.contains("json") || (formats != nil && !path.contains("validate")) { found.append(path.joined(separator: " ")) }
            for sub in command["subcommands"] as? [[String: Any]] ?? [] {
                visit(sub, path: path + [sub["commandName"] as? String ?? "?"])
            }
        }
        visit(try #require(root["command"] as? [String: Any]), path: ["sota"])
        return found.sorted()
    }

    @Test func everyJSONOutputCarriesTheSchemaVersionAndIsDocumented() throws {
        let project = ContractProject()
        // The runs first: the commands below read them.
        let passed = project.sota(["run", "--train-config", "a.yaml", "--json"])
        let runA = try object(passed, ["run"])
        #expect(passed.status == 0, "\(passed.err)")
        let failed = project.sota(["run", "--train-config", "b.yaml", "--json"])
        let runB = try object(failed, ["run"])
        #expect(failed.status == 3)
        let idA = try #require(runA["run_id"] as? String), idB = try #require(runB["run_id"] as? String)
        #expect(project.sota(["experiment", "new", "wide", "--from", "a.yaml"]).status == 0)

        // One invocation per command that prints JSON, keyed by the command's words.
        let invocations: [String: [String]] = [
            "sota validate config": ["validate", "config", "a.yaml", "--json"],
            "sota validate data": ["validate", "data", "a.yaml", "--json"],
            "sota dry-run": ["dry-run", "a.yaml", "--json"],
            "sota run": ["run", "--train-config", "a.yaml", "--json"],
            "sota leaderboard": ["leaderboard", "--json"],
            "sota compare": ["compare", idA, idB, "--json"],
            "sota status": ["status", idA, "--json"],
            "sota experiment new": ["experiment", "new", "deep", "--from", "a.yaml", "--json"],
            "sota experiment list": ["experiment", "list", "--json"],
            "sota experiment show": ["experiment", "show", "wide", "--json"],
            "sota archive": ["archive", "--list-only", "--json"],
            "sota catalog": ["catalog", "--format", "json"],
            "sota report": ["report", "--weekly", "--json"],
        ]
        #expect(try commandsPrintingJSON() == invocations.keys.sorted(), "a command with --json needs an entry here and in docs/json.md")
        for (_, arguments) in invocations.sorted(by: { $0.key < $1.key }) {
            let json = try object(project.sota(arguments), arguments)
            #expect(json["schema_version"] as? Int == 1, "\(arguments): \(json["schema_version"] ?? "none")")
        }
        // Archiving for real prints the moves.
        #expect(try object(project.sota(["archive", "--dry-run", "--json"]), ["archive"])["schema_version"] as? Int == 1)

        let docs = try String(contentsOfFile: Paths.join(Repository.root, "docs/json.md"), encoding: .utf8)
        let headings = docs.split(separator: "\n").filter { $0.hasPrefix("## sota ") }.map(String.init)
        for command in invocations.keys.sorted() {
            #expect(headings.contains { $0.hasPrefix("## \(command) ") }, "docs/json.md has no section for \(command)")
        }
        #expect(docs.contains("\"schema_version\": 1") && docs.contains("Versioning rule"))
    }

    @Test func runJSONIsTheResultAlone() throws {
        let project = ContractProject()
        let run = project.sota(["run", "--train-config", "b.yaml", "--json"])
        #expect(run.status == 3)
        let json = try object(run, ["run"])
        #expect(json["state"] as? String == "finished" && json["outcome"] as? String == "rejected" && json["passed"] as? Bool == false)
        #expect(json["exit_status"] as? Int == 3 && (json["exit_meaning"] as? String)?.contains("gate rejected") == true)
        #expect(json["gates_failed"] as? [String] == ["nrmse"] || (json["gates_failed"] as? [String])?.count == 1, "\(json)")
        #expect(json["cost"] as? Double == 0, "a run on no GPU costs nothing: \(json["cost"] ?? "none")")
        let stages = try #require(json["stages"] as? [[String: Any]])
        #expect(stages.map { $0["name"] as? String } == ["fit", "full_eval"] && stages.allSatisfy { $0["status"] as? String == "succeeded" })
        #expect((json["metrics"] as? [String: [String: Double]])?["full_eval"]?["nrmse"] == 0.9)
        // The progress went to standard error.
        #expect(run.err.contains("run \(json["run_id"] as? String ?? "?")"), "\(run.err)")
        // A command line that stage 1 refuses still answers in JSON.
        let missing = project.sota(["run", "--train-config", "missing.yaml", "--json"])
        let refused = try object(missing, ["run", "missing"])
        #expect(missing.status == 1 && refused["state"] as? String == "not_started" && (refused["diagnostics"] as? [Any])?.isEmpty == false)
        // A plan is not a result.
        #expect(project.sota(["run", "--train-config", "a.yaml", "--sweep", "seed=1,2", "--dry-run", "--json"]).status == 64)
    }

    @Test func aSweepsJSONListsEveryRun() throws {
        let project = ContractProject()
        var environment = ProcessInfo.processInfo.environment
        environment["SOTA_EXECUTABLE"] = SotaBinary.path
        let run = CommandRun(["run", "--train-config", "a.yaml", "--train-config", "b.yaml", "--gpus", "0,1", "--json"], in: project.root,
                             environment: environment)
        #expect(run.status == 3, "one of the two is rejected: \(run.err)")
        let json = try object(run, ["run", "sweep"])
        #expect(json["schema_version"] as? Int == 1 && json["state"] as? String == "finished" && json["expected"] as? Int == 2, "\(json)")
        let runs = try #require(json["runs"] as? [[String: Any]])
        #expect(runs.map { $0["outcome"] as? String } == ["succeeded", "rejected"], "\(runs)")
        #expect(runs.allSatisfy { ($0["stages"] as? [Any])?.count == 2 && $0["run_dir"] is String })
        #expect(run.err.contains("sweep ") && !run.out.contains("▸"), "the progress goes to standard error")
    }

    @Test func statusAnswersForALocalRun() throws {
        let project = ContractProject()
        let run = try object(project.sota(["run", "--train-config", "a.yaml", "--json"]), ["run"])
        let id = try #require(run["run_id"] as? String)
        let text = project.sota(["status", String(id.prefix(15))])
        #expect(text.status == 0, "\(text.err)")
        #expect(text.out.contains("state     finished") && text.out.contains("fit [train]  succeeded") && text.out.contains("gate      "), "\(text.out)")
        let json = try object(project.sota(["status", id, "--json"]), ["status"])
        #expect(json["backend"] as? String == "local" && json["state"] as? String == "finished")
        #expect((json["stages"] as? [[String: Any]])?.count == 2 && (json["gates_passed"] as? [String])?.count == 1)

        // A manifest left saying `running` by a process that is gone is an interrupted run.
        let manifestPath = Paths.join(project.root, "runs/\(id)/manifest.json")
        var manifest = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: manifestPath))) as? [String: Any])
        manifest["status"] = "running"
        try JSONSerialization.data(withJSONObject: manifest).write(to: URL(fileURLWithPath: manifestPath))
        let dead = try object(project.sota(["status", id, "--json"]), ["status"])
        #expect(dead["state"] as? String == "interrupted" && dead["outcome"] as? String == "running", "\(dead)")
        #expect(project.sota(["status", "20990101"]).err.contains("no run `20990101`"))
    }
}
