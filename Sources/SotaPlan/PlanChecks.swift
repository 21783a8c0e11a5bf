import FoundationEssentials
import Glibc
import SotaSupport
import SotaConfig

/// Checks a plan against the machine without changing anything: programs resolve, output folders are writable,
/// and the disk has room.
package struct PlanChecks: Sendable {
    /// One check's outcome.
    package struct Result: Sendable {
        /// What was checked.
        package var subject: String
        /// What was found.
        package var detail: String
        /// Passed, or the problem.
        package var diagnostic: Diagnostic?

        /// True when the check passed (warnings pass).
        package var passed: Bool { diagnostic?.severity != .error }
    }

    /// The `PATH` used to resolve programs.
    package var searchPath: String?

    /// Creates checks with a search path.
    package init(searchPath: String?) {
        self.searchPath = searchPath
    }

    /// Runs every check for `plan` in `project`.
    package func run(_ plan: RunPlan, project: Project) -> [Result] {
        var results: [Result] = []
        var seenPrograms = Set<String>()
        for step in plan.steps {
            guard let program = step.arguments.first, seenPrograms.insert(program).inserted else { continue }
            if let resolved = Paths.findExecutable(program, path: searchPath, relativeTo: project.root) {
                results.append(Result(subject: "program \(program)", detail: resolved, diagnostic: nil))
            } else {
                results.append(Result(subject: "program \(program)", detail: "not found",
                                      diagnostic: .error(at: nil, "program `\(program)` (step \(step.name)) not found or not executable")))
            }
        }
        let runs = project.resolve(project.runsDirectory)
        let existing = Paths.nearestExistingAncestor(of: runs)
        let relativeRuns = Paths.relative(runs, to: project.root) + "/"
        if Paths.kind(of: existing) != .directory || !Paths.isWritable(existing) {
            results.append(Result(subject: "output \(relativeRuns)", detail: "not writable",
                                  diagnostic: .error(at: nil, "cannot create run directories in `\(existing)`: not writable")))
        } else {
            let detail = existing == runs ? "writable" : "writable (will be created inside \(existing))"
            results.append(Result(subject: "output \(relativeRuns)", detail: detail, diagnostic: nil))
            var info = statvfs()
            if statvfs(existing, &info) == 0 {
                let free = Int(info.f_bavail) * Int(info.f_frsize)
                let low = free < 1 << 30
                results.append(Result(subject: "free disk", detail: "\(ByteCount(free))",
                                      diagnostic: low ? .warning(at: nil, "only \(ByteCount(free)) free under `\(existing)`") : nil))
            }
        }
        return results
    }
}
