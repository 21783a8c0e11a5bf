import ArgumentParser

extension RunCommand {
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
    /// properties costs about two milliseconds per start. This parser accepts only the unambiguous forms
    /// (`--name value`, `--name=value`, flags, each single-valued option at most once) and a command line that
    /// passes `validate()`; anything else (help, a short or unknown option, a repeated option, a value that looks
    /// like an option, a failing check) returns nil, so every message still comes from ArgumentParser.
    static func fastParse(_ arguments: [String]) -> RunCommand? {
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

        // Every property is set: a property wrapper left in its declaration state traps when read.
        var command = RunCommand()
        command.trainConfig = lists["train-config"] ?? []
        command.sweep = lists["sweep"] ?? []
        command.dryRun = flags.contains("dry-run")
        command.runId = values["run-id"]
        command.promote = flags.contains("promote")
        command.smallEvalConfig = values["small-eval-config"]
        command.fullEvalConfig = values["full-eval-config"]
        command.resume = values["resume"]
        command.step = values["step"]
        var overrides = OverrideOptions()
        overrides.assignments = lists["set"] ?? []
        command.overrides = overrides
        var global = GlobalOptions()
        global.project = values["project"]
        command.global = global
        command.maxRetries = maxRetries
        command.gpus = values["gpus"] ?? defaultDevices
        command.grace = values["grace"] ?? defaultGrace
        guard (try? command.validate()) != nil else { return nil }
        return command
    }
}
