import FoundationEssentials
import Glibc
import SotaSupport
import SotaLaunch
import SotaRun

/// This machine's sota binary on its way to an instance: `sota launch` uploads it to the results location (the one
/// place it already knows the instance can read, with the credentials the instance is given), and the onstart
/// script copies it back and checks its SHA-256 before running it. It is what `launch.vast.sota_binary` means when
/// it says `upload`, or says nothing.
///
/// The destination is named by the binary's hash, `<results>/.sota-binaries/<sha256>/sota`, so launches of one
/// binary share one copy, and a copy that exists is the right one.
package struct SotaBinaryUpload: Sendable {
    /// The binary here.
    package var localPath: String
    /// Its SHA-256, lower-case hexadecimal.
    package var sha256: String
    /// Its size in bytes.
    package var size: Int
    /// Where the instance fetches it from.
    package var destination: StorageURL
    /// Whether it asks for a dynamic loader (`swift build -c release` without `-static-executable`): it then needs
    /// shared libraries (the Swift runtime, a recent enough glibc) that an ordinary CUDA + Python image may lack.
    package var isDynamicallyLinked: Bool

    /// The folder under the results location that holds uploaded binaries.
    package static let folderName = ".sota-binaries"

    /// Hashes `executable` and names its place under `results`.
    ///
    /// - Throws: ``SotaBinaryProblem`` when the file cannot be read or is not a program a Linux x86-64 instance runs
    ///   (a sota built on macOS, say), before anything is rented.
    package static func prepare(executable: String, results: StorageURL) throws(SotaBinaryProblem) -> SotaBinaryUpload {
        let hash: (hex: String, size: Int)
        do {
            hash = try FileStream.sha256(of: executable)
        } catch {
            throw SotaBinaryProblem(message: "cannot read this machine's sota (\(executable)) to upload it: \(error)")
        }
        let header = Self.header(of: executable)
        // ELF magic, 64-bit class, little-endian, e_machine 0x3E (x86-64).
        let isLinuxX86 = header.count >= 20 && header[0..<4].elementsEqual([0x7F, 0x45, 0x4C, 0x46]) && header[4] == 2 && header[5] == 1
            && header[18] == 0x3E && header[19] == 0
        guard isLinuxX86 else {
            throw SotaBinaryProblem(message: "this machine's sota (\(executable)) is not a Linux x86-64 program, so a Vast instance cannot run it",
                                    hint: "set launch.vast.sota_binary to the release tarball: {url: https://…/sota-VERSION-linux-x86_64.tar.gz, sha256: …}")
        }
        return SotaBinaryUpload(localPath: executable, sha256: hash.hex, size: hash.size,
                                destination: results.appending(folderName).appending(hash.hex).appending("sota"),
                                isDynamicallyLinked: hasInterpreter(executable))
    }

    /// The first 20 bytes of `path` (fewer when it is shorter or unreadable): enough for the ELF class and machine.
    private static func header(of path: String) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return [] }
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: 20)
        let count = bytes.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, 20) }
        return Array(bytes.prefix(max(0, count)))
    }

    /// Whether the ELF file at `path` has a `PT_INTERP` program header, i.e. is started by the dynamic loader; a
    /// fully static sota (the release build) has none.
    private static func hasInterpreter(_ path: String) -> Bool {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        func bytes(at offset: Int, count: Int) -> [UInt8] {
            var buffer = [UInt8](repeating: 0, count: count)
            let read = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, count, off_t(offset)) }
            return read == count ? buffer : []
        }
        func number(_ bytes: ArraySlice<UInt8>) -> Int { bytes.reversed().reduce(0) { $0 << 8 | Int($1) } }
        let header = bytes(at: 0, count: 64)
        guard header.count == 64 else { return false }
        // Elf64_Ehdr: e_phoff at 32 (8 bytes), e_phentsize at 54 and e_phnum at 56 (2 bytes each), little-endian.
        let tableOffset = number(header[32..<40]), entrySize = number(header[54..<56]), entries = number(header[56..<58])
        guard entrySize >= 4, entries > 0, entries < 4096, tableOffset > 0 else { return false }
        let table = bytes(at: tableOffset, count: entrySize * entries)
        guard !table.isEmpty else { return false }
        let interpreter = 3 // PT_INTERP
        return (0..<entries).contains { number(table[($0 * entrySize)..<($0 * entrySize + 4)]) == interpreter }
    }

    /// Copies the binary to ``destination``: a file copy for file://, `aws s3 cp` for s3://, `b2 file upload` for
    /// b2://, with this process's environment (the same AWS_* / B2_* keys the instance is given).
    package func upload(environment: [String: String]) throws(SotaBinaryProblem) {
        switch destination.scheme {
        case .file:
            try copyToFolder()
        case .s3:
            try run("aws", ["s3", "cp", "--only-show-errors", localPath, destination.text], environment: environment)
        case .b2:
            let path = destination.text.dropFirst("b2://".count)
            let bucket = String(path.prefix { $0 != "/" })
            let key = String(path.dropFirst(bucket.count + 1))
            try run("b2", ["file", "upload", "--no-progress", "--quiet", bucket, localPath, key], environment: environment)
        case .http, .https:
            throw SotaBinaryProblem(message: "cannot upload sota to \(destination.text): http(s) locations are read-only")
        }
    }

    /// A local (or mounted) results folder: copied to a partial file and renamed, skipped when the copy exists.
    private func copyToFolder() throws(SotaBinaryProblem) {
        let target = destination.filePath ?? "/"
        if Paths.kind(of: target) == .file, (try? FileStream.sha256(of: target).hex) == sha256 { return }
        let partial = target + ".part-\(getpid())"
        do {
            try FileManager.default.createDirectory(atPath: Paths.parent(of: target), withIntermediateDirectories: true)
            try? FileManager.default.removeItem(atPath: partial)
            try FileManager.default.copyItem(atPath: localPath, toPath: partial)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: partial)
            guard rename(partial, target) == 0 else { throw FileError(path: target, operation: "rename", errno: errno) }
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            throw SotaBinaryProblem(message: "cannot upload this machine's sota to \(destination.text): \(error)")
        }
    }

    /// Runs a storage tool from the environment's PATH as sota runs stages (its own process group, stopped with sota
    /// on Ctrl-C, given up after half an hour); its last line of output becomes the problem's message.
    private func run(_ program: String, _ arguments: [String], environment: [String: String]) throws(SotaBinaryProblem) {
        guard let executable = Paths.findExecutable(program, path: environment["PATH"], relativeTo: "/") else {
            throw SotaBinaryProblem(message: "cannot upload this machine's sota to \(destination.text): `\(program)` is not on PATH",
                                    hint: "install it, or set launch.vast.sota_binary to a release URL with its sha256")
        }
        let log = Paths.join(environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp", "sota-binary-upload-\(getpid()).log")
        defer { unlink(log) }
        let child = ChildProcess(executable: executable, arguments: [program] + arguments, environment: environment,
                                 workingDirectory: Paths.currentDirectory, logFile: log,
                                 timeout: DurationValue(seconds: 1800), gracePeriod: DurationValue(seconds: 5))
        let exit: ChildExit
        do {
            exit = try child.run()
        } catch {
            throw SotaBinaryProblem(message: "cannot start \(program) to upload sota: \(error)")
        }
        guard exit.succeeded else {
            let output = (try? FileStream.readAll(log, limit: 1 << 20)).flatMap { $0 }.map { String(decoding: $0, as: UTF8.self) } ?? ""
            let line = output.split(whereSeparator: \.isNewline).last.map(String.init) ?? exit.description
            throw SotaBinaryProblem(message: "cannot upload this machine's sota to \(destination.text): \(program): \(line)")
        }
    }
}

/// Why this machine's sota cannot go to an instance.
package struct SotaBinaryProblem: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    package var message: String
    /// What to do about it.
    package var hint: String?

    /// Creates a problem.
    package init(message: String, hint: String? = nil) {
        self.message = message
        self.hint = hint
    }

    package var description: String { message }
}
