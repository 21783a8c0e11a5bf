import FoundationEssentials
import SotaSupport
import SotaRunRecord
import SotaIndex

/// What a run left beside its metrics for people to follow: its page in the team's tracker and its step history.
package struct RunTrail: Sendable, Equatable {
    /// The tracker page, credentials removed.
    package var trackerURL: String?
    /// The step history, thinned as the index keeps it; empty when the run wrote none.
    package var history: StepHistory

    /// Creates a trail.
    package init(trackerURL: String? = nil, history: StepHistory = StepHistory()) {
        self.trackerURL = trackerURL
        self.history = history
    }

    /// The metric a one-line summary of the history follows: `preferred` (the run's ranking metric) when the history
    /// holds it, else `loss`, else the first by name.
    package func followedMetric(preferring preferred: String?) -> String? {
        let names = history.names
        if let preferred, names.contains(preferred) { return preferred }
        return names.contains("loss") ? "loss" : names.first
    }

    /// `name ▇▅▃▂▁ last` for `metric`, as a table cell; nil without points.
    package func sparkline(_ metric: String, width: Int = 16) -> String? {
        guard let points = history.series[metric], let last = points.last else { return nil }
        return "\(metric) \(Sparkline.render(points.map(\.value), width: width)) \(NumberFormat.general(last.value, significant: 4))"
    }

    /// The history as JSON: per metric, its points as `[step, value]` pairs.
    package var historyJSON: JSONValue {
        .object(history.names.map { name in
            (name, .array((history.series[name] ?? []).map { .array([.int($0.step), .double($0.value)]) }))
        })
    }
}

/// Reads runs' trails from the index when there is one, else from their folders (the files are the truth).
package enum RunTrails {
    /// The trails of `runs` (id and run directory), by run id.
    package static func load(_ runs: [(id: String, directory: String)], board: Leaderboard?) -> [String: RunTrail] {
        let ids = runs.map(\.id)
        if let board, let urls = try? board.trackerURLs(runIDs: ids), let histories = try? board.stepHistories(runIDs: ids) {
            var trails: [String: RunTrail] = [:]
            for id in ids where urls[id] != nil || histories[id] != nil {
                trails[id] = RunTrail(trackerURL: urls[id], history: histories[id] ?? StepHistory())
            }
            return trails
        }
        var trails: [String: RunTrail] = [:]
        for run in runs where !run.directory.isEmpty {
            if let trail = fromFolder(run.directory) { trails[run.id] = trail }
        }
        return trails
    }

    /// The trail recorded in the run directory `directory`, nil when it has none (or no readable manifest).
    package static func fromFolder(_ directory: String, maximumPoints: Int = StepHistory.maximumPoints) -> RunTrail? {
        let manifestPath = Paths.join(directory, RunLayout.manifest)
        guard let data = FileManager.default.contents(atPath: manifestPath),
              let manifest = try? RunManifest.decode(data, path: manifestPath) else { return nil }
        return fromManifest(manifest, directory: directory, maximumPoints: maximumPoints)
    }

    /// The trail `manifest`, already read from the run directory `directory`, records; nil when it has none.
    package static func fromManifest(_ manifest: RunManifest, directory: String,
                                     maximumPoints: Int = StepHistory.maximumPoints) -> RunTrail? {
        var history = StepHistory()
        if let name = manifest.stepMetrics, RunLayout.isPlainRelativeName(name),
           let read = try? StepHistory.read(Paths.join(directory, name), maximumPoints: maximumPoints) {
            history = read
        }
        guard manifest.trackerURL != nil || !history.isEmpty else { return nil }
        return RunTrail(trackerURL: manifest.trackerURL, history: history)
    }
}
