import Foundation
import SotaSupport
import SotaPlan
import SotaIndex

/// The project's runs folder as the index mirrors it (`run_folders`, `run_groups`), brought up to date cheaply.
///
/// ``refresh()`` lists the runs folder and stats every manifest; when the digest of those stamps matches the one
/// stored at the last refresh, nothing changed and nothing is read or written. Otherwise only manifests whose
/// stamp differs (or that are new) are read, rows of vanished folders are dropped, and the summaries of the
/// experiments and configs they touch are recomputed, in one transaction. So a run made by `sota run`, a folder
/// copied in by hand or from a cluster, a manifest edited in place or a run folder deleted all show on the next
/// command, as they do when every manifest is read. A stamp changed within two seconds of the refresh is stored as
/// unknown, so the manifest is read again next time (another write in the same timestamp tick could follow unseen).
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
        static let root = "runs_folder", digest = "stamps_digest"
    }

    /// Creates the view of `runsFolder` in `board`.
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
        let names = DirectoryListing.entries(of: runsFolder)?.filter { !$0.name.hasPrefix(".") }.map(\.name) ?? []
        let folder = runsFolder, now = now, display = display
        let stamps = ParallelMap.map(names) { name in FileStamp(path: Paths.join(Paths.join(folder, name), "manifest.json")) }
        var current: [(name: String, stamp: FileStamp)] = []
        current.reserveCapacity(names.count)
        for (name, stamp) in zip(names, stamps) { if let stamp { current.append((name, stamp)) } }
        let racy = current.contains { $0.stamp.isRacy(now: now) }
        let digest = racy ? nil : Self.digest(current)
        let root = runsFolder + "\n" + display
        let sameRoot = try board.workspaceState(StateName.root) == root
        if sameRoot, let digest, try board.workspaceState(StateName.digest) == digest { return Refresh(read: 0, removed: 0) }

        let stored = sameRoot ? try board.runFolderStamps() : [:]
        let changed = current.filter { entry in
            guard let known = stored[entry.name], let known else { return true }
            return known != Self.text(entry.stamp)
        }
        let present = Set(current.map(\.name))
        let removals = stored.keys.filter { !present.contains($0) }.sorted()
        let rows = ParallelMap.map(changed) { entry in Self.row(folder: folder, display: display, name: entry.name, stamp: entry.stamp, now: now) }
        let decoder = StoredRun.decoder()
        try board.updateRunFolders(rows, removing: removals, state: [StateName.root: root, StateName.digest: digest],
                                   clearingFirst: !sameRoot) { records in
            let runs = try records.map { try decoder.decode(StoredRun.self, from: Data($0.utf8)) }
            return runs.isEmpty ? nil : try RunGroupSummary(runs).encoded()
        }
        return Refresh(read: rows.count, removed: removals.count)
    }

    /// The summaries of every group of `kind`, by experiment name or config path; a damaged summary is left out.
    func groups(_ kind: RunGroupKind) throws(LeaderboardError) -> [String: RunGroupSummary] {
        let decoder = StoredRun.decoder()
        return try board.runGroups(kind).compactMapValues { try? RunGroupSummary.decode($0, decoder: decoder) }
    }

    /// Every run of `experiment`, oldest first, as the scan would list them.
    func runs(of experiment: String) throws(LeaderboardError) -> [ExperimentRun] {
        let decoder = StoredRun.decoder()
        let stored = try board.runRecords(.experiment, experiment).compactMap { try? decoder.decode(StoredRun.self, from: Data($0.utf8)) }
        return stored.sorted { ($0.created, $0.id) < ($1.created, $1.id) }.map { $0.run(in: runsFolder) }
    }

    /// The row for the manifest of `name`, read now.
    private static func row(folder: String, display: String, name: String, stamp: FileStamp, now: Date) -> RunFolderRow {
        let path = Paths.join(Paths.join(folder, name), "manifest.json")
        let trusted = stamp.isRacy(now: now) ? nil : text(stamp)
        guard let data = FileManager.default.contents(atPath: path) else {
            return RunFolderRow(folder: name, stamp: trusted, experiment: nil, configPath: nil, record: nil, problem: "cannot read \(path)")
        }
        do {
            let manifest = try RunManifest.decode(data, path: Paths.join(display, "\(name)/manifest.json"))
            let record = StoredRun(manifest: manifest, folder: name)
            let text = String(decoding: try StoredRun.encoder().encode(record), as: UTF8.self)
            return RunFolderRow(folder: name, stamp: trusted, experiment: record.experiment, configPath: record.configPath, record: text, problem: nil)
        } catch {
            return RunFolderRow(folder: name, stamp: trusted, experiment: nil, configPath: nil, record: nil, problem: "\(error)")
        }
    }

    /// A stamp as stored.
    private static func text(_ stamp: FileStamp) -> String {
        "\(stamp.size):\(stamp.modified):\(stamp.changed):\(stamp.inode)"
    }

    /// The digest of every manifest's name and stamp.
    private static func digest(_ entries: [(name: String, stamp: FileStamp)]) -> String {
        var text = ""
        text.reserveCapacity(entries.count * 64)
        for entry in entries {
            text += entry.name
            text += "\t"
            text += Self.text(entry.stamp)
            text += "\n"
        }
        return SHA256.hex(of: text.utf8)
    }
}
