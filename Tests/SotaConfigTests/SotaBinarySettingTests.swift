import SotaSupport
@testable import SotaConfig
import SotaTestSupport
import Testing

/// Issue 16, item 7: `launch.vast.sota_binary` says how an instance gets sota: a verified download `{url, sha256}`,
/// `upload` (the default: this machine's binary) or `build`. Every mistake is reported at its `file:line:col`.
@Suite struct SotaBinarySettingTests {
    static let hash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

    private func load(_ vast: String, install: Bool = false) -> (Project, [String]) {
        let folder = TemporaryDirectory()
        folder.write("sota.yaml", "launch:\n\(install ? "  install: \"pip install sota\"\n" : "")  vast:\n    \(vast)\n")
        let (project, problems) = Project.load(root: folder.path, displayRoot: ".")
        return (project, problems.map { "\($0.location?.description ?? "-"): \($0.message)" })
    }

    @Test func aDownloadIsReadWithItsHashInLowerCase() {
        let url = "https://github.com/example/sota/releases/download/v1.2.3/sota-1.2.3-linux-x86_64.tar.gz"
        let (project, problems) = load("sota_binary: {url: \(url), sha256: \(Self.hash.uppercased())}")
        #expect(problems.isEmpty, "\(problems)")
        guard case .download(let read, let sha256, _) = project.launch.vastSotaBinary else { Issue.record("\(String(describing: project.launch.vastSotaBinary))"); return }
        #expect(read == url && sha256 == Self.hash)
    }

    @Test func theWordsUploadAndBuild() {
        guard case .build = load("sota_binary: build").0.launch.vastSotaBinary else { Issue.record("build"); return }
        guard case .upload = load("sota_binary: upload").0.launch.vastSotaBinary else { Issue.record("upload"); return }
        #expect(load("image: swift:6.2-noble").0.launch.vastSotaBinary == nil, "no key: the default, an upload")
    }

    @Test(arguments: [
        ("sota_binary: biuld", "sota.yaml:3:18: `launch.vast.sota_binary` must be `upload`, `build` or {url, sha256}, found `biuld`"),
        ("sota_binary: [build]", "sota.yaml:3:18: `launch.vast.sota_binary` must be `upload`, `build` or a mapping {url, sha256}, found a list"),
        ("sota_binary: {url: https://h.example/sota.tar.gz}", "sota.yaml:3:18: missing required key `launch.vast.sota_binary.sha256` (its SHA-256, 64 hexadecimal digits as sha256sum prints them)"),
        ("sota_binary: {url: https://h.example/s.tgz, sha256: \(hash), sha: x}", "sota.yaml:3:123: unknown key `launch.vast.sota_binary.sha`"),
        ("sota_binary: {url: https://h.example/s.tgz, sha256: \(hash.dropLast())}", "sota.yaml:3:57: `launch.vast.sota_binary.sha256` has 63 hexadecimal digits; a SHA-256 has 64"),
        ("sota_binary: {url: https://h.example/s.tgz, sha256: \(hash.dropLast())g}", "sota.yaml:3:57: `launch.vast.sota_binary.sha256` holds `g` at character 64, which is not a hexadecimal digit; a SHA-256 is 64 hexadecimal digits"),
        ("sota_binary: {url: http://releases.example.com/s.tgz, sha256: \(hash)}", "sota.yaml:3:24: `launch.vast.sota_binary.url` `http://releases.example.com/s.tgz` is plain http: the binary could be replaced on the way (the SHA-256 would then refuse it and the run would not start)"),
        ("sota_binary: {url: ftp://h.example/s.tgz, sha256: \(hash)}", "sota.yaml:3:24: `launch.vast.sota_binary.url` `ftp://h.example/s.tgz` is not an https URL"),
        ("sota_binary: {url: \"https://u:p@h.example/s.tgz\", sha256: \(hash)}", "sota.yaml:3:24: `launch.vast.sota_binary.url` `https://***@h.example/s.tgz` carries a credential (`user:password@`), which would be copied into the onstart script and launch.json"),
        ("sota_binary: {url: https://h.example/, sha256: \(hash)}", "sota.yaml:3:24: `launch.vast.sota_binary.url` `https://h.example/` names no file on its host"),
    ])
    func mistakesAreLocated(_ yaml: String, _ expected: String) {
        let problems = load(yaml).1
        #expect(problems.contains(expected) || problems.contains { $0.hasPrefix(expected) }, "\(problems)")
    }

    @Test(arguments: ["http://127.0.0.1:8080/sota.tar.gz", "http://localhost/sota", "http://[::1]:9000/a/sota.tar.gz"])
    func plainHTTPIsAcceptedOnLoopbackOnly(_ url: String) {
        #expect(load("sota_binary: {url: \"\(url)\", sha256: \(Self.hash)}").1.isEmpty)
    }

    @Test func installAndSotaBinaryExcludeEachOther() {
        let problems = load("sota_binary: build", install: true).1
        #expect(problems.contains { $0.hasPrefix("sota.yaml:4:18: `launch.vast.sota_binary` and `launch.install` (at sota.yaml:2:12) both say how sota gets onto the instance") },
                "\(problems)")
    }
}
