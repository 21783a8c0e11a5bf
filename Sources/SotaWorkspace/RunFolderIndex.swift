import FoundationEssentials
import Glibc
import SotaSupport
import SotaRunRecord
import SotaPlan
import SotaIndex

/// The project's runs folder as the index mirrors it (`run_folders`, `run_groups`), brought up to date cheaply.
///
/// ``refresh()`` stats the runs folder itself, whose stamp changes when a run folder is added, removed or renamed,
/// and lists it only then; it stats the manifests of the runs that are not finished (pending, running, interrupted,
/// failed and unreadable ones: the only manifests sota writes again, and few); it reads only new or changed
/// manifests, drops rows of vanished folders and recomputes the summaries of the experiments and configs they touch,
/// in one transaction. A finished run's manifest (succeeded or rejected) is not stat'ed again: edited by hand in
/// place, it shows after `sota leaderboard --rebuild`, as in the leaderboard. A stamp changed within two seconds of
/// the refresh is not trusted, so what it covers is looked at again next time (another write in the same timestamp
/// tick could follow unseen). So a run made by `sota run`, a folder copied in from a cluster, a run resumed or
/// killed, a folder deleted all show on the next command, as they do when every manifest is read.
package struct RunFolderIndex: Sendable {
    /// The index.
    package let board: Leaderboard
    /// The runs folder (absolute).
    package let runsFolder: String
    /// The runs folder as messages show it (`runs`).
    package let display: String
    /// When the command started.
    package let now: Date

    /// The workspace-state names this type stores.
    private enum StateName {
        static let root = "runs_folder", stamp = "runs_folder_stamp"
    }

    /// Creates the view of `runsFolder` in `board`.
    /// Asked once a refresh knows what changed, right before it writes: false leaves the index as it is (the weekly
    /// report's own read, made meanwhile, found the index damaged, and a damaged index is never written).
    package var mayWrite: @Sendable () -> Bool = { true }
    /// What the project declares about ranking; the summaries are ranked under it, and re-ranked when it changes.
    package var preference: RankingPreference = .none

    package init(board: Leaderboard, runsFolder: String, display: String, now: Date) {
        self.board = board
        self.runsFolder = runsFolder
        self.display = display
        self.now = now
    }

    /// What a refresh did.
    package struct Refresh: Sendable, Equatable {
        /// Manifests read because they were new or changed.
        package var read: Int
        /// Rows dropped because their folder or manifest is gone.
        package var removed: Int

        /// Creates a record of a refresh.
        package init(read: Int, removed: Int) {
            self.read = read
            self.removed = removed
        }
    }

    /// Brings the tables up to date with the runs folder; see the type's documentation.
    @discardableResult
    package func refresh() throws(LeaderboardError) -> Refresh {
        let folder = runsFolder, now = now, display = display
        // The declaration the summaries were ranked under is part of what they mirror: a change re-reads every run.
        let root = runsFolder + "\n" + display + (preference == .none ? "" : "\n" + preference.key)
        let preference = preference
        let sameRoot = try board.workspaceState(StateName.root) == root
        let folderStamp = FileStamp(path: runsFolder)
        let trustedStamp = folderStamp.flatMap { $0.isRacy(now: now) ? nil : Self.text($0) }
        let storedStamp = sameRoot ? try board.workspaceState(StateName.stamp) : nil
        let listed = trustedStamp != nil && trustedStamp == storedStamp ? nil : Set(Self.visibleNames(in: runsFolder))

        var candidates: [String] = [], removals: [String] = []
        if let listed {
            let known = sameRoot ? try board.runFolderNames() : []
            candidates = listed.subtracting(known).sorted()
            removals = known.subtracting(listed).sorted()
        }
        let unsettled = sameRoot ? try board.unsettledRunFolderStamps() : [:]
        let checked = Array(unsettled.keys.filter { listed?.contains($0) ?? true })
        let descriptor = open(runsFolder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        defer { if descriptor >= 0 { close(descriptor) } }
        let stamps = ParallelMap.map(candidates + checked) { name in
            descriptor >= 0 ? FileStamp(in: descriptor, relative: RunLayout.manifest(ofRun: name)) : nil
        }
        var changed: [(name: String, stamp: FileStamp)] = []
        for (index, name) in (candidates + checked).enumerated() {
            guard let stamp = stamps[index] else {
                // A folder without a manifest holds no run (a sweep's folder, a run being created); a known one lost it.
                if index >= candidates.count { removals.append(name) }
                continue
            }
            if index < candidates.count { changed.append((name, stamp)); continue }
            if let known = unsettled[name], let known, Self.text(known, names: stamp) { continue }
            changed.append((name, stamp))
        }
        let state: [String: String?] = [StateName.root: root, StateName.stamp: trustedStamp]
        if changed.isEmpty, removals.isEmpty, sameRoot, listed == nil { return Refresh(read: 0, removed: 0) }
        let rows = ParallelMap.map(changed) { entry in Self.row(folder: folder, display: display, name: entry.name, stamp: entry.stamp, now: now) }
        guard mayWrite() else { return Refresh(read: 0, removed: 0) }
        let decoder = StoredRun.decoder()
        try board.updateRunFolders(rows, removing: removals, state: state, clearingFirst: !sameRoot) { records in
            let runs = try records.map { try decoder.decode(StoredRun.self, from: Data($0.utf8)) }
            return runs.isEmpty ? nil : try RunGroupSummary(runs, preference: preference).encoded()
        }
        return Refresh(read: rows.count, removed: removals.count)
    }

    /// The summaries of every group of `kind`, by experiment name or config path, decoded in parallel.
    func groups(_ kind: RunGroupKind) throws(LeaderboardError) -> [String: RunGroupSummary] {
        let stored = Array(try board.runGroups(kind))
        let decoded = ParallelMap.map(stored) { key, text in (key, RunGroupSummary.decode(text)) }
        var groups: [String: RunGroupSummary] = [:]
        groups.reserveCapacity(decoded.count)
        for (key, summary) in decoded {
            // sota never writes a summary it cannot read back: this one was edited by hand, so the index is not trusted.
            guard let summary else { throw .corrupt(path: board.path, reason: "the run summary of \(kind.rawValue) `\(key)` is damaged") }
            groups[key] = summary
        }
        return groups
    }

    /// Every run of `experiment`, oldest first, as the scan would list them.
    func runs(of experiment: String) throws(LeaderboardError) -> [ExperimentRun] {
        let decoder = StoredRun.decoder()
        let stored = try board.runRecords(.experiment, experiment).compactMap { try? decoder.decode(StoredRun.self, from: Data($0.utf8)) }
        return stored.sorted { ($0.created, $0.id) < ($1.created, $1.id) }.map { $0.run(in: runsFolder) }
    }

    /// The row for the manifest of `name`, read now.
    private static func row(folder: String, display: String, name: String, stamp: FileStamp, now: Date) -> RunFolderRow {
        let path = Paths.join(Paths.join(folder, name), RunLayout.manifest)
        let trusted = stamp.isRacy(now: now) ? nil : text(stamp)
        guard let data = FileManager.default.contents(atPath: path) else {
            return RunFolderRow(folder: name, stamp: trusted, experiment: nil, configPath: nil, record: nil, problem: "cannot read \(path)",
                                settled: false)
        }
        do {
            let manifest = try RunManifest.decode(data, path: Paths.join(display, RunLayout.manifest(ofRun: name)))
            let record = StoredRun(manifest: manifest, folder: name)
            let text = String(decoding: try StoredRun.encoder().encode(record), as: UTF8.self)
            let finished = manifest.status == .succeeded || manifest.status == .rejected
            return RunFolderRow(folder: name, stamp: trusted, experiment: record.experiment, configPath: record.configPath, record: text,
                                problem: nil, settled: finished && trusted != nil)
        } catch {
            return RunFolderRow(folder: name, stamp: trusted, experiment: nil, configPath: nil, record: nil, problem: "\(error)", settled: false)
        }
    }

    /// A stamp as stored.
    static func text(_ stamp: FileStamp) -> String {
        "\(stamp.size):\(stamp.modified):\(stamp.changed):\(stamp.inode)"
    }

    /// Whether `text`, as ``text(_:)`` writes it, names `stamp`. Read number by number: formatting the ten thousand
    /// stamps of unfinished runs to compare them as text took as long as stat'ing them.
    static func text(_ text: String, names stamp: FileStamp) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            var numbers: (Int64, Int64, Int64, Int64) = (0, 0, 0, 0), count = 0
            var value: Int64 = 0, negative = false, digits = 0
            func finish() -> Bool {
                guard digits > 0, count < 4 else { return false }
                let number = value
                switch count {
                case 0: numbers.0 = number
                case 1: numbers.1 = number
                case 2: numbers.2 = number
                default: numbers.3 = number
                }
                (count, value, negative, digits) = (count + 1, 0, false, 0)
                return true
            }
            for byte in bytes {
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"):
                    // A negative number is built downwards, so Int64.min itself reads back.
                    let digit = Int64(byte - UInt8(ascii: "0"))
                    let (scaled, overflow) = value.multipliedReportingOverflow(by: 10)
                    let (sum, carry) = negative ? scaled.subtractingReportingOverflow(digit) : scaled.addingReportingOverflow(digit)
                    guard !overflow, !carry else { return false }
                    (value, digits) = (sum, digits + 1)
                case UInt8(ascii: "-") where digits == 0 && !negative:
                    negative = true
                case UInt8(ascii: ":"):
                    guard finish() else { return false }
                default:
                    return false
                }
            }
            // An inode past Int64.max overflows above and reads as changed: re-read each time, never wrongly trusted.
            return finish() && count == 4 && numbers.0 == stamp.size && numbers.1 == stamp.modified && numbers.2 == stamp.changed
                && numbers.3 >= 0 && UInt64(numbers.3) == stamp.inode
        }
    }

    /// The names of the folder's entries that do not start with `.`; empty when it cannot be read (a missing runs
    /// folder holds no runs).
    private static func visibleNames(in folder: String) -> [String] {
        guard let stream = opendir(folder) else { return [] }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if !name.hasPrefix(".") { names.append(name) }
        }
        return names
    }
}
