import Foundation
import SotaBasics
import SotaTestSupport
import Testing

/// libgit2 is loaded on first use, not at start-up: only a command that reads git needs it, and one that
/// cannot load it says so and exits 70.
@Suite struct Libgit2LoadingTests {
    private func demo() -> TemporaryDirectory {
        let folder = TemporaryDirectory()
        for item in ["sota.yaml", "configs", "scripts", "data"] { folder.copy(Paths.join(Repository.root, item), to: item) }
        return folder
    }

    /// The environment with `SOTA_LIBGIT2` naming a library file that does not exist.
    private func withoutLibgit2(_ folder: TemporaryDirectory) -> (environment: [String: String], library: String) {
        let library = folder.url("missing/libgit2.so.1.5")
        var environment = ProcessInfo.processInfo.environment
        environment["SOTA_LIBGIT2"] = library
        return (environment, library)
    }

    private func gitInit(_ folder: TemporaryDirectory) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/git")
        process.arguments = ["-C", folder.path, "init", "-q", "-b", "main"]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    @Test func aCommandOutsideAnyRepositoryNeverLoadsLibgit2() throws {
        let folder = demo()
        let run = try BinaryRun(["dry-run", "configs/train_burgers_golden.yaml"], in: folder.path, environment: withoutLibgit2(folder).environment)
        #expect(run.status == 0, "\(run.err)")
        #expect(run.out.contains("git      not a git repository"), "\(run.out)")
    }

    @Test func aCommandThatReadsGitWithoutLibgit2SaysSoAndExits70() throws {
        let folder = demo()
        try gitInit(folder)
        let (environment, library) = withoutLibgit2(folder)
        let run = try BinaryRun(["dry-run", "configs/train_burgers_golden.yaml"], in: folder.path, environment: environment)
        #expect(run.status == 70)
        #expect(run.err.hasPrefix("sota: cannot load libgit2 (\(library)): \(library): cannot open shared object file"), "\(run.err)")
        #expect(run.err.hasSuffix("; install it with: apt-get install libgit2-dev\n"), "\(run.err)")
    }

    @Test func aCommandThatReadsGitLoadsLibgit2() throws {
        let folder = demo()
        try gitInit(folder)
        let run = try BinaryRun(["dry-run", "configs/train_burgers_golden.yaml"], in: folder.path)
        #expect(run.status == 0, "\(run.err)")
        #expect(run.out.contains("git      no commits yet on main"), "\(run.out)")
    }
}
