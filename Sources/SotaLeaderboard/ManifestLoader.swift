import Foundation
import SotaBasics
import SotaPlan

/// Reads and decodes many manifests at once, spread over the machine's cores.
enum ManifestLoader {
    /// One manifest's indexed part, or why it could not be read.
    typealias Outcome = Result<IndexedRun, IngestReport.Problem>

    /// The outcome for each path, in the order given.
    static func load(_ paths: [String]) -> [Outcome] {
        guard !paths.isEmpty else { return [] }
        let outcomes = OutcomeBuffer(count: paths.count)
        let workers = min(ProcessInfo.processInfo.activeProcessorCount, max(1, paths.count / 64))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var index = worker
            while index < paths.count {
                outcomes.set(index, load(paths[index]))
                index += workers
            }
        }
        return outcomes.values()
    }

    /// Reads one manifest: scanned when it can be, decoded in full (for the reference result or error) otherwise.
    static func load(_ path: String) -> Outcome {
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(.init(path: path, reason: Paths.kind(of: path) == .missing ? "no such file" : "cannot read the file"))
        }
        if let run = data.withUnsafeBytes({ ManifestScanner.indexedRun($0.bindMemory(to: UInt8.self)) }) {
            return .success(run)
        }
        do {
            return .success(IndexedRun(try RunManifest.decode(data, path: path)))
        } catch let error as FileError {
            return .failure(.init(path: path, reason: error.reason))
        } catch {
            return .failure(.init(path: path, reason: "\(error)"))
        }
    }

    /// Slots written by disjoint indices from several threads, read once every writer has finished.
    ///
    /// Raw memory rather than an array property, so concurrent writes to different slots are not overlapping
    /// accesses to one variable.
    private final class OutcomeBuffer: @unchecked Sendable {
        private let slots: UnsafeMutableBufferPointer<Outcome?>

        init(count: Int) {
            slots = .allocate(capacity: count)
            slots.initialize(repeating: nil)
        }

        deinit {
            slots.deinitialize()
            slots.deallocate()
        }

        func set(_ index: Int, _ outcome: Outcome) { slots[index] = outcome }

        func values() -> [Outcome] { slots.map { $0! } }
    }
}
