extension RunOptions {
    /// Where a long option of `sota run` lands in ``RunOptions``, and so whether it takes a value and repeats.
    ///
    /// Setters are closures rather than key paths: a key path is instantiated at run time on first use, which cost
    /// `sota run` measurably more than the whole parse (perf, release build).
    enum Field {
        /// A flag (`--dry-run`).
        case flag((inout RunOptions) -> Void)
        /// A single value (`--gpus 0,1`); false when the value is not one the option takes.
        case value((inout RunOptions, String) -> Bool)
        /// A repeatable value (`--set k=v`), in order.
        case list((inout RunOptions, String) -> Void)
    }

    /// Every long option `sota run` takes, by name: the one table `fastParse` reads the command line with.
    ///
    /// A test checks it against what ArgumentParser declares (names, values, repetition) and checks that both parsers
    /// give the same ``RunOptions``, so an option added to the command but not here fails the tests rather than
    /// being silently misparsed.
    static var fields: [String: Field] {
        [
            "train-config": .list { $0.trainConfig.append($1) }, "sweep": .list { $0.sweep.append($1) }, "set": .list { $0.assignments.append($1) },
            "dry-run": .flag { $0.dryRun = true }, "promote": .flag { $0.promote = true }, "verbose": .flag { $0.verbose = true },
            "json": .flag { $0.json = true },
            "run-id": .value { $0.runId = $1; return true }, "small-eval-config": .value { $0.smallEvalConfig = $1; return true },
            "full-eval-config": .value { $0.fullEvalConfig = $1; return true }, "resume": .value { $0.resume = $1; return true },
            "step": .value { $0.step = $1; return true }, "project": .value { $0.projectPath = $1; return true },
            "max-retries": .value { options, text in
                guard let number = Int(text) else { return false }
                options.maxRetries = number
                return true
            },
            "gpus": .value { $0.gpus = $1; return true }, "grace": .value { $0.grace = $1; return true },
        ]
    }

    /// Each long option with whether it takes a value and whether it repeats, as ArgumentParser describes them.
    static var fastParseOptions: [String: (takesValue: Bool, repeats: Bool)] {
        fields.mapValues { field in
            switch field {
            case .flag: (false, false)
            case .list: (true, true)
            case .value: (true, false)
            }
        }
    }

    /// Parses a plain `sota run` command line without ArgumentParser, or returns nil to leave it to ArgumentParser.
    ///
    /// `sota run` starts on every run and every sweep member, and ArgumentParser's reflection over the command's
    /// properties (even building its property wrappers) costs a few milliseconds per start. This parser accepts
    /// only the unambiguous forms (`--name value`, `--name=value`, flags, each single-valued option at most once)
    /// and a command line that passes `validate()`; anything else (help, a short or unknown option, a repeated
    /// option, a value that looks like an option, a failing check) returns nil, so every message still comes from
    /// ArgumentParser.
    static func fastParse(_ arguments: [String]) -> RunOptions? {
        let fields = Self.fields
        var options = RunOptions()
        var seen: Set<String> = []
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
            guard let field = fields[name] else { return nil }
            if case .flag(let set) = field {
                guard inlineValue == nil, seen.insert(name).inserted else { return nil }
                set(&options)
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
            switch field {
            case .list(let append): append(&options, value)
            case .value(let set): guard seen.insert(name).inserted, set(&options, value) else { return nil }
            case .flag: return nil
            }
        }
        guard (try? options.validate()) != nil else { return nil }
        return options
    }
}
