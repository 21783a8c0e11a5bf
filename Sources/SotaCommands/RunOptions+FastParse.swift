extension RunOptions {
    /// Where a long option of `sota run` lands in ``RunOptions``, and so whether it takes a value and repeats.
    enum Field {
        /// A flag (`--dry-run`).
        case flag(WritableKeyPath<RunOptions, Bool>)
        /// A single value, absent when not given (`--resume X`).
        case optional(WritableKeyPath<RunOptions, String?>)
        /// A single value with a default (`--gpus 0,1`).
        case text(WritableKeyPath<RunOptions, String>)
        /// A single whole number (`--max-retries 2`).
        case number(WritableKeyPath<RunOptions, Int?>)
        /// A repeatable value (`--set k=v`), in order.
        case list(WritableKeyPath<RunOptions, [String]>)
    }

    /// Every long option `sota run` takes, by name: the one table `fastParse` reads the command line with.
    ///
    /// A test checks it against what ArgumentParser declares (names, values, repetition) and checks that both parsers
    /// give the same ``RunOptions``, so an option added to the command but not here fails the tests rather than
    /// being silently misparsed.
    static var fields: [String: Field] {
        [
            "train-config": .list(\.trainConfig), "sweep": .list(\.sweep), "set": .list(\.assignments),
            "dry-run": .flag(\.dryRun), "promote": .flag(\.promote),
            "run-id": .optional(\.runId), "small-eval-config": .optional(\.smallEvalConfig), "full-eval-config": .optional(\.fullEvalConfig),
            "resume": .optional(\.resume), "step": .optional(\.step), "project": .optional(\.projectPath), "max-retries": .number(\.maxRetries),
            "gpus": .text(\.gpus), "grace": .text(\.grace),
        ]
    }

    /// Each long option with whether it takes a value and whether it repeats, as ArgumentParser describes them.
    static var fastParseOptions: [String: (takesValue: Bool, repeats: Bool)] {
        fields.mapValues { field in
            switch field {
            case .flag: (false, false)
            case .list: (true, true)
            case .optional, .text, .number: (true, false)
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
            if case .flag(let path) = field {
                guard inlineValue == nil, seen.insert(name).inserted else { return nil }
                options[keyPath: path] = true
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
            if case .list(let path) = field {
                options[keyPath: path].append(value)
                continue
            }
            guard seen.insert(name).inserted else { return nil }
            switch field {
            case .optional(let path): options[keyPath: path] = value
            case .text(let path): options[keyPath: path] = value
            case .number(let path):
                guard let number = Int(value) else { return nil }
                options[keyPath: path] = number
            case .flag, .list: return nil
            }
        }
        guard (try? options.validate()) != nil else { return nil }
        return options
    }
}
