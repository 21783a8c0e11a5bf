import FoundationEssentials
import SotaSupport
import SotaConfig

/// `.sota/cache/config-facts`: each config's catalog facts (kind, experiment, canonical hash, column values,
/// problem) keyed by its path and ``FileStamp``, so the next catalog parses only the configs that changed.
///
/// Only a cache: missing, corrupt, or written for other catalog columns or another config schema, it is ignored
/// and rewritten. The body carries its SHA-256, so a damaged file is never trusted; a config changed within two
/// seconds of the survey is not stored (another write in the same timestamp tick could follow unseen).
package struct ConfigFactsCache: Sendable {
    /// Where the cache lives, relative to the project root.
    package static let path = ".sota/cache/config-facts"

    /// One config as last read.
    package struct Entry: Sendable, Equatable {
        /// The file's stamp when it was read.
        package var stamp: FileStamp
        /// What was read.
        package var facts: ConfigFacts

        /// Creates an entry.
        package init(stamp: FileStamp, facts: ConfigFacts) {
            self.stamp = stamp
            self.facts = facts
        }
    }

    /// The first line of the file. The format: this line, the setting's fingerprint, the body's SHA-256, then one
    /// line per config of tab-separated fields (`\`, tab and line feed escaped): path, size, modification and change
    /// times in nanoseconds, inode, kind, experiment, hash, problem, then one field per catalog column.
    private static let header = "sota config facts cache 1"

    /// The absolute path of the cache file.
    let file: String
    /// The catalog columns the facts hold values of.
    let columns: [KeyPath]
    /// Identifies the columns and the schema the hashes were computed under.
    let setting: String
    /// The entries read from the file, by config path relative to the project root.
    package let known: [String: Entry]
    /// The time the survey started; changes after two seconds before it are too recent to store.
    let now: Date

    /// Loads the cache of `project` for its current catalog columns and config schema.
    package init(project: Project, now: Date) {
        file = project.resolve(Self.path)
        columns = project.catalogColumns.map { KeyPath(parsing: $0) ?? KeyPath() }
        // Everything that changes what a config's facts are: the schema, the columns and the project's defaults.
        let defaults = [project.trainingDefaults, project.evaluationDefaults].map { $0.map(CanonicalForm.json) ?? "-" }
        setting = SHA256.hex(of: ([String(reflecting: project.schema)] + defaults + project.catalogColumns).joined(separator: "\n").utf8)
        self.now = now
        known = FileManager.default.contents(atPath: file).flatMap { [setting, columns] in Self.parse(Array($0), setting: setting, columns: columns.count) } ?? [:]
    }

    /// What one lookup found.
    struct Lookup: Sendable {
        /// The config's facts.
        var facts: ConfigFacts
        /// The entry to store for next time; nil when the file cannot be stat'ed or changed too recently.
        var entry: Entry?
        /// True when the facts came from the cache.
        var reused: Bool
    }

    /// The facts of the config at `path` (shown and keyed as `display`): from the cache when its stamp matches,
    /// else read afresh. The stamp is taken before reading, so a change during the read shows next time.
    func facts(path: String, display: String, project: Project) -> Lookup {
        let stamp = FileStamp(path: path)
        if let stamp, let entry = known[display], entry.stamp == stamp { return Lookup(facts: entry.facts, entry: entry, reused: true) }
        let facts = ConfigFacts.read(path: path, display: display, project: project, columns: columns)
        guard let stamp, !stamp.isRacy(now: now) else { return Lookup(facts: facts, entry: nil, reused: false) }
        return Lookup(facts: facts, entry: Entry(stamp: stamp, facts: facts), reused: false)
    }

    /// Writes the entries of `lookups` as the new cache, atomically, unless they are exactly what the file holds (every
    /// one came from it and it holds no others). Failing to write (a read-only project) only costs the next run its speed.
    func store(_ lookups: [(String, Lookup)]) {
        var entries: [String: Entry] = [:]
        for (display, lookup) in lookups { entries[display] = lookup.entry }
        if entries.count == known.count, lookups.allSatisfy({ $0.1.reused || $0.1.entry == nil }) { return }
        store(entries)
    }

    /// Writes `entries` as the new cache, atomically.
    package func store(_ entries: [String: Entry]) {
        let body = Self.encode(entries)
        let text = Array((Self.header + "\n" + setting + "\n" + SHA256.hex(of: body) + "\n").utf8) + body
        try? FileManager.default.createDirectory(atPath: Paths.parent(of: file), withIntermediateDirectories: true)
        try? AtomicFile.write(text, to: file)
    }
}

extension ConfigFactsCache {
    /// The body: one line per entry, sorted by path so the same facts always give the same bytes.
    static func encode(_ entries: [String: Entry]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(entries.count * 256)
        for (path, entry) in entries.sorted(by: { $0.key < $1.key }) {
            let facts = entry.facts, stamp = entry.stamp
            var fields = [path, String(stamp.size), String(stamp.modified), String(stamp.changed), String(stamp.inode),
                          facts.kind?.rawValue ?? "", facts.experiment.map { "=" + $0 } ?? "", facts.hash, facts.problem.map { "=" + $0 } ?? ""]
            for value in facts.parameters {
                var encoded: [UInt8] = []
                if let value { ValueCoding.write(value, into: &encoded) }
                fields.append(String(decoding: encoded, as: UTF8.self))
            }
            for (index, field) in fields.enumerated() {
                if index > 0 { out.append(UInt8(ascii: "\t")) }
                for byte in field.utf8 {
                    switch byte {
                    case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
                    case UInt8(ascii: "\t"): out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
                    case UInt8(ascii: "\n"): out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
                    default: out.append(byte)
                    }
                }
            }
            out.append(UInt8(ascii: "\n"))
        }
        return out
    }

    /// The entries of a cache file, or nil when it is not a whole, undamaged cache for `setting` with `columns` columns.
    static func parse(_ bytes: [UInt8], setting: String, columns: Int) -> [String: Entry]? {
        var rest = bytes[...]
        func line() -> Substring? {
            guard let end = rest.firstIndex(of: UInt8(ascii: "\n")) else { return nil }
            defer { rest = rest[(end + 1)...] }
            return Substring(decoding: rest[..<end], as: UTF8.self)
        }
        guard line() == Substring(header), line() == Substring(setting), let checksum = line(), checksum == Substring(SHA256.hex(of: rest))
        else { return nil }
        var entries: [String: Entry] = [:]
        while let end = rest.firstIndex(of: UInt8(ascii: "\n")) {
            let fields = rest[..<end].split(separator: UInt8(ascii: "\t"), omittingEmptySubsequences: false).map(unescape)
            rest = rest[(end + 1)...]
            guard fields.count == 9 + columns, let size = Int64(fields[1]), let modified = Int64(fields[2]), let changed = Int64(fields[3]),
                  let inode = UInt64(fields[4]) else { return nil }
            let kind: RunConfig.Kind?
            if fields[5].isEmpty { kind = nil } else if let known = RunConfig.Kind(rawValue: fields[5]) { kind = known } else { return nil }
            var parameters: [JSONValue?] = []
            for field in fields[9...] {
                if field.isEmpty {
                    parameters.append(nil)
                    continue
                }
                var reader = ValueCoding.Reader(bytes: Array(field.utf8)[...])
                guard let value = reader.value(), reader.bytes.isEmpty else { return nil }
                parameters.append(value)
            }
            func optional(_ text: String) -> String?? {
                text.isEmpty ? .some(nil) : text.hasPrefix("=") ? .some(String(text.dropFirst())) : nil
            }
            guard let experiment = optional(fields[6]), let problem = optional(fields[8]) else { return nil }
            entries[fields[0]] = Entry(stamp: FileStamp(size: size, modified: modified, changed: changed, inode: inode),
                                       facts: ConfigFacts(kind: kind, experiment: experiment, hash: fields[7], parameters: parameters, problem: problem))
        }
        return rest.isEmpty ? entries : nil
    }

    private static func unescape(_ field: ArraySlice<UInt8>) -> String {
        guard field.contains(UInt8(ascii: "\\")) else { return String(decoding: field, as: UTF8.self) }
        var out: [UInt8] = [], escaped = false
        for byte in field {
            if escaped {
                out.append(byte == UInt8(ascii: "t") ? UInt8(ascii: "\t") : byte == UInt8(ascii: "n") ? UInt8(ascii: "\n") : byte)
                escaped = false
            } else if byte == UInt8(ascii: "\\") {
                escaped = true
            } else {
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A config value as compact typed text that reads back exactly (doubles by their bits): `n`, `t`, `f`,
    /// `i<int>;`, `d<hex bits>;`, `s<byte count>:<text>`, `a<count>:<items>`, `o<count>:(<byte count>:<key><value>)*`.
    enum ValueCoding {
        /// Appends the coding of `value`.
        static func write(_ value: JSONValue, into out: inout [UInt8]) {
            func string(_ text: String) {
                out += Array(String(text.utf8.count).utf8) + [UInt8(ascii: ":")] + Array(text.utf8)
            }
            switch value {
            case .null: out.append(UInt8(ascii: "n"))
            case .bool(let flag): out.append(flag ? UInt8(ascii: "t") : UInt8(ascii: "f"))
            case .int(let number): out += Array("i\(number);".utf8)
            case .double(let number): out += Array("d\(String(number.bitPattern, radix: 16));".utf8)
            case .string(let text):
                out.append(UInt8(ascii: "s"))
                string(text)
            case .array(let items):
                out += Array("a\(items.count):".utf8)
                for item in items { write(item, into: &out) }
            case .object(let members):
                out += Array("o\(members.count):".utf8)
                for (key, member) in members {
                    string(key)
                    write(member, into: &out)
                }
            }
        }

        /// Reads values back, consuming `bytes`.
        struct Reader {
            /// What is left to read.
            var bytes: ArraySlice<UInt8>

            /// The next value, or nil when the text is not one.
            mutating func value() -> JSONValue? {
                guard let tag = bytes.popFirst() else { return nil }
                switch tag {
                case UInt8(ascii: "n"): return .null
                case UInt8(ascii: "t"): return .bool(true)
                case UInt8(ascii: "f"): return .bool(false)
                case UInt8(ascii: "i"): return number(until: ";").flatMap { Int($0) }.map(JSONValue.int)
                case UInt8(ascii: "d"): return number(until: ";").flatMap { UInt64($0, radix: 16) }.map { .double(Double(bitPattern: $0)) }
                case UInt8(ascii: "s"): return string().map(JSONValue.string)
                case UInt8(ascii: "a"):
                    guard let count = count() else { return nil }
                    var items: [JSONValue] = []
                    for _ in 0..<count {
                        guard let item = value() else { return nil }
                        items.append(item)
                    }
                    return .array(items)
                case UInt8(ascii: "o"):
                    guard let count = count() else { return nil }
                    var members: [(String, JSONValue)] = []
                    for _ in 0..<count {
                        guard let key = string(), let member = value() else { return nil }
                        members.append((key, member))
                    }
                    return .object(members)
                default: return nil
                }
            }

            private mutating func number(until terminator: Unicode.Scalar) -> String? {
                guard let end = bytes.firstIndex(of: UInt8(ascii: terminator)) else { return nil }
                defer { bytes = bytes[(end + 1)...] }
                return String(decoding: bytes[..<end], as: UTF8.self)
            }

            private mutating func count() -> Int? {
                number(until: ":").flatMap { Int($0) }.flatMap { $0 >= 0 && $0 <= bytes.count ? $0 : nil }
            }

            private mutating func string() -> String? {
                guard let length = count() else { return nil }
                defer { bytes = bytes.dropFirst(length) }
                return String(decoding: bytes.prefix(length), as: UTF8.self)
            }
        }
    }
}
