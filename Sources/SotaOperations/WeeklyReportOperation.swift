import FoundationEssentials
import Dispatch
import Synchronization
import SotaSupport
import SotaConfig
import SotaIndex
import SotaReport
import SotaWorkspace

/// `sota report --weekly`: the week's leaderboard and runs from the index, the weekly maintenance (what `sota archive`
/// would move, moved with `apply`) and the catalog, written as `report.html`, `runs.csv` (every run of the period) and
/// `catalog.csv`.
package struct WeeklyReportOperation: Sendable {
    /// What to report.
    package struct Request: Sendable {
        /// The project.
        package var project: Project
        /// The environment (the archive journal's crash-test hook).
        package var environment: [String: String]
        /// The index; a report reads it but never creates it.
        package var index: WorkspaceIndexAccess.Location
        /// The period.
        package var period: WeeklyReport.Period
        /// The metric to rank and plot.
        package var metric: WeeklyReport.Metric
        /// How many leaderboard runs.
        package var top: Int
        /// The price table, already loaded.
        package var pricing: GPUPricing
        /// True to archive the candidates instead of only listing them.
        package var apply: Bool
        /// The folder to write into; nil for `reports/<week>/` in the project (which sota owns).
        package var output: String?
        /// When the report was asked for.
        package var now: Date

        /// Creates a request.
        package init(project: Project, environment: [String: String], index: WorkspaceIndexAccess.Location, period: WeeklyReport.Period,
                     metric: WeeklyReport.Metric, top: Int, pricing: GPUPricing, apply: Bool, output: String?, now: Date) {
            self.project = project
            self.environment = environment
            self.index = index
            self.period = period
            self.metric = metric
            self.top = top
            self.pricing = pricing
            self.apply = apply
            self.output = output
            self.now = now
        }
    }

    /// What was written and done.
    package struct Result: Sendable {
        /// The report.
        package var report: WeeklyReport
        /// The `report.html` written.
        package var file: String
        /// Moves finished from an interrupted archive journal, one line each.
        package var recovered: [String]
        /// The experiments archived (with `apply`).
        package var moved: [ArchiveJournal.Move]
        /// Warnings about the index.
        package var warnings: [String]
    }

    /// Why the report could not be made; the message reads well on its own.
    package struct Failure: Error, CustomStringConvertible {
        /// The message.
        package var description: String
    }

    /// Creates the use case.
    package init() {}

    /// Reads the index, does the maintenance, writes the files.
    ///
    /// - Throws: ``Failure`` naming the file or the refusal.
    package func callAsFunction(_ request: Request) throws(Failure) -> Result {
        let project = request.project
        let workspace = Workspace(project: project)
        var report: WeeklyReport
        let maintenance: Maintenance
        if request.apply {
            // Nothing is moved unless the index could be read: a report that fails moves nothing.
            report = try Self.readIndex(request).get()
            maintenance = try maintain(workspace: workspace, request: request, mayWrite: { true })
        } else {
            // Only read, the index and the walk over the experiment folders share nothing, so they run side by side;
            // the walk writes its mirror of the run folders only once the index read it ran beside has succeeded.
            let latch = ReadLatch()
            let (read, maintained) = Concurrently.both({
                let read = Self.readIndex(request)
                latch.settle(succeeded: (try? read.get()) != nil)
                return read
            }) {
                Swift.Result { () throws(Failure) in try maintain(workspace: workspace, request: request, mayWrite: latch.wait) }
            }
            report = try read.get()
            maintenance = try maintained.get()
        }
        report.notes += maintenance.notes
        report.archiveCandidates = maintenance.archiveCandidates
        report.catalogSummary = maintenance.catalogSummary
        let folder = request.output ?? project.resolve(Paths.join("reports", request.period.week.label))
        let file = Paths.join(folder, "report.html")
        do {
            // The default reports/ folder is sota's output, which git ignores (see OwnedFolder); --output is the user's.
            if request.output == nil { try OwnedFolder.prepare(project.resolve("reports"), display: "reports") }
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw Failure(description: "cannot create the report folder \(Paths.relative(folder, to: project.root)): \(SystemErrorText.reason(error))")
        }
        do {
            try AtomicFile.write(WeeklyReportHTML.render(report), to: file)
            try AtomicFile.write(Array(maintenance.catalog.csv().utf8), to: Paths.join(folder, "catalog.csv"))
            try AtomicFile.write(Array(report.runsCSV().utf8), to: Paths.join(folder, WeeklyReport.runsFileName))
        } catch {
            throw Failure(description: "\(error)")
        }
        return Result(report: report, file: file, recovered: maintenance.recovered, moved: maintenance.moved, warnings: maintenance.warnings)
    }

    /// The report's leaderboard, runs and series from the index; a report never creates the index: without one, it
    /// is a report of no runs.
    private static func readIndex(_ request: Request) -> Swift.Result<WeeklyReport, Failure> {
        let indexExists = Paths.kind(of: request.index.path) == .file
        var report: WeeklyReport
        do {
            let board = indexExists ? try Leaderboard(path: request.index.path) : try Leaderboard.inMemory()
            report = try WeeklyReport.read(from: board, projectName: request.project.name, metric: request.metric, period: request.period,
                                           top: request.top, pricing: request.pricing, generatedAt: request.now)
        } catch {
            return .failure(Failure(description: "\(error)"))
        }
        if !indexExists {
            report.notes.append("There is no leaderboard yet (\(request.index.display)): runs appear after `sota run` or `sota ingest`.")
        }
        return .success(report)
    }

    /// What the maintenance found and did.
    private struct Maintenance {
        var catalog: ConfigCatalog
        var recovered: [String]
        var moved: [ArchiveJournal.Move]
        var warnings: [String]
        var notes: [String]
        var archiveCandidates: [ArchiveCandidateRow]
        var catalogSummary: [CatalogSummaryRow]
    }

    /// The weekly maintenance: the experiments `sota archive --status all` would move (moved with `apply`), then
    /// the catalog of every config as it stands afterwards.
    private func maintain(workspace: Workspace, request: Request, mayWrite: @escaping @Sendable () -> Bool) throws(Failure) -> Maintenance {
        do {
            return try maintainOrThrow(workspace: workspace, request: request, mayWrite: mayWrite)
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(description: "\(error)")
        }
    }

    private func maintainOrThrow(workspace: Workspace, request: Request, mayWrite: @escaping @Sendable () -> Bool) throws -> Maintenance {
        // An archive or restore killed half-way is finished first, as every workspace command does.
        let mover = ExperimentMover(workspace: workspace, environment: request.environment)
        let recovered = try mover.recover()
        let access = WorkspaceIndexAccess.open(request.index, workspace: workspace, now: request.now, mayCreate: false, mayWrite: mayWrite)
        var (catalog, survey) = try ConfigCatalog.buildAndSurvey(workspace, now: request.now, runs: access.source)
        let warnings = access.warnings + (survey.indexProblem.map { [$0] } ?? [])
        let broken = survey.experiments.filter { $0.folder.location == .active && !$0.isHealthy }
        var notes: [String] = []
        for summary in broken {
            notes.append("\(summary.folder.display) cannot be read (\(summary.problems.map(\.description).first ?? "")); fix it, then archive.")
        }
        var candidates = survey.experiments.filter {
            $0.folder.location == .active && $0.isHealthy && LifecycleState.finished.contains($0.decision.state)
        }
        var moved: [ArchiveJournal.Move] = []
        if request.apply, !candidates.isEmpty {
            guard broken.isEmpty else {
                throw Failure(description: "nothing archived: fix or remove the unreadable experiments first (sota archive --list-only shows them)")
            }
            // The metadata snapshot lists every run of each moved experiment, so their runs are read in full.
            let detailed = WorkspaceIndexAccess.open(request.index, workspace: workspace, now: request.now, mayCreate: false,
                                                     detailing: Set(candidates.map(\.name)))
            let refreshed = try WorkspaceSurvey.take(workspace, now: request.now, runs: detailed.source).experiments
            let byFolder = Dictionary(refreshed.map { ($0.folder.display, $0) }) { first, _ in first }
            candidates = candidates.map { byFolder[$0.folder.display] ?? $0 }
            moved = try mover.archive(candidates, now: request.now)
            catalog = try ConfigCatalog.build(workspace, now: request.now, runs: detailed.source)
        }
        let archiveCandidates = candidates.map {
            ArchiveCandidateRow(experiment: $0.name, status: $0.decision.state.rawValue, reason: $0.decision.reason,
                                lastActivity: $0.lastActivity, applied: request.apply)
        }
        let catalogSummary = catalog.rows.map {
            CatalogSummaryRow(location: $0.location, name: $0.name, status: $0.status, bestMetric: $0.bestValue, runs: $0.runs)
        }
        return Maintenance(catalog: catalog, recovered: recovered, moved: moved, warnings: warnings, notes: notes,
                           archiveCandidates: archiveCandidates, catalogSummary: catalogSummary)
    }
}

/// Whether the weekly report's index read succeeded, for the walk running beside it to wait on before it writes.
private final class ReadLatch: Sendable {
    private let outcome = Mutex<Bool?>(nil)
    private let settled = DispatchSemaphore(value: 0)

    /// Records the outcome; called once.
    func settle(succeeded: Bool) {
        outcome.withLock { $0 = succeeded }
        settled.signal()
    }

    /// Waits for the outcome and returns it.
    @Sendable func wait() -> Bool {
        settled.wait()
        // Let the next waiter through too (the walk may ask more than once).
        settled.signal()
        return outcome.withLock { $0 } ?? false
    }
}
