import FoundationEssentials
import SotaSupport
import SotaIndex

extension Workspace {
    /// The experiment folder holding the config at `configPath` (its `config.yaml`), if it is one.
    package func experimentFolder(holding configPath: String) -> ExperimentFolder? {
        let folder = Paths.parent(of: Paths.normalize(configPath))
        for location in [Location.active, .archived] where Paths.parent(of: folder) == Paths.normalize(self.folder(location)) {
            guard let name = ExperimentFolderName(parsing: Paths.lastComponent(of: folder)) else { return nil }
            return ExperimentFolder(name: name, location: location, path: folder, display: display(folder))
        }
        return nil
    }

    /// Reads the metadata of the experiment whose config is `configPath`; nil when the config is not an experiment's.
    ///
    /// Promotion reads it before changing anything, so a broken `metadata.json` stops the promotion up front.
    package func promotionMetadata(forConfig configPath: String) throws(WorkspaceError) -> (ExperimentFolder, ExperimentMetadata)? {
        guard let folder = experimentFolder(holding: configPath) else { return nil }
        return (folder, try ExperimentMetadata.read(path: folder.metadataPath, display: display(folder.metadataPath)))
    }

    /// Appends `promotion` to the metadata of the experiment whose config is `configPath`; returns the file changed.
    @discardableResult
    package func recordPromotion(_ promotion: ExperimentMetadata.Promotion, forConfig configPath: String) throws(WorkspaceError) -> String? {
        guard let (folder, metadata) = try promotionMetadata(forConfig: configPath) else { return nil }
        var updated = metadata
        updated.promotions.append(promotion.inExperimentMetadata)
        updated.status = "promoted"
        try updated.write(to: folder.metadataPath)
        return folder.metadataPath
    }

    /// Marks the promotion to `destination` made at `promotedAt` as rolled back, in the metadata of the experiment
    /// whose config was `configPath` (wherever that experiment lives now: it may have been archived since).
    @discardableResult
    package func recordRollback(destination: String, promotedAt: String, configPath: String, at time: String) throws(WorkspaceError) -> String? {
        var candidates = [configPath]
        if let folder = experimentFolder(holding: configPath) {
            // Archived or restored since the promotion: find it by name in either place.
            for other in (try? folders(named: folder.name.name)) ?? [] { candidates.append(other.configPath) }
        }
        for candidate in candidates {
            guard let (folder, metadata) = try? promotionMetadata(forConfig: candidate),
                  let index = metadata.promotions.lastIndex(where: { $0.destination == destination && $0.at == promotedAt && $0.rolledBackAt == nil })
                    ?? metadata.promotions.lastIndex(where: { $0.destination == destination && $0.rolledBackAt == nil })
            else { continue }
            var updated = metadata
            updated.promotions[index].rolledBackAt = time
            if updated.promotions.allSatisfy({ $0.rolledBackAt != nil }), updated.status == "promoted" { updated.status = "success" }
            try updated.write(to: folder.metadataPath)
            return folder.metadataPath
        }
        return nil
    }
}

extension Workspace {
    /// Every promotion the project's files record, for rebuilding the leaderboard's promotion history.
    ///
    /// Two sources: the history of each production folder (`<folder>/.previous/promotions.json`: `configs/`, and
    /// every folder an experiment's promotion went to), which lists every promotion into it; and each experiment's
    /// `metadata.json` (active or archived), which lists the experiment's own, including any made before production
    /// folders kept a history. The same promotion (production path and time) found in both counts once, and rolled
    /// back when either says so.
    ///
    /// - Parameter productionFolders: production folders to read besides `configs/`, relative to the project root.
    /// - Returns: the promotions, oldest first, and one line per file that could not be read (it is skipped).
    package func recordedPromotions(productionFolders: [String] = []) -> (promotions: [PromotionRecord], problems: [String]) {
        var problems: [String] = []
        var fromMetadata: [PromotionRecord] = []
        var folders = ["configs"] + productionFolders
        for folder in (try? self.folders().experiments) ?? [] {
            let metadata: ExperimentMetadata
            do {
                metadata = try ExperimentMetadata.read(path: folder.metadataPath, display: display(folder.metadataPath))
            } catch {
                problems.append("\(error); its promotions are not restored")
                continue
            }
            for promotion in metadata.promotions {
                folders.append(Paths.parent(of: promotion.destination))
                fromMetadata.append(promotion.inExperimentMetadata.record(experiment: metadata.name, config: display(folder.configPath)))
            }
        }
        var records: [PromotionRecord] = []
        var seen: [String: Int] = [:]
        func key(_ record: PromotionRecord) -> String { record.productionPath + "\u{0}" + record.promotedAt }
        var visited = Set<String>()
        for folder in folders where visited.insert(Paths.normalize(folder)).inserted {
            do {
                for entry in try ProductionHistory(productionFolder: project.resolve(folder), projectRoot: project.root).entries()
                where seen[key(entry.record())] == nil {
                    seen[key(entry.record())] = records.count
                    records.append(entry.record())
                }
            } catch {
                problems.append("\(error); its promotions are not restored")
            }
        }
        for record in fromMetadata {
            guard let index = seen[key(record)] else {
                seen[key(record)] = records.count
                records.append(record)
                continue
            }
            if records[index].rolledBackAt == nil, let time = record.rolledBackAt { records[index].rolledBackAt = time }
        }
        return (records.sorted { ($0.promotedAt, $0.productionPath) < ($1.promotedAt, $1.productionPath) }, problems)
    }
}
