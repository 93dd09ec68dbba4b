import Foundation

/// Path arithmetic on paths people give (flags, environment, canary files), done on the text
/// alone. Foundation's `NSString` path methods are not used: `deletingLastPathComponent` traps on
/// a one-character path on this toolchain (`--results r` died with SIGILL), and they tidy paths
/// in ways the kernel would not (`..` through a symlink). `~` is a name like any other: the shell
/// expands it, not canary.
public enum LocalPath {
    /// `folder` and `name` joined by exactly one slash (`r` + `x` = `r/x`, `r/` + `x` = `r/x`,
    /// `/` + `x` = `/x`); an empty folder is the working directory.
    public static func join(_ folder: String, _ name: String) -> String {
        if folder.isEmpty { return name }
        return folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }

    /// The folder that holds `path`: `r` → `.`, `a/b/` → `a`, `/x` → `/`, `//x` → `/`, `/` → `/`,
    /// `..` → `.`. The kernel resolves what the text names, symlinks and `..` included.
    public static func parent(of path: String) -> String {
        let trimmed = withoutTrailingSlashes(path)
        guard let slash = trimmed.lastIndex(of: "/") else { return "." }
        let head = withoutTrailingSlashes(String(trimmed[..<slash]))
        return head.isEmpty ? "/" : head
    }

    /// `path` against the working directory when relative; as given when absolute.
    public static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : join(startDirectory, path)
    }

    /// The working directory, read once: nothing in the process changes it, and every run's
    /// state names its canary's file this way (a getcwd and FileManager's work per run).
    private static let startDirectory = FileManager.default.currentDirectoryPath

    /// The last name in `path`: `a/b/` → `b`, `r` → `r`, `/` → `/`.
    public static func lastComponent(of path: String) -> String {
        let trimmed = withoutTrailingSlashes(path)
        guard let slash = trimmed.lastIndex(of: "/") else { return trimmed }
        let name = String(trimmed[trimmed.index(after: slash)...])
        return name.isEmpty ? "/" : name
    }

    /// `path` made absolute against `workingDirectory` (itself absolute), without tidying: `.`
    /// and `..` are left for the kernel, which resolves them through symlinks correctly.
    public static func absolute(_ path: String, against workingDirectory: String) -> String {
        path.hasPrefix("/") ? path : join(workingDirectory, path)
    }

    /// `path` made absolute against `workingDirectory` with `.`, `..` and repeated slashes tidied
    /// away on the text alone, as `URL.standardizedFileURL` does (without its cost: 20 µs a path,
    /// 0.2 s for 10,000 canary files). For telling two spellings of one file apart, not for opening.
    public static func tidied(_ path: String, against workingDirectory: String) -> String {
        var parts: [Substring] = []
        for part in absolute(path, against: workingDirectory).split(separator: "/") {
            switch part {
            case ".": continue
            case "..": _ = parts.popLast()
            default: parts.append(part)
            }
        }
        return "/" + parts.joined(separator: "/")
    }

    /// The process's working directory, or nil when it was removed or is unreachable.
    public static func workingDirectory() -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buffer, buffer.count) != nil else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `a//` → `a`; a path of slashes only stays `/`.
    private static func withoutTrailingSlashes(_ path: String) -> String {
        var text = Substring(path)
        while text.count > 1, text.hasSuffix("/") { text = text.dropLast() }
        return String(text)
    }
}
