import Foundation
import SotaBasics
import SotaTestSupport
import Testing

/// libgit2 is loaded on first use through trampolines generated into CSotaGitLoader/git_loader.c; a libgit2
/// call added to SotaGit without regenerating them would otherwise surface only as an undefined symbol at link time.
@Suite struct GitLoaderTests {
    /// libgit2 structs SotaGit initialises (`git_oid()`), which read like calls but need no trampoline.
    private static let structTypes: Set<String> = ["git_oid", "git_index_entry", "git_status_options"]

    @Test func everyLibgit2CallInSotaGitHasATrampoline() throws {
        let sources = Paths.join(Repository.root, "Sources/SotaGit")
        let files = try FileManager.default.contentsOfDirectory(atPath: sources).filter { $0.hasSuffix(".swift") }
        let call = try Regex(#"\bgit_[a-z0-9_]+(?=\()"#)
        var called = Set<String>()
        for file in files {
            let text = try String(contentsOfFile: Paths.join(sources, file), encoding: .utf8)
            called.formUnion(text.matches(of: call).map { String(text[$0.range]) })
        }
        let loader = try String(contentsOfFile: Paths.join(Repository.root, "Sources/CSotaGitLoader/git_loader.c"), encoding: .utf8)
        // Each trampoline's name starts the line of its definition.
        let defined = Set(loader.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("git_"), let open = line.firstIndex(of: "(") else { return nil }
            return String(line[..<open])
        })
        #expect(called.count > Self.structTypes.count, "found no libgit2 calls in \(sources)")
        let missing = called.subtracting(Self.structTypes).subtracting(defined).sorted()
        #expect(missing.isEmpty, """
            SotaGit calls \(missing.joined(separator: ", ")) without a trampoline; \
            run `python3 Sources/CSotaGitLoader/generate.py` from the repository root
            """)
    }
}
