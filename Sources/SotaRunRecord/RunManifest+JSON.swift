import FoundationEssentials
import SotaSupport

extension RunManifest {
    /// The manifest as `JSONEncoder` writes it with `[.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]`, byte
    /// for byte, or nil when a number is not finite (the encoder's error then explains).
    ///
    /// By hand because a run saves its manifest as every step starts, and `JSONEncoder` costs several times more than
    /// writing the file.
    func handEncoded() -> [UInt8]? {
        var writer = FoundationStyleJSON()
        let finite = writer.write(jsonValue)
        return finite ? writer.bytes : nil
    }

    private var jsonValue: JSONValue {
        var members: [(String, JSONValue)] = [
            ("config", config.jsonValue), ("created", .string(created)), ("data", .array(data.map(\.jsonValue))),
            ("eval_configs", .object(evalConfigs.map { ($0.key, $0.value.jsonValue) })), ("experiment", .string(experiment)),
            ("failures", .array(failures.map(\.jsonValue))), ("gates", .array(gates.map(\.jsonValue))), ("git", git.jsonValue),
            ("hardware", hardware.jsonValue), ("host", .string(host)),
            ("metrics", .object(metrics.map { phase in (phase.key, .object(phase.value.map { ($0.key, .double($0.value)) })) })),
            ("run_id", .string(runID)), ("schema_version", .int(schemaVersion)), ("stages", .array(stages.map(\.jsonValue))),
            ("status", .string(status.rawValue)), ("updated", .string(updated)),
        ]
        if let passed { members.append(("passed", .bool(passed))) }
        if let trackerURL { members.append(("tracker_url", .string(trackerURL))) }
        if let stepMetrics { members.append(("step_metrics", .string(stepMetrics))) }
        if let parameters { members.append(("parameters", .object(parameters.map { ($0.key, $0.value.jsonValue) }))) }
        return .object(members)
    }
}

extension RunManifest.ConfigRecord {
    fileprivate var jsonValue: JSONValue {
        .object([("hash", .string(hash)), ("overrides", .array(overrides.map(JSONValue.string))), ("path", .string(path))])
    }
}

extension RunManifest.GitRecord {
    fileprivate var jsonValue: JSONValue {
        var members: [(String, JSONValue)] = [("dirty", .bool(dirty)), ("dirty_files", .array(dirtyFiles.map(JSONValue.string))), ("state", .string(state))]
        if let commit { members.append(("commit", .string(commit))) }
        if let branch { members.append(("branch", .string(branch))) }
        return .object(members)
    }
}

extension RunManifest.FileRecord {
    /// The record as a JSON object, for hand-encoded files that hold output records.
    package var jsonValue: JSONValue {
        .object([("path", .string(path)), ("sha256", .string(sha256)), ("size", .int(size))])
    }
}

extension RunManifest.HardwareRecord {
    fileprivate var jsonValue: JSONValue {
        var members: [(String, JSONValue)] = [("devices", .string(devices)), ("gpu_count", .int(gpuCount)), ("platform", .string(platform))]
        if let gpuType { members.append(("gpu_type", .string(gpuType))) }
        if let observed { members.append(("observed", .string(observed))) }
        return .object(members)
    }
}

extension RunManifest.StageRecord {
    fileprivate var jsonValue: JSONValue {
        var members: [(String, JSONValue)] = [
            ("attempts", .int(attempts)), ("log", .string(log)), ("name", .string(name)), ("outputs", .array(outputs.map(\.jsonValue))),
            ("phase", .string(phase)), ("status", .string(status.rawValue)),
        ]
        if let started { members.append(("started", .string(started))) }
        if let finished { members.append(("finished", .string(finished))) }
        if let seconds { members.append(("seconds", .double(seconds))) }
        if let exitCode { members.append(("exit_code", .int(Int(exitCode)))) }
        if let signal { members.append(("signal", .int(Int(signal)))) }
        if let inputsFingerprint { members.append(("inputs_fingerprint", .string(inputsFingerprint))) }
        if let work { members.append(("work", .double(work))) }
        return .object(members)
    }
}

extension RunManifest.GateRecord {
    fileprivate var jsonValue: JSONValue {
        var members: [(String, JSONValue)] = [
            ("direction", .string(direction)), ("metric", .string(metric)), ("name", .string(name)), ("passed", .bool(passed)),
            ("phase", .string(phase)), ("reason", .string(reason)), ("threshold", .double(threshold)),
        ]
        if let value { members.append(("value", .double(value))) }
        if let baseline { members.append(("baseline", .double(baseline))) }
        if let baselineRun { members.append(("baseline_run", .string(baselineRun))) }
        if let requiredImprovement { members.append(("required_improvement", .double(requiredImprovement))) }
        return .object(members)
    }
}

extension RunManifest.FailureRecord {
    fileprivate var jsonValue: JSONValue {
        var members: [(String, JSONValue)] = [("reason", .string(reason)), ("stage", .string(stage))]
        if let log { members.append(("log", .string(log))) }
        return .object(members)
    }
}

/// Pretty JSON in the layout of Foundation's `JSONEncoder`: two-space indent, `" : "` between key and value, keys
/// sorted by their UTF-8 bytes, empty containers as an open and a close line, integral doubles without `.0`.
package struct FoundationStyleJSON {
    /// The text so far.
    package private(set) var bytes: [UInt8] = []

    /// An empty text, with room for a typical manifest.
    package init() {
        bytes.reserveCapacity(8192)
    }

    /// Appends `value`; false when it holds a NaN or an infinity, which `JSONEncoder` refuses.
    package mutating func write(_ value: JSONValue, indent: Int = 0) -> Bool {
        switch value {
        case .null: append("null")
        case .bool(let flag): append(flag ? "true" : "false")
        case .int(let number): append(String(number))
        case .double(let number):
            guard number.isFinite else { return false }
            var text = number.description
            if text.hasSuffix(".0") { text.removeLast(2) }
            append(text)
        case .string(let text): quote(text)
        case .array(let items):
            append("[\n")
            for (index, item) in items.enumerated() {
                pad(indent + 1)
                guard write(item, indent: indent + 1) else { return false }
                append(index == items.count - 1 ? "\n" : ",\n")
            }
            if items.isEmpty { append("\n") }
            pad(indent)
            append("]")
        case .object(let members):
            append("{\n")
            let sorted = members.sorted { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }
            for (index, (key, item)) in sorted.enumerated() {
                pad(indent + 1)
                quote(key)
                append(" : ")
                guard write(item, indent: indent + 1) else { return false }
                append(index == sorted.count - 1 ? "\n" : ",\n")
            }
            if sorted.isEmpty { append("\n") }
            pad(indent)
            append("}")
        }
        return true
    }

    private mutating func append(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    private mutating func pad(_ level: Int) {
        bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: level * 2))
    }

    private mutating func quote(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        // Most keys and values need no escaping: append them whole.
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            bytes.append(contentsOf: text.utf8)
            bytes.append(UInt8(ascii: "\""))
            return
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): append("\\\"")
            case UInt8(ascii: "\\"): append("\\\\")
            case 0x0A: append("\\n")
            case 0x0D: append("\\r")
            case 0x09: append("\\t")
            case 0x08: append("\\b")
            case 0x0C: append("\\f")
            case ..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

extension RunManifest.ParameterValue {
    /// The value as JSON.
    package var jsonValue: JSONValue {
        switch self {
        case .number(let value): .double(value)
        case .text(let value): .string(value)
        case .flag(let value): .bool(value)
        }
    }
}
