import SotaSupport

/// Everything an instance needs to reproduce one run: the code at a commit, the config and overrides, where the
/// data comes from, where the results go and what happens to the instance afterwards.
///
/// Holds no secret: credentials reach the instance as environment variables that the script only names.
package struct OnstartSpec: Sendable {
    /// What the instance does with itself once the script ends, whether it succeeded or failed.
    package enum Shutdown: String, Sendable, CaseIterable {
        /// Leave the instance running (and billing).
        case none
        /// Stop it: GPU billing ends, the disk is kept (and billed) until someone destroys it.
        case stop
        /// Destroy it after the results are uploaded; when the upload failed it is stopped instead, so the
        /// results on its disk can still be rescued.
        case destroy
    }

    /// How the instance gets the `sota` binary.
    package enum Install: Sendable, Equatable {
        /// Download it (curl, else wget, else python3) and check its SHA-256 before anything runs: a release tarball
        /// (`sota-VERSION-linux-x86_64.tar.gz`, a top folder holding `sota`) or a bare binary.
        case download(url: String, sha256: String)
        /// Copy it from the results location, where `sota launch` uploaded the launching machine's binary, and check
        /// its SHA-256 the same way.
        case uploaded(StorageURL, sha256: String)
        /// Build sota from the checked-out repository with SwiftPM (the repository is sota itself, or vendors it):
        /// only when `launch.vast.sota_binary: build` asks for it, as it needs a Swift toolchain on a paid GPU.
        case buildFromRepository
        /// Run the project's own shell command (from `launch.install`), which must put `sota` on PATH.
        case command(String)

        /// Whether the script fetches a binary and checks its SHA-256 (rather than building or running a command).
        package var isVerifiedFetch: Bool {
            switch self {
            case .download, .uploaded: true
            case .buildFromRepository, .command: false
            }
        }
    }

    /// A dataset file fetched before the run.
    package struct DatasetFetch: Sendable, Equatable {
        /// Where it comes from.
        package var source: StorageURL
        /// Where it goes, relative to the project root (the config's `data.path`).
        package var destination: String

        /// Creates a fetch.
        package init(source: StorageURL, destination: String) {
            self.source = source
            self.destination = destination
        }
    }

    /// The run id the instance uses, so the uploaded run directory carries the launch's id.
    package var runID: String
    /// The repository to clone (any URL git understands).
    package var repository: String
    /// The exact commit to check out.
    package var commit: String
    /// The project root (the folder holding sota.yaml) relative to the repository root; `.` for the root.
    package var projectDirectory: String
    /// Where run directories go, relative to the project root (the project's `runs`).
    package var runsDirectory: String
    /// The training config, relative to the project root.
    package var configPath: String
    /// `key=value` overrides, passed on as `--set`.
    package var overrides: [String]
    /// Dataset files to fetch; empty when the data is in the repository.
    package var datasets: [DatasetFetch]
    /// The folder the run directory is uploaded into, as `<results>/<run id>/`.
    package var results: StorageURL
    /// The instance's fate at the end.
    package var shutdown: Shutdown
    /// How sota gets onto the instance (skipped when `SOTA_BIN` names a folder holding it; a build or a command is
    /// also skipped when `sota` is already on PATH, while a verified fetch never trusts a `sota` the image happens to hold).
    package var install: Install

    /// Creates a spec.
    package init(runID: String, repository: String, commit: String, projectDirectory: String = ".", runsDirectory: String = "runs",
                configPath: String, overrides: [String] = [], datasets: [DatasetFetch] = [], results: StorageURL,
                shutdown: Shutdown, install: Install = .buildFromRepository) {
        self.runID = runID
        self.repository = repository
        self.commit = commit
        self.projectDirectory = projectDirectory
        self.runsDirectory = runsDirectory
        self.configPath = configPath
        self.overrides = overrides
        self.datasets = datasets
        self.results = results
        self.shutdown = shutdown
        self.install = install
    }
}
