import FoundationEssentials
import SotaSupport

/// The hardware a run actually has, for its manifest's `hardware.observed`: the GPU's product name as `nvidia-smi`
/// (or `rocm-smi`) reports it, else `cpu`.
///
/// Cost calibration trusts only this, never the GPU a config declares. A tool is asked only when it is on PATH, so
/// a run on a machine without one pays for a PATH lookup and spawns nothing (bench/run_overhead.sh measures that path).
package enum HardwareProbe {
    /// What a run on `devices` (`CUDA_VISIBLE_DEVICES` ids, the first one named) has, looking the tools up on
    /// `environment`'s PATH from `directory`.
    package static func observe(devices: String, environment: [String: String], directory: String) -> String {
        let path = environment["PATH"]
        let device = devices.split(separator: ",").first.flatMap { Int($0.trimmingWhitespace()) }
        if let tool = Paths.findExecutable("nvidia-smi", path: path, relativeTo: directory),
           let output = run(tool, ["--query-gpu=index,name", "--format=csv,noheader"], environment: environment, directory: directory),
           let name = nvidiaName(output, device: device) {
            return name
        }
        if let tool = Paths.findExecutable("rocm-smi", path: path, relativeTo: directory),
           let output = run(tool, ["--showproductname", "--csv"], environment: environment, directory: directory),
           let name = rocmName(output, device: device) {
            return name
        }
        return "cpu"
    }

    /// The name of GPU `device` (else the first) in `nvidia-smi --query-gpu=index,name --format=csv,noheader` output
    /// (`0, NVIDIA A100-SXM4-80GB`), or nil when it lists none.
    static func nvidiaName(_ output: String, device: Int?) -> String? {
        let rows: [(index: Int?, name: String)] = output.split(whereSeparator: \.isNewline).compactMap { line in
            let fields = line.split(separator: ",", maxSplits: 1).map { $0.trimmingWhitespace() }
            guard fields.count == 2, !fields[1].isEmpty, !fields[1].hasPrefix("[") else { return nil }
            return (Int(fields[0]), fields[1])
        }
        return (rows.first { $0.index != nil && $0.index == device } ?? rows.first)?.name
    }

    /// The product name of card `device` (else the first) in `rocm-smi --showproductname --csv` output: its
    /// `Card series` column (`Card Series` in newer releases), else `Card model`.
    static func rocmName(_ output: String, device: Int?) -> String? {
        let lines = output.split(whereSeparator: \.isNewline).map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        guard let headerIndex = lines.firstIndex(where: { $0.first?.lowercased() == "device" }) else { return nil }
        let header = lines[headerIndex].map { $0.trimmingWhitespace().lowercased() }
        guard let column = header.firstIndex(of: "card series") ?? header.firstIndex(of: "card model") else { return nil }
        let rows: [(card: Int?, name: String)] = lines[(headerIndex + 1)...].compactMap { fields in
            guard fields.count > column, let card = fields.first, card.hasPrefix("card") else { return nil }
            let name = fields[column].trimmingWhitespace()
            return name.isEmpty ? nil : (Int(card.dropFirst(4)), name)
        }
        return (rows.first { $0.card != nil && $0.card == device } ?? rows.first)?.name
    }

    /// The standard output of `tool arguments`, run in `directory`, when it exits 0, else nil.
    private static func run(_ tool: String, _ arguments: [String], environment: [String: String], directory: String) -> String? {
        guard let outcome = try? CapturedCommand(tool, arguments, environment: environment, directory: directory).run() else { return nil }
        return outcome.status == 0 ? String(decoding: outcome.out, as: UTF8.self) : nil
    }
}
