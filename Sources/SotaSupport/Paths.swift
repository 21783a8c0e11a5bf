import Glibc

/// Small helpers over string paths, so domain code never juggles separators by hand.
package enum Paths {
    /// `a/b` from `a` and `b`; an absolute `b` wins.
    package static func join(_ base: String, _ component: String) -> String {
        if component.hasPrefix("/") || base.isEmpty { return component }
        if component.isEmpty { return base }
        return base.hasSuffix("/") ? base + component : base + "/" + component
    }

    /// The folder holding `path` (`.` for a bare file name).
    package static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }

    /// The last component of `path`.
    package static func lastComponent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    /// `path` made absolute against `directory`, with `.` and `..` components folded away.
    package static func absolute(_ path: String, relativeTo directory: String) -> String {
        normalize(path.hasPrefix("/") ? path : join(directory, path))
    }

    /// The canonical absolute path of an existing `path`, symbolic links resolved; nil when it does not exist.
    package static func resolved(_ path: String) -> String? {
        guard let pointer = realpath(path, nil) else { return nil }
        defer { free(pointer) }
        return String(cString: pointer)
    }

    /// Folds `.`, `..` and repeated slashes; keeps the path absolute or relative as given.
    package static func normalize(_ path: String) -> String {
        let isAbsolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." {
                parts.removeLast()
            } else if part == "..", isAbsolute {
                continue
            } else {
                parts.append(part)
            }
        }
        // Appended by hand: `joined(separator:)` over substrings looks up an associated type at run time, a cost
        // every path in a run pays.
        var joined = isAbsolute ? "/" : ""
        for (index, part) in parts.enumerated() {
            if index > 0 { joined.append("/") }
            joined.append(contentsOf: part)
        }
        return joined.isEmpty ? "." : joined
    }

    /// `path` relative to `base` when it lies inside it, else `path` unchanged.
    package static func relative(_ path: String, to base: String) -> String {
        let base = normalize(base), path = normalize(path)
        if path == base { return "." }
        let prefix = base.hasSuffix("/") ? base : base + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }

    /// The path that leads from folder `base` to `path`, climbing with `..` where needed (both absolute).
    package static func relativePath(from base: String, to path: String) -> String {
        let from = normalize(base).split(separator: "/"), to = normalize(path).split(separator: "/")
        var common = 0
        while common < from.count, common < to.count, from[common] == to[common] { common += 1 }
        let parts = Array(repeating: "..", count: from.count - common) + to[common...].map(String.init)
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }

    /// The process's current directory.
    package static var currentDirectory: String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        return getcwd(&buffer, buffer.count).map { String(cString: $0) } ?? "."
    }

    /// What is at a path, following symbolic links.
    package enum Kind: Sendable, Equatable {
        case missing, file, directory, other
        /// A symbolic link whose target does not exist.
        case brokenLink
    }

    /// What is at `path`, distinguishing a broken symbolic link from a missing file.
    package static func kind(of path: String) -> Kind {
        var info = stat()
        if stat(path, &info) == 0 {
            switch info.st_mode & S_IFMT {
            case S_IFREG: return .file
            case S_IFDIR: return .directory
            default: return .other
            }
        }
        if lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFLNK { return .brokenLink }
        return .missing
    }

    /// True when `path` itself is a symbolic link (whatever it points at).
    package static func isSymbolicLink(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFLNK
    }

    /// True when the current user may write into `path`.
    package static func isWritable(_ path: String) -> Bool { access(path, W_OK) == 0 }

    /// True when the current user may execute `path` and it is a regular file.
    package static func isExecutableFile(_ path: String) -> Bool {
        kind(of: path) == .file && access(path, X_OK) == 0
    }

    /// The nearest folder at or above `path` that exists (where a new file or folder would be created).
    package static func nearestExistingAncestor(of path: String) -> String {
        var current = normalize(path)
        while kind(of: current) == .missing || kind(of: current) == .brokenLink {
            let up = parent(of: current)
            if up == current { break }
            current = up
        }
        return current
    }

    /// Resolves an executable name the way a shell does: a path with a slash as is, else searched on `PATH`.
    package static func findExecutable(_ name: String, path searchPath: String?, relativeTo directory: String) -> String? {
        if name.contains("/") {
            let candidate = absolute(name, relativeTo: directory)
            return isExecutableFile(candidate) ? candidate : nil
        }
        for folder in (searchPath ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
            let candidate = join(String(folder), name)
            if isExecutableFile(candidate) { return candidate }
        }
        return nil
    }
}
