import SotaSupport
import SotaConfig

/// The arrays inside an `.npy` or `.npz` file, read from headers only.
package struct ArrayFile: Sendable {
    /// One array: its header and how many data bytes the file really holds for it.
    package struct Member: Sendable {
        /// The array name (`u_train` for `u_train.npy` inside an NPZ).
        package var name: String
        /// The parsed header, when readable.
        package var header: NPYHeader?
        /// Data bytes present in the file for this array.
        package var storedDataBytes: Int
        /// What is wrong with this member, if anything.
        package var problem: String?
    }

    /// The arrays, in file order.
    package var members: [Member]
    /// A problem with the file as a whole (not a zip, directory missing, ...).
    package var problem: String?

    /// True when `path` names an array file sota can inspect.
    package static func isArrayFile(_ path: String) -> Bool {
        path.hasSuffix(".npz") || path.hasSuffix(".npy")
    }

    /// Reads the array headers of the file at `path`.
    package static func inspect(path: String) throws -> ArrayFile {
        let file = try RandomAccessFile(path: path)
        if path.hasSuffix(".npy") { return inspectNPY(file) }
        return try inspectNPZ(file)
    }

    private static let headerProbe = 64 * 1024

    private static func inspectNPY(_ file: RandomAccessFile) -> ArrayFile {
        let name = Paths.lastComponent(of: file.path).replacingSuffix(".npy")
        do {
            let bytes = try file.read(at: 0, count: headerProbe)
            return ArrayFile(members: [member(name: name, prefix: bytes, total: file.size)], problem: nil)
        } catch {
            return ArrayFile(members: [], problem: "\(error)")
        }
    }

    private static func member(name: String, prefix: [UInt8], total: Int) -> Member {
        do {
            let header = try NPYHeader.parse(prefix)
            let stored = max(0, total - header.dataOffset)
            var problem: String?
            let expected = header.dataByteCount
            if expected == Int.max {
                problem = "truncated mid-array: the header's shape \(header.shapeDescription) needs more bytes than any file holds"
            } else if stored < expected {
                problem = "truncated mid-array: holds \(stored) of \(expected) data bytes (\(ByteCount(expected - stored)) missing)"
            } else if stored > expected {
                problem = "holds \(stored - expected) bytes past the end of the array"
            }
            return Member(name: name, header: header, storedDataBytes: stored, problem: problem)
        } catch {
            if case .truncated(let needed) = error, total < needed {
                return Member(name: name, header: nil, storedDataBytes: 0, problem: "truncated inside the NPY header")
            }
            return Member(name: name, header: nil, storedDataBytes: 0, problem: error.description)
        }
    }

    private static func inspectNPZ(_ file: RandomAccessFile) throws -> ArrayFile {
        do {
            let archive = try ZipArchive(file: file)
            var members: [Member] = []
            for entry in archive.members where entry.name.hasSuffix(".npy") {
                let name = entry.name.replacingSuffix(".npy")
                guard let dataOffset = try ZipArchive.dataOffset(of: entry, in: file),
                      dataOffset + entry.compressedSize <= file.size else {
                    members.append(Member(name: name, header: nil, storedDataBytes: 0, problem: "member data lies past the end of the file (truncated)"))
                    continue
                }
                guard let prefix = try ZipArchive.prefix(of: entry, in: file, count: headerProbe) else {
                    members.append(Member(name: name, header: nil, storedDataBytes: 0,
                                          problem: "compression method \(entry.method) is not supported (use numpy.savez or savez_compressed)"))
                    continue
                }
                members.append(member(name: name, prefix: prefix, total: entry.uncompressedSize))
            }
            return ArrayFile(members: members, problem: nil)
        } catch ZipArchive.Problem.noDirectory {
            return truncatedNPZ(file)
        } catch ZipArchive.Problem.malformed(let why) {
            return ArrayFile(members: [], problem: "not a valid NPZ: \(why)")
        }
    }

    /// Explains a zip without its directory: which member the file ends in.
    private static func truncatedNPZ(_ file: RandomAccessFile) -> ArrayFile {
        let scanned = (try? ZipArchive.scanLocalHeaders(in: file)) ?? []
        guard !scanned.isEmpty else {
            return ArrayFile(members: [], problem: "not an NPZ archive (no ZIP structure found)")
        }
        var members: [Member] = []
        for (entry, dataOffset) in scanned where entry.name.hasSuffix(".npy") {
            let name = entry.name.replacingSuffix(".npy")
            let available = max(0, min(entry.compressedSize, file.size - dataOffset))
            let prefix = (try? file.read(at: dataOffset, count: min(available, headerProbe))) ?? []
            var member = member(name: name, prefix: entry.method == 0 ? prefix : [],
                                total: entry.method == 0 ? available : 0)
            if available < entry.compressedSize {
                member.problem = "truncated mid-array: the file ends \(ByteCount(entry.compressedSize - available)) before this member's end"
            }
            members.append(member)
        }
        return ArrayFile(members: members, problem: "the ZIP directory at the end of the file is missing: the file is truncated")
    }
}

extension String {
    func replacingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
