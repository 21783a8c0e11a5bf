import Dispatch
import Synchronization

/// Two independent pieces of work at once.
package enum Concurrently {
    /// Runs `first` on another thread while `second` runs on this one, and returns both results once both are done;
    /// `first` has finished by the time this returns, however `second` ends.
    ///
    /// For a command whose two halves share nothing and each take a noticeable time, such as the weekly report's
    /// index read and its walk over the experiment folders.
    package static func both<First: Sendable, Second>(_ first: @escaping @Sendable () -> First, _ second: () -> Second) -> (First, Second) {
        let slot = Mutex<First?>(nil)
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) {
            let value = first()
            slot.withLock { $0 = value }
        }
        let secondValue = second()
        group.wait()
        // The group's wait orders the write before this read, so the slot is filled.
        guard let firstValue = slot.withLock({ $0.take() }) else { preconditionFailure("the first task ended without a result") }
        return (firstValue, secondValue)
    }
}
