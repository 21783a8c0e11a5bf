import FoundationEssentials
import Dispatch
import Synchronization

/// `map` spread over the machine's cores, for work that is many small independent file reads and parses.
enum ParallelMap {
    /// `items.map(transform)`, computed in parallel chunks; order is kept.
    static func map<Element: Sendable, Result: Sendable>(_ items: [Element], _ transform: @Sendable (Element) -> Result) -> [Result] {
        let count = items.count
        guard count > 64 else { return items.map(transform) }
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 16))
        let chunk = (count + workers * 4 - 1) / (workers * 4)
        let slots = Mutex<[[Result]?]>(Array(repeating: nil, count: (count + chunk - 1) / chunk))
        DispatchQueue.concurrentPerform(iterations: (count + chunk - 1) / chunk) { part in
            let range = (part * chunk)..<min(count, (part + 1) * chunk)
            let mapped = items[range].map(transform)
            slots.withLock { $0[part] = mapped }
        }
        return slots.withLock { $0.flatMap { $0 ?? [] } }
    }
}
