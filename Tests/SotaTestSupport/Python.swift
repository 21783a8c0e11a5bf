import Foundation

/// The real Python 3 interpreter, found once per test process.
///
/// `python3` on PATH may be a version manager's shim (pyenv's is a bash script that runs several more): asking it
/// each time cost about 0.1 s of CPU per call, over a hundred times a suite.
public enum Python {
    /// The interpreter's absolute path (`sys.executable`), or `python3` when it cannot be asked.
    public static let executable: String = {
        guard let run = try? ProgramRun(["python3", "-c", "import sys; print(sys.executable)"]), run.status == 0 else { return "python3" }
        let path = run.out.trimmingCharacters(in: .whitespacesAndNewlines)
        return path.isEmpty ? "python3" : path
    }()
}
