import CYAML
import SotaSupport

/// Turns YAML text into a ``ConfigNode`` tree, reporting every problem it can find with its position.
///
/// The loader drives libyaml's event parser directly so that it can report all duplicate keys (not only the
/// first), keep the position of every key and value, bound alias expansion ("billion laughs") and nesting,
/// and resolve scalars by the YAML 1.2 core schema (`yes`, `on` and `0755` stay strings; `1e-3` is a number).
package struct YAMLLoader: Sendable {
    /// Limits that keep hostile input from exhausting memory or the stack.
    package struct Limits: Sendable {
        /// Largest accepted file, in bytes.
        package var maxBytes: Int = 8 << 20
        /// Most nodes the document may hold once aliases are expanded.
        package var maxNodes: Int = 200_000
        /// Deepest accepted nesting of lists and mappings.
        package var maxDepth: Int = 256

        /// The default limits: 8 MiB, 200,000 expanded nodes, 256 levels.
        package init() {}
    }

    /// The limits applied while loading.
    package var limits: Limits

    /// Creates a loader with the given limits.
    package init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// The result of loading one document.
    package struct Result: Sendable {
        /// The root node, or nil when the text could not be parsed at all.
        package var root: ConfigNode?
        /// Every problem found, in source order.
        package var diagnostics: [Diagnostic]
    }

    /// Loads the file at `path`, naming it `displayPath` in diagnostics.
    package func load(path: String, displayPath: String) -> Result {
        let location = SourceLocation(file: displayPath)
        switch Paths.kind(of: path) {
        case .missing:
            return Result(root: nil, diagnostics: [.error(at: location, "no such file")])
        case .brokenLink:
            return Result(root: nil, diagnostics: [.error(at: location, "broken symbolic link: its target does not exist")])
        case .directory:
            return Result(root: nil, diagnostics: [.error(at: location, "is a directory, not a config file")])
        case .other:
            return Result(root: nil, diagnostics: [.error(at: location, "is not a regular file")])
        case .file:
            break
        }
        let bytes: [UInt8]
        do {
            guard let read = try FileStream.readAll(path, limit: limits.maxBytes) else {
                let size = Self.fileSize(path) ?? limits.maxBytes + 1
                return Result(root: nil, diagnostics: [.error(
                    at: location,
                    "file is \(ByteCount(size)); configs are limited to \(ByteCount(limits.maxBytes))",
                    hint: "a config describes a run; keep data in the dataset files it names"
                )])
            }
            bytes = read
        } catch {
            return Result(root: nil, diagnostics: [.error(at: location, "cannot read: \((error as? FileError)?.reason ?? "\(error)")")])
        }
        return load(bytes: bytes, displayPath: displayPath)
    }

    /// Loads YAML from bytes, naming the source `displayPath` in diagnostics.
    package func load(bytes: [UInt8], displayPath: String) -> Result {
        // A UTF-8 byte-order mark is legal YAML but trips libyaml's document detection; drop it.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return load(bytes: Array(bytes.dropFirst(3)), displayPath: displayPath) }
        if bytes.count > limits.maxBytes {
            return Result(root: nil, diagnostics: [.error(
                at: SourceLocation(file: displayPath),
                "file is \(ByteCount(bytes.count)); configs are limited to \(ByteCount(limits.maxBytes))"
            )])
        }
        if let problem = TextCheck.firstProblem(in: bytes, file: displayPath) {
            return Result(root: nil, diagnostics: [problem])
        }
        let tabs = TextCheck.tabIndentation(in: bytes, file: displayPath)
        if !tabs.isEmpty {
            return Result(root: nil, diagnostics: tabs)
        }
        var composer = Composer(file: displayPath, limits: limits)
        let root = bytes.withUnsafeBufferPointer { composer.run($0) }
        if root == nil, composer.diagnostics.isEmpty {
            return Result(root: nil, diagnostics: [.error(
                at: SourceLocation(file: displayPath, line: 1, column: 1), "file is empty",
                hint: "a config is a YAML mapping such as `training: {...}`"
            )])
        }
        return Result(root: root, diagnostics: composer.diagnostics)
    }

    private static func fileSize(_ path: String) -> Int? {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : nil
    }
}

import FoundationEssentials
import Glibc

/// Builds nodes from libyaml events.
private struct Composer {
    let file: String
    let limits: YAMLLoader.Limits
    var diagnostics: [Diagnostic] = []
    private var parser = yaml_parser_t()
    private var anchors: [String: (node: ConfigNode, count: Int)] = [:]
    private var nodeCount = 0
    private var failed = false

    init(file: String, limits: YAMLLoader.Limits) {
        self.file = file
        self.limits = limits
    }

    /// Parses the whole stream; returns the single document's root.
    mutating func run(_ bytes: UnsafeBufferPointer<UInt8>) -> ConfigNode? {
        guard yaml_parser_initialize(&parser) == 1 else {
            diagnostics.append(.error(at: SourceLocation(file: file), "out of memory while starting the YAML parser"))
            return nil
        }
        defer { yaml_parser_delete(&parser) }
        yaml_parser_set_input_string(&parser, bytes.baseAddress, bytes.count)
        yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)

        var root: ConfigNode?
        var documents = 0
        while !failed, let event = next() {
            defer { var e = event; yaml_event_delete(&e) }
            switch event.type {
            case YAML_STREAM_END_EVENT:
                return root
            case YAML_DOCUMENT_START_EVENT:
                documents += 1
                anchors.removeAll()
                if documents == 2 {
                    diagnostics.append(.error(
                        at: location(event.start_mark),
                        "a config holds one YAML document, but a second one starts here",
                        hint: "remove the `---` line, or split the documents into separate files"
                    ))
                }
            case YAML_DOCUMENT_END_EVENT, YAML_STREAM_START_EVENT:
                continue
            default:
                let node = compose(event, depth: 0)
                if documents == 1 { root = node?.node }
            }
        }
        return failed ? nil : root
    }

    private mutating func next() -> yaml_event_t? {
        var event = yaml_event_t()
        guard yaml_parser_parse(&parser, &event) == 1 else {
            reportParserError()
            failed = true
            return nil
        }
        return event
    }

    private mutating func reportParserError() {
        let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
        let mark = parser.problem_mark
        var message = problem
        if let context = parser.context.map({ String(cString: $0) }) {
            message = "\(problem) \(context)"
        }
        var hint: String?
        if problem.contains("mapping values are not allowed") {
            hint = "a `key: value` needs its own line, or quote values that contain `: `"
        } else if problem.contains("did not find expected key") {
            hint = "check the indentation of this line against the keys above it"
        } else if problem.contains("found undefined alias") {
            hint = "define the anchor (`&name`) before using the alias (`*name`)"
        }
        diagnostics.append(.error(at: location(mark), "YAML syntax: \(message)", hint: hint))
    }

    private func location(_ mark: yaml_mark_t) -> SourceLocation {
        SourceLocation(file: file, line: Int(mark.line) + 1, column: Int(mark.column) + 1)
    }

    /// Composes one node starting at `event`; returns the node and its expanded size.
    private mutating func compose(_ event: yaml_event_t, depth: Int) -> (node: ConfigNode, count: Int)? {
        let here = location(event.start_mark)
        if depth > limits.maxDepth {
            fail(.error(at: here, "nesting is deeper than \(limits.maxDepth) levels"))
            return nil
        }
        switch event.type {
        case YAML_ALIAS_EVENT:
            let name = Self.string(event.data.alias.anchor) ?? ""
            guard let anchored = anchors[name] else {
                fail(.error(at: here, "undefined alias *\(name): no anchor &\(name) is defined before it"))
                return nil
            }
            guard count(anchored.count, at: here, alias: name) else { return nil }
            var node = anchored.node
            node.location = here
            return (node, anchored.count)
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            let text = Self.string(scalar.value, length: scalar.length) ?? ""
            let tag = Self.string(scalar.tag)
            let quoted = scalar.style != YAML_PLAIN_SCALAR_STYLE
            guard let value = resolve(text, tag: tag, quoted: quoted, at: here) else { return nil }
            let node = ConfigNode(value, at: here, sourceText: text, isQuoted: quoted)
            guard count(1, at: here, alias: nil) else { return nil }
            register(Self.string(scalar.anchor), node, 1)
            return (node, 1)
        case YAML_SEQUENCE_START_EVENT:
            let anchor = Self.string(event.data.sequence_start.anchor)
            checkCollectionTag(Self.string(event.data.sequence_start.tag), expected: "tag:yaml.org,2002:seq", at: here)
            var items: [ConfigNode] = []
            var total = 1
            guard count(1, at: here, alias: nil) else { return nil }
            while let child = next() {
                defer { var e = child; yaml_event_delete(&e) }
                if child.type == YAML_SEQUENCE_END_EVENT { break }
                guard let (node, size) = compose(child, depth: depth + 1) else { return nil }
                items.append(node)
                total += size
            }
            if failed { return nil }
            let node = ConfigNode(.sequence(items), at: here)
            register(anchor, node, total)
            return (node, total)
        case YAML_MAPPING_START_EVENT:
            let anchor = Self.string(event.data.mapping_start.anchor)
            checkCollectionTag(Self.string(event.data.mapping_start.tag), expected: "tag:yaml.org,2002:map", at: here)
            guard count(1, at: here, alias: nil) else { return nil }
            var entries: [ConfigEntry] = []
            var firstSeen: [String: SourceLocation] = [:]
            var merged: [ConfigEntry] = []
            var total = 1
            while let keyEvent = next() {
                defer { var e = keyEvent; yaml_event_delete(&e) }
                if keyEvent.type == YAML_MAPPING_END_EVENT { break }
                guard let (keyNode, keySize) = compose(keyEvent, depth: depth + 1) else { return nil }
                guard let valueEvent = next() else { return nil }
                defer { var e = valueEvent; yaml_event_delete(&e) }
                guard let (valueNode, valueSize) = compose(valueEvent, depth: depth + 1) else { return nil }
                total += keySize + valueSize
                let key: String
                switch keyNode.value {
                case .sequence, .mapping:
                    diagnostics.append(.error(at: keyNode.location, "a mapping key must be a plain name, not \(keyNode.kindDescription)"))
                    continue
                default:
                    key = keyNode.sourceText ?? ""
                }
                if key == "<<", !keyNode.isQuoted {
                    merged += mergeEntries(from: valueNode)
                    continue
                }
                if let first = firstSeen[key] {
                    diagnostics.append(.error(
                        at: keyNode.location, keyPath: nil,
                        "duplicate key `\(key)` (first defined at line \(first.line ?? 0))",
                        hint: "YAML keeps only one of them; delete or rename one"
                    ))
                    continue
                }
                firstSeen[key] = keyNode.location
                entries.append(ConfigEntry(key: key, keyLocation: keyNode.location, value: valueNode))
            }
            if failed { return nil }
            for entry in merged where firstSeen[entry.key] == nil {
                firstSeen[entry.key] = entry.keyLocation
                entries.append(entry)
            }
            let node = ConfigNode(.mapping(entries), at: here)
            register(anchor, node, total)
            return (node, total)
        default:
            fail(.error(at: here, "unexpected YAML event"))
            return nil
        }
    }

    /// Entries contributed by a `<<: *base` merge key (a mapping, or a list of mappings, earlier ones winning).
    private mutating func mergeEntries(from node: ConfigNode) -> [ConfigEntry] {
        if let entries = node.entries { return entries }
        if let items = node.items {
            var result: [ConfigEntry] = []
            var seen = Set<String>()
            for item in items {
                guard let entries = item.entries else {
                    diagnostics.append(.error(at: item.location, "a merge key `<<` takes mappings, not \(item.kindDescription)"))
                    continue
                }
                for entry in entries where seen.insert(entry.key).inserted { result.append(entry) }
            }
            return result
        }
        diagnostics.append(.error(at: node.location, "a merge key `<<` takes a mapping, not \(node.kindDescription)"))
        return []
    }

    private mutating func register(_ anchor: String?, _ node: ConfigNode, _ count: Int) {
        if let anchor { anchors[anchor] = (node, count) }
    }

    /// Adds `size` expanded nodes to the running total; false (and a diagnostic) past the limit.
    private mutating func count(_ size: Int, at location: SourceLocation, alias: String?) -> Bool {
        nodeCount += size
        if nodeCount <= limits.maxNodes { return true }
        let what = alias.map { "alias *\($0) expands" } ?? "the document grows"
        fail(.error(
            at: location,
            "\(what) past \(limits.maxNodes) nodes; refusing to expand further",
            hint: alias == nil ? nil : "nested aliases multiply (a \"billion laughs\" document); use fewer alias levels"
        ))
        return false
    }

    private mutating func fail(_ diagnostic: Diagnostic) {
        diagnostics.append(diagnostic)
        failed = true
    }

    private mutating func checkCollectionTag(_ tag: String?, expected: String, at location: SourceLocation) {
        guard let tag, tag != expected, tag != "!" else { return }
        diagnostics.append(.error(at: location, "unsupported YAML tag `\(tag)`", hint: "configs hold plain data; remove the tag"))
    }

    /// Resolves a scalar's type by the YAML 1.2 core schema, honouring the standard explicit tags.
    private mutating func resolve(_ text: String, tag: String?, quoted: Bool, at location: SourceLocation) -> ConfigNode.Value? {
        switch tag {
        case nil, "!":
            return quoted || tag == "!" ? .string(text) : ScalarResolver.resolve(plain: text)
        case "tag:yaml.org,2002:str":
            return .string(text)
        case "tag:yaml.org,2002:int":
            if case .int(let value) = ScalarResolver.resolve(plain: text) { return .int(value) }
        case "tag:yaml.org,2002:float":
            switch ScalarResolver.resolve(plain: text) {
            case .int(let value): return .double(Double(value))
            case .double(let value): return .double(value)
            default: break
            }
        case "tag:yaml.org,2002:bool":
            if case .bool(let value) = ScalarResolver.resolve(plain: text) { return .bool(value) }
        case "tag:yaml.org,2002:null":
            if case .null = ScalarResolver.resolve(plain: text) { return .null }
        default:
            diagnostics.append(.error(at: location, "unsupported YAML tag `\(tag!)`", hint: "configs hold plain data; remove the tag"))
            return .string(text)
        }
        diagnostics.append(.error(at: location, "`\(text)` does not match its tag `\(tag!)`"))
        return .string(text)
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?, length: Int) -> String? {
        guard let pointer else { return nil }
        return String(decoding: UnsafeBufferPointer(start: pointer, count: length), as: UTF8.self)
    }
}
