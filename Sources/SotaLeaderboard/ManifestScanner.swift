import SotaPlan

/// A fast, forgiving-nothing reader of `manifest.json` that extracts only what the index stores.
///
/// `JSONDecoder` spends about 100 µs on a typical manifest; scanning the bytes for the indexed fields takes a few,
/// which is what lets a rebuild keep pace with reading the files. The scanner gives up (returns nil) on anything
/// it does not expect: a syntax error, a missing or mistyped field, an unknown status, a string with escapes, a
/// newer schema. The caller then decodes with `RunManifest.decode`, whose result and error messages are the
/// reference. The scanner checks the JSON syntax of the whole file and every field it stores, but not the inside
/// of parts the index ignores (data files, stage outputs, failures, evaluation configs).
struct ManifestScanner {
    /// Thrown internally to abandon the fast path.
    private struct GiveUp: Error {}

    private let bytes: UnsafeBufferPointer<UInt8>
    private var position = 0

    private init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// The indexed part of the manifest in `bytes`, or nil when only the full decoder can judge it.
    static func indexedRun(_ bytes: UnsafeBufferPointer<UInt8>) -> IndexedRun? {
        var scanner = ManifestScanner(bytes)
        do {
            let run = try scanner.manifest()
            scanner.skipSpace()
            return scanner.position == bytes.count ? run : nil
        } catch {
            return nil
        }
    }

    // MARK: - The manifest's shape

    /// Top-level keys `RunManifest` requires (all but `passed`), as bits.
    private static let requiredKeys: [String: UInt32] = [
        "schema_version": 1 << 0, "run_id": 1 << 1, "experiment": 1 << 2, "status": 1 << 3, "created": 1 << 4,
        "updated": 1 << 5, "config": 1 << 6, "eval_configs": 1 << 7, "git": 1 << 8, "data": 1 << 9, "host": 1 << 10,
        "hardware": 1 << 11, "stages": 1 << 12, "metrics": 1 << 13, "gates": 1 << 14, "failures": 1 << 15,
    ]

    private mutating func manifest() throws(GiveUp) -> IndexedRun {
        var run = IndexedRun()
        var seen: UInt32 = 0
        try object { scanner, key throws(GiveUp) in
            seen |= Self.requiredKeys[key] ?? 0
            switch key {
            case "schema_version":
                let version = try scanner.integer()
                guard version <= RunManifest.currentSchemaVersion else { throw GiveUp() }
            case "run_id": run.runID = try scanner.string()
            case "experiment": run.experiment = try scanner.string()
            case "status": run.status = try scanner.status()
            case "created": run.created = try scanner.string()
            case "updated": run.updated = try scanner.string()
            case "host": run.host = try scanner.string()
            case "passed": run.passed = try scanner.optional { scanner throws(GiveUp) in try scanner.bool() }
            case "config":
                var fields = 0
                try scanner.object { scanner, key throws(GiveUp) in
                    switch key {
                    case "path": run.configPath = try scanner.string(); fields += 1
                    case "hash": run.configHash = try scanner.string(); fields += 1
                    default: try scanner.skipValue()
                    }
                }
                guard fields == 2 else { throw GiveUp() }
            case "git":
                var dirty = false
                try scanner.object { scanner, key throws(GiveUp) in
                    switch key {
                    case "commit": run.gitCommit = try scanner.optional { scanner throws(GiveUp) in try scanner.string() }
                    case "dirty": run.gitDirty = try scanner.bool(); dirty = true
                    default: try scanner.skipValue()
                    }
                }
                guard dirty else { throw GiveUp() }
            case "hardware":
                var count = false
                try scanner.object { scanner, key throws(GiveUp) in
                    switch key {
                    case "gpu_type": run.gpuType = try scanner.optional { scanner throws(GiveUp) in try scanner.string() }
                    case "gpu_count": run.gpuCount = try scanner.integer(); count = true
                    default: try scanner.skipValue()
                    }
                }
                guard count else { throw GiveUp() }
            case "metrics":
                try scanner.object { scanner, phase throws(GiveUp) in
                    try scanner.object { scanner, name throws(GiveUp) in
                        let value = try scanner.number()
                        if value.isFinite { run.metrics.append(.init(phase: phase, name: name, value: value)) }
                    }
                }
            case "stages":
                try scanner.array { scanner throws(GiveUp) in run.stages.append(try scanner.stage()) }
            case "gates":
                try scanner.array { scanner throws(GiveUp) in run.gates.append(try scanner.gate()) }
            default:
                try scanner.skipValue()
            }
        }
        guard seen == Self.requiredKeys.values.reduce(0, |) else { throw GiveUp() }
        return run
    }

    private mutating func stage() throws(GiveUp) -> IndexedRun.Stage {
        var stage = IndexedRun.Stage(name: "", phase: "", status: "", seconds: nil, attempts: 0, finished: nil)
        var fields = 0
        try object { scanner, key throws(GiveUp) in
            switch key {
            case "name": stage.name = try scanner.string(); fields += 1
            case "phase": stage.phase = try scanner.string(); fields += 1
            case "status": stage.status = try scanner.status(); fields += 1
            case "attempts": stage.attempts = try scanner.integer(); fields += 1
            case "seconds": stage.seconds = try scanner.optional { scanner throws(GiveUp) in try scanner.number() }
            case "finished": stage.finished = try scanner.optional { scanner throws(GiveUp) in try scanner.string() }
            case "log", "outputs": try scanner.skipValue(); fields += 1
            default: try scanner.skipValue()
            }
        }
        guard fields == 6 else { throw GiveUp() }
        return stage
    }

    private mutating func gate() throws(GiveUp) -> RunManifest.GateRecord {
        var gate = RunManifest.GateRecord(name: "", phase: "", metric: "", direction: "", threshold: 0, value: nil, baseline: nil,
                                          baselineRun: nil, requiredImprovement: nil, passed: false, reason: "")
        var fields = 0
        try object { scanner, key throws(GiveUp) in
            switch key {
            case "name": gate.name = try scanner.string(); fields += 1
            case "phase": gate.phase = try scanner.string(); fields += 1
            case "metric": gate.metric = try scanner.string(); fields += 1
            case "direction": gate.direction = try scanner.string(); fields += 1
            case "threshold": gate.threshold = try scanner.number(); fields += 1
            case "passed": gate.passed = try scanner.bool(); fields += 1
            case "reason": gate.reason = try scanner.string(); fields += 1
            case "value": gate.value = try scanner.optional { scanner throws(GiveUp) in try scanner.number() }
            case "baseline": gate.baseline = try scanner.optional { scanner throws(GiveUp) in try scanner.number() }
            case "baseline_run": gate.baselineRun = try scanner.optional { scanner throws(GiveUp) in try scanner.string() }
            case "required_improvement":
                gate.requiredImprovement = try scanner.optional { scanner throws(GiveUp) in try scanner.number() }
            default: try scanner.skipValue()
            }
        }
        guard fields == 7 else { throw GiveUp() }
        return gate
    }

    /// A status string `RunManifest.Status` knows.
    private mutating func status() throws(GiveUp) -> String {
        let text = try string()
        guard RunManifest.Status(rawValue: text) != nil else { throw GiveUp() }
        return text
    }

    // MARK: - JSON

    private static let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")

    mutating func skipSpace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    /// The next significant byte, not consumed.
    private mutating func peek() throws(GiveUp) -> UInt8 {
        skipSpace()
        guard position < bytes.count else { throw GiveUp() }
        return bytes[position]
    }

    private mutating func consume(_ byte: UInt8) throws(GiveUp) {
        guard try peek() == byte else { throw GiveUp() }
        position += 1
    }

    /// Consumes `literal` (`true`, `false`, `null`) if it comes next.
    private mutating func consume(literal: StaticString) throws(GiveUp) -> Bool {
        guard try peek() == literal.utf8Start[0] else { return false }
        let count = literal.utf8CodeUnitCount
        guard position + count <= bytes.count else { throw GiveUp() }
        for index in 0..<count where bytes[position + index] != literal.utf8Start[index] { throw GiveUp() }
        position += count
        return true
    }

    /// Calls `member` with each key of an object, the scanner placed at the member's value.
    private mutating func object(_ member: (inout ManifestScanner, String) throws(GiveUp) -> Void) throws(GiveUp) {
        try consume(UInt8(ascii: "{"))
        if try peek() == UInt8(ascii: "}") {
            position += 1
            return
        }
        while true {
            let key = try string()
            try consume(UInt8(ascii: ":"))
            try member(&self, key)
            let next = try peek()
            position += 1
            if next == UInt8(ascii: "}") { return }
            guard next == UInt8(ascii: ",") else { throw GiveUp() }
        }
    }

    /// Calls `element` once per element of an array, the scanner placed at the element.
    private mutating func array(_ element: (inout ManifestScanner) throws(GiveUp) -> Void) throws(GiveUp) {
        try consume(UInt8(ascii: "["))
        if try peek() == UInt8(ascii: "]") {
            position += 1
            return
        }
        while true {
            try element(&self)
            let next = try peek()
            position += 1
            if next == UInt8(ascii: "]") { return }
            guard next == UInt8(ascii: ",") else { throw GiveUp() }
        }
    }

    /// `null` as nil, anything else as `value` reads it.
    private mutating func optional<T>(_ value: (inout ManifestScanner) throws(GiveUp) -> T) throws(GiveUp) -> T? {
        try consume(literal: "null") ? nil : try value(&self)
    }

    private mutating func bool() throws(GiveUp) -> Bool {
        if try consume(literal: "true") { return true }
        if try consume(literal: "false") { return false }
        throw GiveUp()
    }

    /// A string without escapes (those are left to the full decoder), as valid UTF-8.
    private mutating func string() throws(GiveUp) -> String {
        try consume(Self.quote)
        let start = position
        while position < bytes.count {
            let byte = bytes[position]
            if byte == Self.quote {
                let text = String(validating: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
                position += 1
                guard let text else { throw GiveUp() }
                return text
            }
            guard byte != Self.backslash, byte >= 0x20 else { throw GiveUp() }
            position += 1
        }
        throw GiveUp()
    }

    /// The bytes of a JSON number, checked against JSON's grammar; `integral` rejects fractions and exponents.
    private mutating func numberText(integral: Bool) throws(GiveUp) -> String {
        _ = try peek()
        let start = position
        func digits() -> Int {
            let first = position
            while position < bytes.count, bytes[position] >= UInt8(ascii: "0"), bytes[position] <= UInt8(ascii: "9") { position += 1 }
            return position - first
        }
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        let whole = position
        guard digits() > 0, bytes[whole] != UInt8(ascii: "0") || position - whole == 1 else { throw GiveUp() }
        if !integral, position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            guard digits() > 0 else { throw GiveUp() }
        }
        if !integral, position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
            guard digits() > 0 else { throw GiveUp() }
        }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
    }

    private mutating func number() throws(GiveUp) -> Double {
        guard let value = Double(try numberText(integral: false)), value.isFinite else { throw GiveUp() }
        return value
    }

    private mutating func integer() throws(GiveUp) -> Int {
        guard let value = Int(try numberText(integral: true)) else { throw GiveUp() }
        return value
    }

    /// Skips one value of any kind, checking only as much syntax as it needs to find the value's end.
    private mutating func skipValue() throws(GiveUp) {
        switch try peek() {
        case Self.quote:
            position += 1
            while position < bytes.count {
                let byte = bytes[position]
                position += 1
                if byte == Self.quote { return }
                guard byte >= 0x20 else { throw GiveUp() }
                if byte == Self.backslash { position += 1 }
            }
            throw GiveUp()
        case UInt8(ascii: "{"):
            try object { scanner, _ throws(GiveUp) in try scanner.skipValue() }
        case UInt8(ascii: "["):
            try array { scanner throws(GiveUp) in try scanner.skipValue() }
        case UInt8(ascii: "t"), UInt8(ascii: "f"):
            _ = try bool()
        case UInt8(ascii: "n"):
            guard try consume(literal: "null") else { throw GiveUp() }
        default:
            _ = try numberText(integral: false)
        }
    }
}
