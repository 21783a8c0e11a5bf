extension RunOptions {
    /// The long options `sota run` takes, each with whether it takes a value and whether it repeats.
    ///
    /// `fastParse` reads only these; a test checks the list against what ArgumentParser declares, so an option added
    /// to the command but not here fails the build's tests rather than being silently misparsed.
    static let fastParseOptions: [String: (takesValue: Bool, repeats: Bool)] = [
        "train-config": (true, true), "sweep": (true, true), "set": (true, true),
        "dry-run": (false, false), "promote": (false, false),
        "run-id": (true, false), "small-eval-config": (true, false), "full-eval-config": (true, false),
        "resume": (true, false), "step": (true, false), "project": (true, false), "max-retries": (true, false),
        "gpus": (true, false), "grace": (true, false),
    ]

    /// Parses a plain `sota run` command line without ArgumentParser, or returns nil to leave it to ArgumentParser.
    ///
    /// `sota run` starts on every run and every sweep member, and ArgumentParser's reflection over the command's
    /// properties (even building its property wrappers) costs a few milliseconds per start. This parser accepts
    /// only the unambiguous forms (`--name value`, `--name=value`, flags, each single-valued option at most once)
    /// and a command line that passes `validate()`; anything else (help, a short or unknown option, a repeated
    /// option, a value that looks like an option, a failing check) returns nil, so every message still comes from
    /// ArgumentParser.
    static func fastParse(_ arguments: [String]) -> RunOptions? {
        var lists: [String: [String]] = [:]
        var values: [String: String] = [:]
        var flags: Set<String> = []
        var index = arguments.startIndex
        while index < arguments.endIndex {
            let argument = arguments[index]
            index += 1
            guard argument.hasPrefix("--"), argument.count > 2 else { return nil }
            var name = String(argument.dropFirst(2))
            var inlineValue: String?
            if let equals = name.firstIndex(of: "=") {
                inlineValue = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            guard let option = fastParseOptions[name] else { return nil }
            guard option.takesValue else {
                guard inlineValue == nil, flags.insert(name).inserted else { return nil }
                continue
            }
            let value: String
            if let inlineValue {
                value = inlineValue
            } else {
                guard index < arguments.endIndex, !arguments[index].hasPrefix("-") else { return nil }
                value = arguments[index]
                index += 1
            }
            if option.repeats {
                lists[name, default: []].append(value)
            } else {
                guard values.updateValue(value, forKey: name) == nil else { return nil }
            }
        }
        var maxRetries: Int?
        if let text = values["max-retries"] {
            guard let number = Int(text) else { return nil }
            maxRetries = number
        }

        let options = RunOptions(
            trainConfig: lists["train-config"] ?? [], sweep: lists["sweep"] ?? [], dryRun: flags.contains("dry-run"),
            runId: values["run-id"], promote: flags.contains("promote"), smallEvalConfig: values["small-eval-config"],
            fullEvalConfig: values["full-eval-config"], resume: values["resume"], step: values["step"],
            assignments: lists["set"] ?? [], projectPath: values["project"], maxRetries: maxRetries,
            gpus: values["gpus"] ?? RunCommand.defaultDevices, grace: values["grace"] ?? RunCommand.defaultGrace
        )
        guard (try? options.validate()) != nil else { return nil }
        return options
    }
}
