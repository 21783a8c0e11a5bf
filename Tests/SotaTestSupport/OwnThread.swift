import Foundation

/// Runs `work`, which blocks its thread (a child process run to its end, say), on a thread of its own, and awaits it.
///
/// Swift Testing runs tests on the concurrency pool, one thread per core. A test blocked in a child's wait or a
/// sleep holds one of them while its core idles; on the 2-core CI machine such waits left a core idle for about a
/// third of the suite. Awaiting the work here frees the pool thread for another test meanwhile.
public func onOwnThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}
