import Foundation
import SotaBasics

extension Workspace {
    /// The experiment folder holding the config at `configPath` (its `config.yaml`), if it is one.
    public func experimentFolder(holding configPath: String) -> ExperimentFolder? {
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
    public func promotionMetadata(forConfig configPath: String) throws(WorkspaceError) -> (ExperimentFolder, ExperimentMetadata)? {
        guard let folder = experimentFolder(holding: configPath) else { return nil }
        return (folder, try ExperimentMetadata.read(path: folder.metadataPath, display: display(folder.metadataPath)))
    }

    /// Appends `promotion` to the metadata of the experiment whose config is `configPath`; returns the file changed.
    @discardableResult
    public func recordPromotion(_ promotion: ExperimentMetadata.Promotion, forConfig configPath: String) throws(WorkspaceError) -> String? {
        guard let (folder, metadata) = try promotionMetadata(forConfig: configPath) else { return nil }
        var updated = metadata
        updated.promotions.append(promotion)
        updated.status = "promoted"
        try updated.write(to: folder.metadataPath)
        return folder.metadataPath
    }

    /// Marks the promotion to `destination` made at `promotedAt` as rolled back, in the metadata of the experiment
    /// whose config was `configPath` (wherever that experiment lives now: it may have been archived since).
    @discardableResult
    public func recordRollback(destination: String, promotedAt: String, configPath: String, at time: String) throws(WorkspaceError) -> String? {
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
