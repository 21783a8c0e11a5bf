internal import Glibc

/// The path arithmetic of SotaBasics' `Paths`, repeated without Foundation for the fast path.
///
/// The full command resolves the project root and the database path with `Paths`; the fast path must land on
/// exactly the same file, so these functions follow `Paths.join`, `parent`, `normalize` and `absolute` to the
/// letter (`..` is folded lexically, not through symbolic links).
enum LexicalPath {
    /// `a/b` from `a` and `b`; an absolute `b` wins.
    static func join(_ base: String, _ component: String) -> String {
        if component.hasPrefix("/") || base.isEmpty { return component }
        if component.isEmpty { return base }
        return base.hasSuffix("/") ? base + component : base + "/" + component
    }

    /// The folder holding `path` (`.` for a bare file name).
    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }

    /// `path` made absolute against `directory`, with `.` and `..` components folded away.
    static func absolute(_ path: String, relativeTo directory: String) -> String {
        normalize(path.hasPrefix("/") ? path : join(directory, path))
    }

    /// Folds `.`, `..` and repeated slashes; keeps the path absolute or relative as given.
    static func normalize(_ path: String) -> String {
        let isAbsolute = path.hasPrefix("/")
        // Components as Strings, joined by hand: the generic `joined` over Substrings resolves associated types
        // at run time, which costs a fresh process more than this whole function.
        var parts: [String] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." {
                parts.removeLast()
            } else if part == "..", isAbsolute {
                continue
            } else {
                parts.append(String(part))
            }
        }
        var joined = ""
        for index in 0..<parts.count {
            if index > 0 { joined += "/" }
            joined += parts[index]
        }
        if isAbsolute { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }

    /// What `stat` (following symbolic links) finds at a path.
    enum Kind: Equatable {
        /// Nothing, not even a broken symbolic link.
        case missing
        /// A regular file.
        case file
        /// A directory.
        case directory
        /// Anything else, a broken link included: the full command reports these, so the fast path steps aside.
        case other
    }

    /// What is at `path`, as `Paths.kind` sees it (a broken link counts as ``Kind/other``).
    static func kind(of path: String) -> Kind {
        var info = stat()
        if stat(path, &info) == 0 {
            switch info.st_mode & S_IFMT {
            case S_IFREG: return .file
            case S_IFDIR: return .directory
            default: return .other
            }
        }
        if lstat(path, &info) == 0 { return .other }
        return .missing
    }

}
