import SotaGit
import SotaRunRecord

extension RunManifest.GitRecord {
    /// The record of `provenance`: commit, branch, dirty files, and `repository`, `no-commits` or `no-repository`.
    package init(_ provenance: GitProvenance) {
        let state: String = switch provenance.state {
        case .noRepository: "no-repository"
        case .noCommits: "no-commits"
        case .commit: "repository"
        }
        self.init(commit: provenance.commit, branch: provenance.branch, dirty: provenance.isDirty, dirtyFiles: provenance.dirtyFiles,
                  state: state)
    }
}
