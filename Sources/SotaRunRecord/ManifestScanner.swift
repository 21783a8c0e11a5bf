import FoundationEssentials
import Glibc

/// A fast, forgiving-nothing reader of `manifest.json` that extracts only what the index stores.
///
/// `JSONDecoder` spends over 100 µs on a typical 5 KB manifest; scanning its bytes takes 10–20 µs, which is what
/// lets a rebuild keep pace with reading the files. The scanner gives up (returns nil) on anything
/// it does not expect: a syntax error, a missing or mistyped field, an unknown status, a string with escapes, a
/// newer schema. The caller then decodes with `RunManifest.decode`, whose result and error messages are the
/// reference. The scanner checks the JSON syntax of the whole file and the presence and type of every field
/// `RunManifest` decodes, stored or not, so it never accepts a manifest the decoder would reject.
package struct ManifestScanner {
    /// Thrown internally to abandon the fast path.
    private struct GiveUp: Error {}

    private let bytes: UnsafeBufferPointer<UInt8>
    private var position = 0

    private init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// The indexed part of the manifest in `bytes`, or nil when only the full decoder can judge it.
    package static func indexedRun(_ bytes: UnsafeBufferPointer<UInt8>) -> IndexedRun? {
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

    // Every key and type `RunManifest` decodes is checked, stored or not, so the scanner accepts only manifests
    // the full decoder accepts too. Keys it does not know are skipped, as the decoder ignores them.

    /// The non-optional keys of each record `RunManifest` holds.
    private static let manifestKeys: [StaticString] = [
        "schema_version", "run_id", "experiment", "status", "created", "updated", "config", "eval_configs", "git", "data",
        "host", "hardware", "stages", "metrics", "gates", "failures",
    ]
    private static let gitKeys: [StaticString] = ["dirty", "dirty_files", "state"]
    private static let hardwareKeys: [StaticString] = ["gpu_count", "devices", "platform"]
    private static let stageKeys: [StaticString] = ["name", "phase", "status", "attempts", "outputs", "log"]
    private static let gateKeys: [StaticString] = ["name", "phase", "metric", "direction", "threshold", "passed", "reason"]
    private static let configKeys: [StaticString] = ["path", "hash", "overrides"]
    private static let fileKeys: [StaticString] = ["path", "sha256", "size"]
    private static let failureKeys: [StaticString] = ["stage", "reason"]

    private mutating func manifest() throws(GiveUp) -> IndexedRun {
        var run = IndexedRun()
        try object(required: Self.manifestKeys) { scanner, key throws(GiveUp) in
            switch key {
            case "schema_version":
                guard try scanner.integer() <= RunManifest.currentSchemaVersion else { throw GiveUp() }
            case "run_id": run.runID = try scanner.string()
            case "experiment": run.experiment = try scanner.string()
            case "status": run.status = try scanner.status()
            case "created": run.created = try scanner.string()
            case "updated": run.updated = try scanner.string()
            case "host": run.host = try scanner.string()
            case "tracker_url": run.trackerURL = try scanner.optionalString()
            case "step_metrics": run.stepMetrics = try scanner.optionalString()
            case "passed": run.passed = try scanner.optional { scanner throws(GiveUp) in try scanner.bool() }
            case "config": (run.configPath, run.configHash) = try scanner.configRecord()
            case "eval_configs": try scanner.object { scanner, _ throws(GiveUp) in _ = try scanner.configRecord() }
            case "data": try scanner.array { scanner throws(GiveUp) in try scanner.fileRecord() }
            case "failures": try scanner.array { scanner throws(GiveUp) in try scanner.failureRecord() }
            case "git":
                try scanner.object(required: Self.gitKeys) { scanner, key throws(GiveUp) in
                    switch key {
                    case "commit": run.gitCommit = try scanner.optionalString()
                    case "branch": try scanner.skipOptionalString()
                    case "dirty": run.gitDirty = try scanner.bool()
                    case "dirty_files": try scanner.stringArray()
                    case "state": try scanner.skipString()
                    default: try scanner.skipValue()
                    }
                }
            case "hardware":
                try scanner.object(required: Self.hardwareKeys) { scanner, key throws(GiveUp) in
                    switch key {
                    case "gpu_type": run.gpuType = try scanner.optionalString()
                    case "gpu_count": run.gpuCount = try scanner.integer()
                    case "observed": run.observedHardware = try scanner.optionalString()
                    case "devices", "platform": try scanner.skipString()
                    default: try scanner.skipValue()
                    }
                }
            case "metrics":
                try scanner.object { scanner, phaseKey throws(GiveUp) in
                    let phase = try phaseKey.text()
                    try scanner.object { scanner, name throws(GiveUp) in
                        let value = try scanner.number()
                        if value.isFinite { run.metrics.append(.init(phase: phase, name: try name.text(), value: value)) }
                    }
                }
            case "parameters":
                try scanner.object { scanner, key throws(GiveUp) in
                    let value: RunManifest.ParameterValue
                    switch try scanner.peek() {
                    case UInt8(ascii: "\""): value = .text(try scanner.string())
                    case UInt8(ascii: "t"), UInt8(ascii: "f"): value = .flag(try scanner.bool())
                    default: value = .number(try scanner.number())
                    }
                    run.parameters.append(.init(key: try key.text(), value: value))
                }
                run.parameters.sort { $0.key < $1.key }
                // A key written twice: the decoder keeps one of them; leave the choice to it.
                for index in run.parameters.indices.dropFirst() where run.parameters[index].key == run.parameters[index - 1].key {
                    throw GiveUp()
                }
            case "stages": try scanner.array { scanner throws(GiveUp) in run.stages.append(try scanner.stage()) }
            case "gates": try scanner.array { scanner throws(GiveUp) in run.gates.append(try scanner.gate()) }
            default: try scanner.skipValue()
            }
        }
        return run
    }

    private mutating func stage() throws(GiveUp) -> IndexedRun.Stage {
        var stage = IndexedRun.Stage(name: "", phase: "", status: "", seconds: nil, attempts: 0, finished: nil)
        try object(required: Self.stageKeys) { scanner, key throws(GiveUp) in
            switch key {
            case "name": stage.name = try scanner.string()
            case "phase": stage.phase = try scanner.string()
            case "status": stage.status = try scanner.status()
            case "attempts": stage.attempts = try scanner.integer()
            case "seconds": stage.seconds = try scanner.optional { scanner throws(GiveUp) in try scanner.number() }
            case "work": stage.work = try scanner.optional { scanner throws(GiveUp) in try scanner.number() }
            case "finished": stage.finished = try scanner.optionalString()
            case "started", "inputs_fingerprint": try scanner.skipOptionalString()
            case "exit_code", "signal": _ = try scanner.optional { scanner throws(GiveUp) in try scanner.int32() }
            case "outputs": try scanner.array { scanner throws(GiveUp) in try scanner.fileRecord() }
            case "log": try scanner.skipString()
            default: try scanner.skipValue()
            }
        }
        return stage
    }

    private mutating func gate() throws(GiveUp) -> RunManifest.GateRecord {
        var gate = RunManifest.GateRecord(name: "", phase: "", metric: "", direction: "", threshold: 0, value: nil, baseline: nil,
                                          baselineRun: nil, requiredImprovement: nil, passed: false, reason: "")
        try object(required: Self.gateKeys) { scanner, key throws(GiveUp) in
            switch key {
            case "name": gate.name = try scanner.string()
            case "phase": gate.phase = try scanner.string()
            case "metric": gate.metric = try scanner.string()
            case "direction": gate.direction = try scanner.string()
            case "threshold": gate.threshold = try scanner.number()
            case "passed": gate.passed = try scanner.bool()
            case "reason": gate.reason = try scanner.string()
            case "value": gate.value = try scanner.optional { scanner throws(GiveUp) in try scanner.number() }
            case "baseline": gate.baseline = try scanner.optional { scanner throws(GiveUp) in try scanner.number() }
            case "baseline_run": gate.baselineRun = try scanner.optionalString()
            case "required_improvement":
                gate.requiredImprovement = try scanner.optional { scanner throws(GiveUp) in try scanner.number() }
            default: try scanner.skipValue()
            }
        }
        return gate
    }

    /// A `ConfigRecord`; returns its path and hash.
    private mutating func configRecord() throws(GiveUp) -> (path: String, hash: String) {
        var record = (path: "", hash: "")
        try object(required: Self.configKeys) { scanner, key throws(GiveUp) in
            switch key {
            case "path": record.path = try scanner.string()
            case "hash": record.hash = try scanner.string()
            case "overrides": try scanner.stringArray()
            default: try scanner.skipValue()
            }
        }
        return record
    }

    /// A `FileRecord`, checked and dropped.
    private mutating func fileRecord() throws(GiveUp) {
        try object(required: Self.fileKeys) { scanner, key throws(GiveUp) in
            switch key {
            case "path", "sha256": try scanner.skipString()
            case "size": _ = try scanner.integer()
            default: try scanner.skipValue()
            }
        }
    }

    /// A `FailureRecord`, checked and dropped.
    private mutating func failureRecord() throws(GiveUp) {
        try object(required: Self.failureKeys) { scanner, key throws(GiveUp) in
            switch key {
            case "stage", "reason": try scanner.skipString()
            case "log": try scanner.skipOptionalString()
            default: try scanner.skipValue()
            }
        }
    }

    /// A status string `RunManifest.Status` knows.
    private mutating func status() throws(GiveUp) -> String {
        let text = try string()
        guard RunManifest.Status(rawValue: text) != nil else { throw GiveUp() }
        return text
    }

    private mutating func stringArray() throws(GiveUp) {
        try array { scanner throws(GiveUp) in try scanner.skipString() }
    }

    private mutating func optionalString() throws(GiveUp) -> String? {
        try optional { scanner throws(GiveUp) in try scanner.string() }
    }

    /// Checks an optional string without keeping it.
    private mutating func skipOptionalString() throws(GiveUp) {
        if try !consume(literal: "null") { try skipString() }
    }

    private mutating func int32() throws(GiveUp) -> Int32 {
        guard let value = Int32(exactly: try integer()) else { throw GiveUp() }
        return value
    }

    // MARK: - JSON

    private static let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")

    private mutating func skipSpace() {
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

    /// An object key as it stands in the file (escapes are left to the full decoder), compared with the names the
    /// scanner knows byte for byte: no string is built for the hundred-odd keys of a manifest, and a key compares
    /// with a name in one length check and one `memcmp`. (Byte equality is String equality here: the names are
    /// made of lowercase ASCII letters, digits and `_`, and no other Unicode text is canonically equivalent to one.)
    private struct Key {
        let bytes: UnsafeBufferPointer<UInt8>
        let ascii: Bool

        static func ~= (name: StaticString, key: Key) -> Bool {
            name.utf8CodeUnitCount == key.bytes.count
                && (key.bytes.isEmpty || memcmp(name.utf8Start, key.bytes.baseAddress!, key.bytes.count) == 0)
        }

        /// The key as a string, for keys that are data (phase and metric names).
        func text() throws(GiveUp) -> String {
            try ManifestScanner.text(bytes, ascii: ascii)
        }
    }

    /// Calls `member` with each key of an object, the scanner placed at the member's value (which `member` must
    /// consume). Gives up when a key in `required` is missing or null, as `keyNotFound`/`valueNotFound` would.
    private mutating func object(required: [StaticString] = [],
                                 _ member: (inout ManifestScanner, Key) throws(GiveUp) -> Void) throws(GiveUp) {
        try consume(UInt8(ascii: "{"))
        var found: UInt64 = 0
        let all: UInt64 = (1 << required.count) - 1
        if try peek() == UInt8(ascii: "}") {
            position += 1
            guard found == all else { throw GiveUp() }
            return
        }
        while true {
            let (raw, ascii) = try stringBytes()
            // A key that is not valid UTF-8 fails the full decoder too.
            if !ascii { _ = try Self.text(raw, ascii: false) }
            let key = Key(bytes: raw, ascii: ascii)
            try consume(UInt8(ascii: ":"))
            if let index = required.firstIndex(where: { $0 ~= key }) {
                guard try peek() != UInt8(ascii: "n") else { throw GiveUp() }
                found |= 1 << index
            }
            try member(&self, key)
            let next = try peek()
            position += 1
            if next == UInt8(ascii: "}") {
                guard found == all else { throw GiveUp() }
                return
            }
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
        let (raw, ascii) = try stringBytes()
        return try Self.text(raw, ascii: ascii)
    }

    /// Checks a string without building it (most skipped strings are ASCII digests and paths).
    private mutating func skipString() throws(GiveUp) {
        let (raw, ascii) = try stringBytes()
        if !ascii { _ = try Self.text(raw, ascii: false) }
    }

    /// The bytes between the quotes of the next string, and whether they are all ASCII.
    private mutating func stringBytes() throws(GiveUp) -> (UnsafeBufferPointer<UInt8>, ascii: Bool) {
        try consume(Self.quote)
        let start = position
        var ascii = true
        while position < bytes.count {
            let byte = bytes[position]
            if byte == Self.quote {
                position += 1
                return (UnsafeBufferPointer(rebasing: bytes[start..<position - 1]), ascii)
            }
            guard byte != Self.backslash, byte >= 0x20 else { throw GiveUp() }
            ascii = ascii && byte < 0x80
            position += 1
        }
        throw GiveUp()
    }

    /// `raw` as a string, refusing invalid UTF-8 (which the full decoder rejects too).
    ///
    /// ASCII needs no check. Otherwise decoding repairs invalid sequences, so the repaired string differs from
    /// the bytes exactly when they were invalid. (`String(validating:)` is generic and slow when not specialized.)
    private static func text(_ raw: UnsafeBufferPointer<UInt8>, ascii: Bool) throws(GiveUp) -> String {
        let text = String(decoding: raw, as: UTF8.self)
        guard ascii || text.utf8.elementsEqual(raw) else { throw GiveUp() }
        return text
    }

    /// The span of a JSON number, checked against JSON's grammar; `integral` rejects fractions and exponents.
    private mutating func numberSpan(integral: Bool) throws(GiveUp) -> Range<Int> {
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
        return start..<position
    }

    /// The longest number text converted on the stack; longer ones (never written by sota) go through a string.
    private static let shortNumber = 47

    private mutating func number() throws(GiveUp) -> Double {
        let span = try numberSpan(integral: false)
        let value: Double?
        if span.count <= Self.shortNumber {
            // strtod on a NUL-terminated copy, so it reads nothing past the number; it must take all of it (the
            // grammar was checked above, and a locale with another decimal point would stop it short).
            value = withUnsafeTemporaryAllocation(of: CChar.self, capacity: span.count + 1) { text in
                for (offset, index) in span.enumerated() { text[offset] = CChar(bitPattern: bytes[index]) }
                text[span.count] = 0
                var end: UnsafeMutablePointer<CChar>?
                let value = strtod(text.baseAddress!, &end)
                return end == text.baseAddress! + span.count ? value : nil
            }
        } else {
            value = Double(String(decoding: UnsafeBufferPointer(rebasing: bytes[span]), as: UTF8.self))
        }
        guard let value, value.isFinite else { throw GiveUp() }
        return value
    }

    private mutating func integer() throws(GiveUp) -> Int {
        let span = try numberSpan(integral: true)
        let negative = bytes[span.lowerBound] == UInt8(ascii: "-")
        var value = 0
        // Accumulated with the sign applied, so Int.min is reachable; overflow gives up, as Int(text) returns nil.
        for index in span.dropFirst(negative ? 1 : 0) {
            let digit = Int(bytes[index] - UInt8(ascii: "0"))
            let (shifted, overflowA) = value.multipliedReportingOverflow(by: 10)
            let (next, overflowB) = negative ? shifted.subtractingReportingOverflow(digit) : shifted.addingReportingOverflow(digit)
            guard !overflowA, !overflowB else { throw GiveUp() }
            value = next
        }
        return value
    }

    /// Skips one value of any kind, checking only as much syntax as it needs to find the value's end.
    ///
    /// Nesting deeper than `JSONDecoder` allows (512) is left to it, which also keeps the recursion bounded.
    private mutating func skipValue(depth: Int = 0) throws(GiveUp) {
        guard depth < 512 else { throw GiveUp() }
        switch try peek() {
        case Self.quote:
            try skipString()
        case UInt8(ascii: "{"):
            try object { scanner, _ throws(GiveUp) in try scanner.skipValue(depth: depth + 1) }
        case UInt8(ascii: "["):
            try array { scanner throws(GiveUp) in try scanner.skipValue(depth: depth + 1) }
        case UInt8(ascii: "t"), UInt8(ascii: "f"):
            _ = try bool()
        case UInt8(ascii: "n"):
            guard try consume(literal: "null") else { throw GiveUp() }
        default:
            _ = try numberSpan(integral: false)
        }
    }
}
