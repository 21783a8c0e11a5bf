import SotaSupport
import SotaConfig
import SotaOperations

extension LaunchedRun {
    /// Finds the launched run `text` names (a unique id prefix is enough); prints why not and returns nil otherwise.
    static func find(_ text: String, project: Project, console: Console) -> LaunchedRun? {
        do {
            return try find(text, project: project)
        } catch {
            console.error(error.description)
            return nil
        }
    }
}
