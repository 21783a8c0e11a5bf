import SotaSupport
import SotaConfig

/// What the catalog reads from one config file: its kind, name, hash and hyperparameters, without the checks of
/// a full validation (the catalog lists configs, it does not judge them).
package struct ConfigFacts: Sendable, Equatable {
    /// Training or evaluation; nil when the file is neither (or unreadable).
    package var kind: RunConfig.Kind?
    /// The config's `experiment` key.
    package var experiment: String?
    /// The canonical config hash; empty when the file could not be read.
    package var hash: String
    /// The values of the catalog's columns, in column order (nil when absent).
    package var parameters: [JSONValue?]
    /// Why the file is not a usable config, naming it.
    package var problem: String?

    /// Creates facts directly (the cache reads them back this way).
    package init(kind: RunConfig.Kind?, experiment: String?, hash: String, parameters: [JSONValue?], problem: String?) {
        self.kind = kind
        self.experiment = experiment
        self.hash = hash
        self.parameters = parameters
        self.problem = problem
    }

    /// Parses the config at `path` (shown as `display`) and extracts its facts.
    /// The project's `config_defaults` and declared defaults are applied as `sota run` applies them, so the hash and
    /// the columns are those of the config the runs received.
    static func read(path: String, display: String, project: Project, columns: [KeyPath]) -> ConfigFacts {
        let loaded = YAMLLoader().load(path: path, displayPath: display)
        guard var root = loaded.root, !loaded.diagnostics.hasErrors, root.entries != nil else {
            let first = loaded.diagnostics.first { $0.severity == .error }
            let problem = first.map { "\($0.location?.description ?? display): \($0.message)" } ?? "\(display): not a mapping of config sections"
            return ConfigFacts(kind: nil, experiment: nil, hash: "", parameters: columns.map { _ in nil }, problem: problem)
        }
        root = project.withConfigDefaults(root)
        root = ConfigLoader.fillDefaults(project.defaults, in: root, kind: root.isEvaluationConfig ? .evaluation : root["training"] != nil ? .training : nil)
        let tree = CanonicalForm.normalize(root, schema: project.schema(for: root.isEvaluationConfig ? .evaluation : .training))
        let kind: RunConfig.Kind? = tree["training"] != nil ? .training : tree["evaluation"] != nil ? .evaluation : nil
        return ConfigFacts(
            kind: kind, experiment: tree["experiment"]?.stringValue, hash: CanonicalForm.hash(tree),
            parameters: columns.map { column in column.isEmpty ? nil : tree.node(at: column).map { CanonicalForm.jsonValue($0, sorted: true) } },
            problem: kind == nil ? "\(display): neither a training nor an evaluation config" : nil
        )
    }
}
