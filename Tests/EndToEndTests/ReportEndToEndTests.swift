import Foundation
import SotaSupport
import SotaTestSupport
import Testing

/// Headless Chromium, when installed: renders the report as a browser would.
private enum Chromium {
    static var path: String? {
        let folders = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            if let found = folders.map({ Paths.join($0, name) }).first(where: Paths.isExecutableFile) { return found }
        }
        return nil
    }
}

/// The weekly report of a real demo run, rendered by headless Chromium through `scripts/screenshot-report.sh`.
@Suite(.serialized) struct ReportEndToEndTests {
    /// Runs the documented screenshot script on `page` and returns the PNG's bytes.
    private func screenshot(_ page: String, in folder: TemporaryDirectory, name: String) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [Paths.join(Repository.root, "scripts/screenshot-report.sh"), page, folder.url(name), "1280,2400"]
        process.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(message)")
        return Array(FileManager.default.contents(atPath: folder.url(name)) ?? Data())
    }

    @Test(.enabled(if: Chromium.path != nil, "needs chromium on PATH (apt-get install -y chromium)"))
    func demoReportRendersInHeadlessChromium() throws {
        let folder = TemporaryDirectory()
        for item in ["sota.yaml", "configs", "scripts", "data"] { folder.copy(Paths.join(Repository.root, item), to: item) }
        let run = try BinaryRun(["run", "--train-config", "configs/train_burgers_golden.yaml",
                                 "--set", "latent.dim=8", "--set", "operator.pdet.input_dim=8"], in: folder.path)
        #expect(run.status == 0, "\(run.err)")
        let report = try BinaryRun(["report", "--weekly", "--output", "weekly"], in: folder.path)
        #expect(report.status == 0, "\(report.err)")
        #expect(report.out.contains("runs     1 finished, 1 passed, 0 failed"))
        let html = String(decoding: FileManager.default.contents(atPath: folder.url("weekly/report.html")) ?? Data(), as: UTF8.self)
        #expect(html.contains("burgers-golden"))

        let png = try screenshot(folder.url("weekly/report.html"), in: folder, name: "report.png")
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), "a PNG file")
        // A page of one colour compresses to almost nothing; a blank page at the same size is the yardstick.
        folder.write("blank.html", "<!DOCTYPE html><html><body></body></html>\n")
        let blank = try screenshot(folder.url("blank.html"), in: folder, name: "blank.png")
        #expect(png.count > 40_000, "the screenshot holds only \(png.count) bytes")
        #expect(png.count > blank.count * 5, "the report (\(png.count) bytes) must draw far more than a blank page (\(blank.count) bytes)")
    }
}
