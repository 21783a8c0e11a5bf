import SotaSupport

/// Checks a node tree against a schema and reports every mismatch: types, ranges, unknown and missing keys.
package struct SchemaValidator: Sendable {
    /// Creates a validator.
    package init() {}

    /// Every problem in `node` under `schema`; `path` is the key path of `node` (empty at the root).
    package func validate(_ node: ConfigNode, against schema: SchemaType, path: KeyPath = KeyPath()) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        check(node, schema, path, owner: nil, &diagnostics)
        return diagnostics
    }

    /// `owner` is where the key holding `node` is written, so a missing key is reported on its parent's line.
    private func check(_ node: ConfigNode, _ schema: SchemaType, _ path: KeyPath, owner: SourceLocation?, _ out: inout [Diagnostic]) {
        func mismatch(_ extra: String? = nil) {
            var hint = extra
            if hint == nil, node.isQuoted, case .string(let text) = node.value,
               ScalarResolver.resolve(plain: text).isScalarNonString {
                hint = "remove the quotes: \"\(text)\" is a string"
            }
            out.append(.error(at: node.location, keyPath: path.description,
                              "`\(path)` must be \(schema.expectation), found \(node.kindDescription)", hint: hint))
        }
        switch schema {
        case .anyValue:
            return
        case .integer(let min, let max):
            guard let value = node.intValue else {
                if let number = node.numberValue, number.isFinite, abs(number) < 9e18 {
                    return mismatch("use a whole number such as \(Int(number.rounded()))")
                }
                return mismatch()
            }
            if let min, value < min {
                out.append(.error(at: node.location, keyPath: path.description, "`\(path)` must be at least \(min), found \(value)"))
            }
            if let max, value > max {
                out.append(.error(at: node.location, keyPath: path.description, "`\(path)` must be at most \(max), found \(value)"))
            }
        case .number(let min, let exclusiveMin, let max):
            guard let value = node.numberValue else { return mismatch() }
            guard value.isFinite else {
                out.append(.error(at: node.location, keyPath: path.description,
                                  "`\(path)` must be a finite number, found \(node.sourceText ?? "\(value)")"))
                return
            }
            if let min, exclusiveMin ? value <= min : value < min {
                let bound = exclusiveMin ? "greater than" : "at least"
                out.append(.error(at: node.location, keyPath: path.description,
                                  "`\(path)` must be \(bound) \(JSONValue.shortNumber(min)), found \(node.sourceText ?? "\(value)")"))
            }
            if let max, value > max {
                out.append(.error(at: node.location, keyPath: path.description,
                                  "`\(path)` must be at most \(JSONValue.shortNumber(max)), found \(node.sourceText ?? "\(value)")"))
            }
        case .string(let nonEmpty, let freeText):
            guard let text = node.stringValue else { return mismatch() }
            if nonEmpty, text.trimmingSpaces().isEmpty {
                out.append(.error(at: node.location, keyPath: path.description, "`\(path)` must not be empty"))
            }
            if !freeText { checkControlCharacters(text, node, path, &out) }
        case .path:
            guard let text = node.stringValue else { return mismatch() }
            if text.trimmingSpaces().isEmpty {
                out.append(.error(at: node.location, keyPath: path.description, "`\(path)` must not be empty"))
            }
            checkControlCharacters(text, node, path, &out)
        case .choice(let words):
            guard let text = node.stringValue else { return mismatch() }
            if !words.contains(text) {
                let suggestion = Suggestions.closest(to: text, in: words)
                out.append(.error(at: node.location, keyPath: path.description,
                                  "`\(path)` must be \(schema.expectation), found `\(text)`",
                                  hint: suggestion.map { "did you mean `\($0)`?" }))
            }
        case .boolean:
            if node.boolValue == nil {
                mismatch(node.stringValue.map { ["yes", "no", "on", "off", "y", "n"].contains($0.lowercased()) } == true
                         ? "write `true` or `false`; `\(node.stringValue!)` is a string in YAML 1.2" : nil)
            }
        case .duration:
            guard let seconds = node.numberValue ?? node.stringValue.flatMap({ DurationValue(parsing: $0)?.seconds }) else {
                return mismatch()
            }
            if !(seconds > 0) {
                out.append(.error(at: node.location, keyPath: path.description, "`\(path)` must be a positive duration"))
            } else if seconds > DurationValue.maximum.seconds {
                out.append(.error(at: node.location, keyPath: path.description,
                                  "`\(path)` must be at most \(DurationValue.maximum), found \(node.sourceText ?? "\(seconds)")"))
            }
        case .command:
            guard let items = node.items else {
                return mismatch(node.stringValue != nil ? "write the command as a list: [python3, scripts/train.py, ...]" : nil)
            }
            if items.isEmpty {
                out.append(.error(at: node.location, keyPath: path.description, "`\(path)` must name a program"))
            }
            for (index, item) in items.enumerated() {
                let itemPath = path.appending(index)
                switch item.value {
                case .string: checkPlaceholders(item, itemPath, &out)
                case .int, .double: continue
                default:
                    out.append(.error(at: item.location, keyPath: itemPath.description,
                                      "`\(itemPath)` must be a string, found \(item.kindDescription)"))
                }
            }
        case .dtype:
            guard let text = node.stringValue else { return mismatch() }
            if NumpyDType(parsing: text) == nil {
                let suggestion = Suggestions.closest(to: text, in: NumpyDType.names)
                out.append(.error(at: node.location, keyPath: path.description, "`\(path)`: unknown dtype `\(text)`",
                                  hint: suggestion.map { "did you mean `\($0)`?" } ?? "use a NumPy name such as float32, int64 or <f4"))
            }
        case .shape:
            guard let items = node.items else { return mismatch() }
            for (index, item) in items.enumerated() {
                if item.isNull { continue }
                guard let size = item.intValue, size >= 0 else {
                    let itemPath = path.appending(index)
                    out.append(.error(at: item.location, keyPath: itemPath.description,
                                      "`\(itemPath)` must be a non-negative integer or null, found \(item.kindDescription)"))
                    continue
                }
            }
        case .list(let element, let minCount):
            guard let items = node.items else { return mismatch() }
            if items.count < minCount {
                out.append(.error(at: node.location, keyPath: path.description,
                                  "`\(path)` needs at least \(minCount) item\(minCount == 1 ? "" : "s")"))
            }
            for (index, item) in items.enumerated() {
                check(item, element, path.appending(index), owner: nil, &out)
            }
        case .dictionary(let valueSchema):
            guard let entries = node.entries else { return mismatch() }
            for entry in entries {
                check(entry.value, valueSchema, path.appending(entry.key), owner: entry.keyLocation, &out)
            }
        case .mapping(let mapping):
            guard let entries = node.entries else { return mismatch() }
            let known = mapping.fields.map(\.name)
            for entry in entries {
                let entryPath = path.appending(entry.key)
                guard let field = mapping.field(entry.key) else {
                    let suggestion = Suggestions.closest(to: entry.key, in: known)
                    if mapping.isOpen {
                        // The project's own key, unless it is one letter off a declared one.
                        if let suggestion {
                            out.append(.warning(at: entry.keyLocation, keyPath: entryPath.description,
                                                "undeclared key `\(entryPath)`", hint: "did you mean `\(path.appending(suggestion))`?"))
                        }
                        continue
                    }
                    let what = path.isEmpty ? "unknown top-level section" : "unknown key"
                    var hint = suggestion.map { "did you mean `\(path.appending($0))`?" }
                    if hint == nil, path.isEmpty {
                        hint = "declare team sections in the project file's `sections:` list"
                    } else if hint == nil {
                        hint = "known keys here: " + known.joined(separator: ", ")
                    }
                    out.append(.error(at: entry.keyLocation, keyPath: entryPath.description, "\(what) `\(entryPath)`", hint: hint))
                    continue
                }
                let before = out.count
                check(entry.value, field.type, entryPath, owner: entry.keyLocation, &out)
                if out.count == before { checkDeclared(entry.value, field, entryPath, &out) }
            }
            for field in mapping.fields where field.isRequired && !entries.contains(where: { $0.key == field.name }) {
                out.append(.error(at: owner ?? node.location, keyPath: path.appending(field.name).description,
                                  "missing required key `\(path.appending(field.name))` (\(field.summary))"))
            }
        }
    }

    /// A project field's `choices` and `pattern`, checked once the value has the declared type.
    private func checkDeclared(_ node: ConfigNode, _ field: FieldSchema, _ path: KeyPath, _ out: inout [Diagnostic]) {
        let origin = field.declaredAt.map { "declared at \($0)" }
        if !field.choices.isEmpty, !field.choices.contains(where: { ConfigNode.sameValue($0, node) }) {
            let words = field.choices.map { $0.sourceText ?? CanonicalForm.json($0) }
            let suggestion = node.stringValue.flatMap { Suggestions.closest(to: $0, in: field.choices.compactMap(\.stringValue)) }
            out.append(.error(at: node.location, keyPath: path.description,
                              "`\(path)` must be one of \(words.map { "`\($0)`" }.joined(separator: ", ")), found \(node.sourceText ?? CanonicalForm.json(node))",
                              hint: suggestion.map { "did you mean `\($0)`?" } ?? origin))
        }
        if let pattern = field.pattern, let text = node.stringValue, let regex = try? Regex(pattern),
           (try? regex.wholeMatch(in: text)) == nil {
            out.append(.error(at: node.location, keyPath: path.description,
                              "`\(path)` must match the pattern `\(pattern)`, found `\(text)`", hint: origin))
        }
    }

    /// Refuses a line break, tab, escape or other control character in a one-line value (a path, a name, a URL):
    /// such a value would end a line of a generated script or a log, or hide what it says.
    private func checkControlCharacters(_ text: String, _ node: ConfigNode, _ path: KeyPath, _ out: inout [Diagnostic]) {
        guard let scalar = text.unicodeScalars.first(where: Self.isControl) else { return }
        let code = String(scalar.value, radix: 16, uppercase: true)
        out.append(.error(at: node.location, keyPath: path.description,
                          "`\(path)` contains a control character (U+\(String(repeating: "0", count: max(0, 4 - code.count)) + code))\(scalar == "\n" || scalar == "\r" ? ", a line break" : "")",
                          hint: "paths, names and URLs are one line of printable text"))
    }

    /// Control characters (C0, DEL, C1) and the Unicode line and paragraph separators.
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .lineSeparator, .paragraphSeparator: true
        default: false
        }
    }

    private func checkPlaceholders(_ node: ConfigNode, _ path: KeyPath, _ out: inout [Diagnostic]) {
        guard let text = node.stringValue else { return }
        for name in CommandTemplate.placeholderNames(in: text) where ConfigSchema.placeholders[name] == nil {
            let suggestion = Suggestions.closest(to: name, in: ConfigSchema.placeholders.keys.sorted())
            out.append(.error(at: node.location, keyPath: path.description, "unknown placeholder `{\(name)}` in `\(path)`",
                              hint: suggestion.map { "did you mean `{\($0)}`?" }
                                ?? "known: " + ConfigSchema.placeholders.keys.sorted().map { "{\($0)}" }.joined(separator: " ")))
        }
    }
}

extension ConfigNode.Value {
    /// True for null, booleans and numbers: what a quoted scalar would have been without quotes.
    var isScalarNonString: Bool {
        switch self {
        case .int, .double, .bool: true
        default: false
        }
    }
}

