// swift-tools-version: 6.2
import Foundation
import PackageDescription

/// The commit `sota --version` names: `SOTA_COMMIT` when the packaging script sets it (it also checks the built
/// binary says so), else the checkout's `HEAD` read from `.git` beside this file, else "unknown" (a source tree with
/// no git). SwiftPM evaluates this file again when it or the environment changes, not on every commit, so a debug
/// build in a working tree can name an earlier commit; the release script's builds always name theirs.
let buildCommit: String = {
    func isCommit(_ text: String) -> Bool { text.count == 40 && text.allSatisfy(\.isHexDigit) }
    func read(_ url: URL) -> String? {
        (try? String(contentsOf: url, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }
    if let given = ProcessInfo.processInfo.environment["SOTA_COMMIT"] { return isCommit(given) ? given.lowercased() : "unknown" }
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    var gitDirectory = root.appendingPathComponent(".git")
    // A worktree's `.git` is a file naming its own git directory, whose `commondir` holds the shared refs.
    if let pointer = read(gitDirectory), pointer.hasPrefix("gitdir: ") {
        gitDirectory = URL(fileURLWithPath: String(pointer.dropFirst("gitdir: ".count)), relativeTo: root)
    }
    guard let head = read(gitDirectory.appendingPathComponent("HEAD")) else { return "unknown" }
    guard head.hasPrefix("ref: ") else { return isCommit(head) ? head : "unknown" }
    let reference = String(head.dropFirst("ref: ".count))
    let common = read(gitDirectory.appendingPathComponent("commondir")).map { URL(fileURLWithPath: $0, relativeTo: gitDirectory) } ?? gitDirectory
    for directory in [gitDirectory, common] {
        if let commit = read(directory.appendingPathComponent(reference)), isCommit(commit) { return commit }
    }
    let packed = read(common.appendingPathComponent("packed-refs")) ?? ""
    for line in packed.split(separator: "\n") where line.hasSuffix(" " + reference) {
        let commit = String(line.prefix(40))
        if isCommit(commit) { return commit }
    }
    return "unknown"
}()

/// Every warning is an error in our own targets, so "zero warnings" holds in every build, CI's included.
let warningsAsErrors: SwiftSetting = .treatAllWarnings(as: .error)

/// Generic type metadata (`[String: String]`, ...) is reached through direct accessors instead of by mangled name:
/// resolving a name at run time demangles it and looks up each conformance it needs by scanning every conformance
/// record in the binary (several thousand with Foundation linked in), about 0.1–0.3 ms per type on the first use,
/// and a short command such as `sota run` meets dozens. The direct accessors cost a little code.
let directMetadataAccessors: SwiftSetting = .unsafeFlags(["-Xfrontend", "-disable-concrete-type-metadata-mangled-name-accessors"])

/// The settings of every Swift target of ours: the warning policy, then the code-generation choice above.
let ourSettings: [SwiftSetting] = [warningsAsErrors, directMetadataAccessors]

/// Start-up is most of a short command's time. The executables are linked position-dependent (`--no-pie`): a
/// position-independent one must have the loader rewrite every absolute pointer in its data at each start, which
/// in a binary with the static Swift runtime and Foundation touches (and copies) a few hundred pages, about 1.5 ms.
/// lld's packed relative relocations (DT_RELR) keep what little relocation remains cheap.
let fastStart: [LinkerSetting] = [.unsafeFlags(["-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs", "-Xlinker", "--no-pie"], .when(platforms: [.linux]))]

/// libgit2's functions that set up or use mbedTLS, which CSotaGitStatic/tls_deferred.c wraps so that the set-up
/// (parsing the system's CA bundle, 3 to 4 ms) happens when TLS is first needed, which in sota is never, instead of in
/// git_libgit2_init.
let deferredTLS = ["git_mbedtls_stream_global_init", "git_mbedtls_stream_new", "git_mbedtls_stream_wrap", "git_mbedtls__set_cert_location"]

/// Links `lib<name>.a` instead of the shared library: each shared library costs every start its symbol
/// relocations (libcrypto alone about 4,000, over half a millisecond), while the archive's code is bound at link time.
func staticArchive(_ name: String) -> [LinkerSetting] {
    [.linkedLibrary(":lib\(name).a", .when(platforms: [.linux]))]
}

// sota builds on Linux only (x86_64 and aarch64): it starts its children through Linux system calls (clone,
// signalfd, prctl; see CSotaProcess) and links Debian's static archives, so no other platform is declared.
// Sources/SotaSupport/Platform.swift stops a build elsewhere with a message saying so.
let package = Package(
    name: "sota",
    products: [
        .executable(name: "sota", targets: ["sota"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // Tests only: the property-based hostile-number tests (Tests/SotaCommandsTests/HostileNumberPropertyTests.swift).
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    ],
    targets: [
        // C libraries from Debian, each wrapped by exactly one Swift module.
        // libyaml, OpenSSL's libcrypto and zlib are linked from their static archives (see `staticArchive`), so their
        // module maps name no library and pkg-config is not asked for one.
        .systemLibrary(name: "CYAML", providers: [.apt(["libyaml-dev"])]),
        // Headers only (no pkg-config, which would add the shared `-lgit2`): SotaGit links libgit2's static archive.
        .systemLibrary(name: "CLibGit2", providers: [.apt(["libgit2-dev"])]),
        .systemLibrary(name: "CCrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        // SQLite's C API, wrapped by SotaIndex alone (SQLiteDatabase and its companions), with the variadic calls
        // Swift cannot make.
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        // Signal handlers and posix_spawn attributes, which Swift cannot express safely.
        .target(name: "CSotaProcess"),
        // What libgit2's static archive needs: the GSSAPI symbols it refers to (Kerberos authentication to a git
        // remote, which sota never contacts; Debian ships no static GSSAPI library), and mbedTLS set up on first use.
        .target(name: "CSotaGitStatic"),
        // The commit the build is made from, for `sota --version` (see `buildCommit`).
        .target(name: "CSotaBuildInfo", cSettings: [.define("SOTA_COMMIT", to: "\"\(buildCommit)\"")]),

        // What every module shares: paths and files, JSON values, numbers and durations, diagnostics, the console,
        // text tables and CSV.
        .target(name: "SotaSupport", dependencies: ["CCrypto", "CSotaProcess"], swiftSettings: ourSettings, linkerSettings: staticArchive("crypto")),
        .target(name: "SotaConfig", dependencies: ["SotaSupport", "CYAML"], swiftSettings: ourSettings, linkerSettings: staticArchive("yaml")),
        .target(name: "SotaData", dependencies: ["SotaSupport", "SotaConfig", "CZlib"], swiftSettings: ourSettings, linkerSettings: staticArchive("z")),
        // libgit2 and the libraries it needs (`pkg-config --static --libs libgit2`), from their static archives.
        // Loading the shared libgit2 and its dozen dependencies took about 4 ms of every run in a git project, and a
        // static executable cannot dlopen it safely (the library would bring its own libc and libcrypto).
        // SwiftPM names each library once, where it first appears (libcrypto before libssh2, which needs it); lld
        // resolves archives in any order, the default linker only left to right, so every link that includes SotaGit
        // uses lld, the test bundle's included. The wrapped functions set mbedTLS up on first use rather than in
        // git_libgit2_init (see `deferredTLS`).
        .target(name: "SotaGit", dependencies: ["SotaSupport", "CLibGit2", "CSotaGitStatic"], swiftSettings: ourSettings,
                linkerSettings: ["git2", "mbedtls", "mbedx509", "mbedcrypto", "http_parser", "ssh2", "pcre2-8", "z", "crypto"].flatMap(staticArchive)
                    + [.unsafeFlags(["-use-ld=lld"] + deferredTLS.flatMap { ["-Xlinker", "--wrap=\($0)"] }, .when(platforms: [.linux]))]),
        // The run record: run ids, the run directory's layout, the manifest with all its codecs side by side, sweep
        // manifests, the run lock, and the one scanner of run folders.
        .target(name: "SotaRunRecord", dependencies: ["SotaSupport"], swiftSettings: ourSettings),
        .target(name: "SotaPlan", dependencies: ["SotaSupport", "SotaConfig", "SotaGit", "SotaRunRecord"], swiftSettings: ourSettings),
        // The SQLite index of runs, metrics and promotions: schema, migrations, ingest, queries and output formats.
        .target(
            name: "SotaIndex",
            dependencies: [
                "SotaSupport", "SotaPlan", "SotaRunRecord", "CSQLite",
            ],
            swiftSettings: ourSettings
        ),
        // The weekly report: its value, SVG charts and the self-contained HTML page, as pure functions over values.
        .target(name: "SotaReport", dependencies: ["SotaSupport"], swiftSettings: ourSettings),
        // Remote launches: onstart scripts (pure values) and the Vast.ai REST API.
        .target(name: "SotaLaunch", dependencies: ["SotaSupport", "CZlib"], swiftSettings: ourSettings, linkerSettings: staticArchive("z")),
        .target(
            name: "SotaRun",
            dependencies: ["SotaSupport", "SotaConfig", "SotaData", "SotaGit", "SotaPlan", "SotaRunRecord", "CSotaProcess"],
            swiftSettings: ourSettings
        ),
        // Experiment folders, their lifecycle, the archive, promotion to production and the config catalog. A promotion
        // is recorded in the leaderboard too, and the leaderboard's promotions are rebuilt from these folders' files.
        .target(name: "SotaWorkspace", dependencies: ["SotaSupport", "SotaConfig", "SotaGit", "SotaPlan", "SotaRunRecord", "SotaIndex"], swiftSettings: ourSettings),
        // The use cases (run, sweep, resume, promote, roll back, archive, report, launch, status, cancel): each one type
        // with one entry call that takes values and returns a result value, composing the modules above.
        .target(
            name: "SotaOperations",
            dependencies: ["SotaSupport", "SotaConfig", "SotaData", "SotaGit", "SotaRunRecord", "SotaPlan", "SotaIndex", "SotaReport", "SotaRun",
                           "SotaLaunch", "SotaWorkspace"],
            swiftSettings: ourSettings
        ),
        .target(
            name: "SotaCommands",
            dependencies: [
                "SotaSupport", "SotaConfig", "SotaData", "SotaGit", "SotaPlan", "SotaRunRecord", "SotaIndex",
                "SotaReport", "SotaRun", "SotaLaunch", "SotaWorkspace", "SotaOperations", "CSotaBuildInfo",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: ourSettings
        ),
        // `swift build -c release`, as typed, links the Swift runtime and Foundation dynamically, as every Swift package
        // does. The shipped binary is fully static (SQLite, libstdc++ and glibc included), chosen by the packaging
        // command, `swift build -c release --static-swift-stdlib -Xswiftc -static-executable` (CI, bench/, the release
        // script): with no shared library to load or bind, `sota --version` takes 1.8 ms instead of 2.9 (the dynamic
        // loader processed some 3,400 symbol relocations on every start). Forcing `-static-executable` here broke
        // the plain command: static Foundation's ICU symbols (`swift_unum_*`) resolve only with `--static-swift-stdlib`.
        .executableTarget(name: "sota", dependencies: ["SotaCommands"], swiftSettings: ourSettings, linkerSettings: fastStart),

        .target(name: "SotaTestSupport", dependencies: ["SotaSupport", "SotaRunRecord"], path: "Tests/SotaTestSupport", swiftSettings: ourSettings),
        .testTarget(name: "SotaSupportTests", dependencies: ["SotaSupport", "SotaTestSupport"], swiftSettings: ourSettings),
        .testTarget(name: "SotaConfigTests", dependencies: ["SotaConfig", "SotaTestSupport"], exclude: ["Golden"], swiftSettings: ourSettings),
        .testTarget(name: "SotaDataTests", dependencies: ["SotaData", "SotaTestSupport"], swiftSettings: ourSettings),
        .testTarget(name: "SotaGitTests", dependencies: ["SotaGit", "SotaTestSupport"], swiftSettings: ourSettings),
        .testTarget(name: "SotaRunRecordTests", dependencies: ["SotaRunRecord", "SotaTestSupport"], swiftSettings: ourSettings),
        .testTarget(name: "SotaPlanTests", dependencies: ["SotaPlan", "SotaRunRecord", "SotaTestSupport"], swiftSettings: ourSettings),
        .testTarget(name: "SotaLaunchTests", dependencies: ["SotaLaunch", "SotaTestSupport"], exclude: ["Golden"], swiftSettings: ourSettings),
        .testTarget(name: "SotaRunTests", dependencies: ["SotaRun", "SotaRunRecord", "SotaTestSupport"], swiftSettings: ourSettings),
        .testTarget(name: "SotaWorkspaceTests", dependencies: ["SotaWorkspace", "SotaPlan", "SotaRunRecord", "SotaIndex", "SotaTestSupport"], exclude: ["Golden"], swiftSettings: ourSettings),
        .testTarget(name: "SotaIndexTests", dependencies: ["SotaIndex", "SotaRunRecord", "SotaTestSupport"], swiftSettings: ourSettings),
        .testTarget(name: "SotaReportTests", dependencies: ["SotaReport", "SotaTestSupport"], exclude: ["Golden"], swiftSettings: ourSettings),
        .testTarget(name: "SotaOperationsTests", dependencies: ["SotaOperations", "SotaConfig", "SotaRunRecord", "SotaIndex", "SotaRun", "SotaLaunch",
                                                                "SotaWorkspace", "SotaTestSupport"], exclude: ["Golden"], swiftSettings: ourSettings),
        .testTarget(
            name: "SotaCommandsTests",
            dependencies: ["SotaCommands", "SotaPlan", "SotaRunRecord", "SotaLaunch", "SotaIndex", "SotaTestSupport", .product(name: "PropertyBased", package: "swift-property-based")],
            exclude: ["Fixtures"],
            swiftSettings: ourSettings
        ),
        .testTarget(name: "EndToEndTests", dependencies: ["SotaTestSupport", "SotaRunRecord", "SotaIndex"], exclude: ["Golden"], swiftSettings: ourSettings),
    ],
    swiftLanguageModes: [.v6]
)
