
/// One entry of the runs folder as the workspace tables hold it (see ``WorkspaceTables``).
package struct RunFolderRow: Sendable, Equatable {
    /// The entry's name in the runs folder.
    package var folder: String
    /// The manifest's file stamp when it was read; nil when it changed too recently to trust.
    package var stamp: String?
    /// The experiment its manifest names; nil when the manifest could not be read.
    package var experiment: String?
    /// The training config's path its manifest records.
    package var configPath: String?
    /// The run as workspace commands use it, encoded by the workspace module; nil with ``problem`` set.
    package var record: String?
    /// Why the manifest could not be read.
    package var problem: String?
    /// True for a finished run read from a trusted stamp: later refreshes do not stat its manifest.
    package var settled: Bool

    /// Creates a row.
    package init(folder: String, stamp: String?, experiment: String?, configPath: String?, record: String?, problem: String?, settled: Bool) {
        self.settled = settled
        self.folder = folder
        self.stamp = stamp
        self.experiment = experiment
        self.configPath = configPath
        self.record = record
        self.problem = problem
    }
}

/// Which runs a group summary covers: an experiment's (by name) or a config's (by recorded path).
package enum RunGroupKind: String, Sendable, CaseIterable {
    case experiment, config

    /// The `run_folders` column that selects the group's runs.
    var column: String { self == .experiment ? "experiment" : "config_path" }
}

extension Leaderboard {
    /// A value of `workspace_state`, nil when never stored.
    package func workspaceState(_ name: String) throws(LeaderboardError) -> String? {
        try read { db in try db.fetchOne(String.self, sql: "SELECT value FROM workspace_state WHERE name = ?", arguments: [name]) }
    }

    /// Every run folder's name (those of settled runs too).
    package func runFolderNames() throws(LeaderboardError) -> Set<String> {
        try read { db in
            var names = Set<String>()
            let rows = try db.fetchCursor(sql: "SELECT folder FROM run_folders")
            while let row = try rows.next() { names.insert(try row.stored("folder")) }
            return names
        }
    }

    /// The stored stamp of every run folder not settled, by folder name (a nil stamp: read again).
    package func unsettledRunFolderStamps() throws(LeaderboardError) -> [String: String?] {
        try read { db in
            var stamps: [String: String?] = [:]
            let rows = try db.fetchCursor(sql: "SELECT folder, stamp FROM run_folders WHERE settled = 0")
            while let row = try rows.next() {
                stamps[try row.stored(at: 0, "folder") as String] = try row.stored(at: 1, "stamp") as String?
            }
            return stamps
        }
    }

    /// The stored records of one group's runs, in folder-name order.
    package func runRecords(_ kind: RunGroupKind, _ key: String) throws(LeaderboardError) -> [String] {
        try read { db in try Self.records(kind, key, db) }
    }

    /// Every stored summary of `kind`, by key.
    package func runGroups(_ kind: RunGroupKind) throws(LeaderboardError) -> [String: String] {
        try read { db in
            var groups: [String: String] = [:]
            let rows = try db.fetchCursor(sql: "SELECT key, summary FROM run_groups WHERE kind = ?", arguments: [kind.rawValue])
            while let row = try rows.next() {
                groups[try row.stored("key") as String] = try row.stored("summary") as String
            }
            return groups
        }
    }

    /// Writes what changed in the runs folder and recomputes the summaries of every group it touched, in one transaction.
    ///
    /// - Parameters:
    ///   - state: `workspace_state` values to store (a nil value deletes the name).
    ///   - clearingFirst: true when the rows mirrored another runs folder, so every row is replaced.
    ///   - summarize: a group's summary from its runs' records (folder-name order); nil when it has none left.
    package func updateRunFolders(_ upserts: [RunFolderRow], removing removals: [String], state: [String: String?], clearingFirst: Bool,
                                  summarize: ([String]) throws -> String?) throws(LeaderboardError) {
        try write { db in
            var touched: [RunGroupKind: Set<String>] = [.experiment: [], .config: []]
            if clearingFirst {
                try WorkspaceTables.clear(db)
            } else {
                for folder in removals + upserts.map(\.folder) {
                    guard let row = try db.fetchOne(sql: "SELECT experiment, config_path FROM run_folders WHERE folder = ?", arguments: [folder])
                    else { continue }
                    if let experiment = try row.stored("experiment") as String? { touched[.experiment]?.insert(experiment) }
                    if let config = try row.stored("config_path") as String? { touched[.config]?.insert(config) }
                }
                for folder in removals { try db.execute(sql: "DELETE FROM run_folders WHERE folder = ?", arguments: [folder]) }
            }
            let insert = try db.cachedStatement(sql: """
                INSERT OR REPLACE INTO run_folders (folder, stamp, experiment, config_path, record, problem, settled) VALUES (?, ?, ?, ?, ?, ?, ?)
                """)
            for row in upserts {
                try insert.execute(arguments: [row.folder, row.stamp, row.experiment, row.configPath, row.record, row.problem, row.settled])
                if let experiment = row.experiment { touched[.experiment]?.insert(experiment) }
                if let config = row.configPath { touched[.config]?.insert(config) }
            }
            for kind in RunGroupKind.allCases {
                for key in (touched[kind] ?? []).sorted() {
                    if let summary = try summarize(try Self.records(kind, key, db)) {
                        try db.execute(sql: "INSERT OR REPLACE INTO run_groups (kind, key, summary) VALUES (?, ?, ?)",
                                       arguments: [kind.rawValue, key, summary])
                    } else {
                        try db.execute(sql: "DELETE FROM run_groups WHERE kind = ? AND key = ?", arguments: [kind.rawValue, key])
                    }
                }
            }
            for (name, value) in state {
                if let value {
                    try db.execute(sql: "INSERT OR REPLACE INTO workspace_state (name, value) VALUES (?, ?)", arguments: [name, value])
                } else {
                    try db.execute(sql: "DELETE FROM workspace_state WHERE name = ?", arguments: [name])
                }
            }
        }
    }

    /// The records of one group's readable runs, in folder-name order (the `run_folders_*` index, then the primary key).
    private static func records(_ kind: RunGroupKind, _ key: String, _ db: SQLiteConnection) throws -> [String] {
        var records: [String] = []
        let rows = try db.fetchCursor(sql: "SELECT record FROM run_folders WHERE \(kind.column) = ? AND record IS NOT NULL ORDER BY folder",
                                       arguments: [key])
        while let row = try rows.next() { records.append(try row.stored("record")) }
        return records
    }
}
