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
        // In the folder's own order: unchanged, a folder lists its entries in the same order, and a changed one no
        // longer matches the digest whatever the order (sorting a hundred thousand names would cost more than the rest).
        let names = Self.visibleNames(in: runsFolder)
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

    /// The summaries of every group of `kind`, by experiment name or config path, decoded in parallel.
    func groups(_ kind: RunGroupKind) throws(LeaderboardError) -> [String: RunGroupSummary] {
        let stored = Array(try board.runGroups(kind))
        let decoded = ParallelMap.map(stored) { key, text in (key, RunGroupSummary.decode(text, decoder: StoredRun.decoder())) }
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

    /// The digest of every manifest's name and stamp: 64-bit FNV-1a, enough to tell that something changed (it
    /// guards against accidents, not adversaries: whoever can write the index can write the runs).
    private static func digest(_ entries: [(name: String, stamp: FileStamp)]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ byte: UInt8) {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        func mix(_ value: some FixedWidthInteger) {
            withUnsafeBytes(of: value.littleEndian) { for byte in $0 { mix(byte) } }
        }
        for entry in entries {
            for byte in entry.name.utf8 { mix(byte) }
            mix(UInt8(0))
            mix(entry.stamp.size)
            mix(entry.stamp.modified)
            mix(entry.stamp.changed)
            mix(entry.stamp.inode)
        }
        return "\(entries.count):" + String(hash, radix: 16)
    }

    /// The names of the folder's entries that do not start with `.`, in the order the folder lists them; empty
    /// when it cannot be read (a missing runs folder holds no runs).
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
