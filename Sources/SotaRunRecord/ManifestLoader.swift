import FoundationEssentials
import Dispatch
import Glibc
import SotaSupport

/// Reads manifests in chunks on background threads, so parsing the next chunk overlaps writing the current one.
package enum ManifestLoader {
    /// One manifest's indexed part, or why it could not be read.
    package typealias Outcome = Result<IndexedRun, RunFolderProblem>

    /// Manifests per chunk: large enough to keep the workers busy, small enough to start writing early.
    package static let chunkSize = 512

    /// Calls `body` with the outcomes of consecutive chunks of `paths`, in order, while the next chunk loads; each
    /// run comes with its step history (``IndexedRun/loadHistory(manifestPath:)``), as the index keeps it.
    package static func forEachChunk(_ paths: [String], _ body: ([Outcome]) throws -> Void) rethrows {
        guard !paths.isEmpty else { return }
        let chunks = stride(from: 0, to: paths.count, by: chunkSize).map { Array(paths[$0..<min($0 + chunkSize, paths.count)]) }
        var pending = Prefetch(chunks[0], histories: true)
        for index in chunks.indices {
            let outcomes = pending.wait()
            if index + 1 < chunks.count { pending = Prefetch(chunks[index + 1], histories: true) }
            try body(outcomes)
            // Thousands of small strings: freed on a background thread, not on the one writing to the database.
            let chunk = ChunkBox(consume outcomes)
            DispatchQueue.global(qos: .utility).async { chunk.outcomes = [] }
        }
    }

    /// The outcome for each path, in the order given, loaded on all cores; `histories` reads each run's step history too.
    package static func load(_ paths: [String], histories: Bool = false) -> [Outcome] {
        guard !paths.isEmpty else { return [] }
        let outcomes = OutcomeBuffer(count: paths.count)
        // One core is left to the thread writing the database, the critical path: parsing keeps ahead of it anyway.
        let workers = min(max(1, ProcessInfo.processInfo.activeProcessorCount - 1), max(1, paths.count / 32))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var buffer: [UInt8] = []
            var index = worker
            while index < paths.count {
                var outcome = load(paths[index], buffer: &buffer)
                if histories, case .success(var run) = outcome, run.stepMetrics != nil {
                    run.loadHistory(manifestPath: paths[index])
                    outcome = .success(run)
                }
                outcomes.set(index, outcome)
                index += workers
            }
        }
        return outcomes.values()
    }

    /// Reads one manifest: scanned when it can be, decoded in full (for the reference result or error) otherwise.
    ///
    /// - Parameter buffer: scratch space for the file's bytes, reused from one manifest to the next.
    package static func load(_ path: String, buffer: inout [UInt8]) -> Outcome {
        let count: Int
        switch readFile(path, into: &buffer) {
        case .success(let filled): count = filled
        case .failure(let problem): return .failure(problem)
        }
        if let run = buffer.withUnsafeBufferPointer({ ManifestScanner.indexedRun(UnsafeBufferPointer(rebasing: $0[..<count])) }) {
            return .success(run)
        }
        do {
            return .success(IndexedRun(try RunManifest.decode(Data(buffer[..<count]), path: path)))
        } catch let error as FileError {
            return .failure(.init(path: path, reason: error.reason))
        } catch {
            return .failure(.init(path: path, reason: "\(error)"))
        }
    }

    /// Reads the file into `buffer`, growing it as needed; returns the byte count.
    private static func readFile(_ path: String, into buffer: inout [UInt8]) -> Result<Int, RunFolderProblem> {
        func failure(_ code: Int32) -> Result<Int, RunFolderProblem> {
            // A run folder listed without checking for its manifest: name the folder, as the listing would have.
            if code == ENOENT, Paths.lastComponent(of: path) == RunLayout.manifest {
                return .failure(.init(path: Paths.parent(of: path), reason: "no \(RunLayout.manifest)"))
            }
            return .failure(.init(path: path, reason: code == ENOENT ? "no such file" : String(cString: strerror(code))))
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return failure(errno) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return failure(errno) }
        // One byte more than the size, so a single read that fills less proves the end of the file.
        if buffer.count < Int(info.st_size) + 1 { buffer = [UInt8](repeating: 0, count: Int(info.st_size) + 4096) }
        var filled = 0
        while true {
            if filled == buffer.count { buffer.append(contentsOf: repeatElement(0, count: buffer.count)) }
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + filled, $0.count - filled) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { return failure(errno) }
            if count == 0 { return .success(filled) }
            filled += count
        }
    }

    /// A chunk loading on a background thread.
    private struct Prefetch {
        private let done = DispatchSemaphore(value: 0)
        private let result = ResultBox()

        init(_ paths: [String], histories: Bool) {
            let done = done, result = result
            DispatchQueue.global(qos: .userInitiated).async {
                result.outcomes = ManifestLoader.load(paths, histories: histories)
                done.signal()
            }
        }

        /// The chunk's outcomes, once loaded.
        func wait() -> [Outcome] {
            done.wait()
            return result.outcomes
        }
    }

    /// Hands a chunk from its loading thread to the writer; the semaphore orders the write before the read.
    private final class ResultBox: @unchecked Sendable {
        var outcomes: [Outcome] = []
    }

    /// Carries a written chunk to the thread that frees it.
    private final class ChunkBox: @unchecked Sendable {
        var outcomes: [Outcome]

        init(_ outcomes: [Outcome]) {
            self.outcomes = outcomes
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
