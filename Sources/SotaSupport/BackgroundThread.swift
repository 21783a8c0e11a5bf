import Glibc

/// Runs work on a new detached thread: one piece of work started early and waited for later (git's provenance
/// while the config is read), where a thread pool's start-up would cost more than the thread.
package enum BackgroundThread {
    /// Starts `body` on its own thread and returns at once; false when the thread could not be made, in which case
    /// `body` has run on the caller's thread before this returns.
    @discardableResult
    package static func start(_ body: @escaping @Sendable () -> Void) -> Bool {
        let box = Unmanaged.passRetained(Work(body))
        var thread = pthread_t()
        let made = pthread_create(&thread, nil, { context in
            guard let context else { return nil }
            let work = Unmanaged<Work>.fromOpaque(context).takeRetainedValue()
            work.body()
            return nil
        }, box.toOpaque())
        guard made == 0 else {
            box.takeRetainedValue().body()
            return false
        }
        pthread_detach(thread)
        return true
    }

    private final class Work: Sendable {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
}
