import Foundation

/// A file a flag names (`--junit`, `report -o`), checked before anything runs, so a typo or a
/// read-only folder is a usage error up front rather than a lost report after every canary ran.
public enum OutputFile {
    /// Creates the file's folder if needed (`--junit reports/junit.xml` makes `reports/`) and
    /// proves it writable by creating and removing a temp file there, as the real write will.
    /// `-` (stdout) needs nothing. Errors name the path and the fix, in terms of `flag`.
    public static func prepare(_ path: String, flag: String) throws(RecordingError) {
        if path == "-" { return }
        let fix = "pass \(flag) with a file in a folder you can write to"
        guard !path.isEmpty else {
            throw RecordingError(action: "write", path: "''", reason: "the path is empty", hint: fix)
        }
        switch FileKind(path) {
        case .folder:
            throw RecordingError(
                action: "write", path: path, reason: "it is a folder",
                hint: "name a file, e.g. \(flag) \(LocalPath.join(path, "report"))")
        case .other(let kind):
            throw RecordingError(action: "write", path: path, reason: "it is a \(kind)", hint: fix)
        case .missing, .file:
            break
        }
        let folder = LocalPath.parent(of: path)
        do throws(RecordingError) {
            try FileIO.makeDirectory(folder)
        } catch {
            throw RecordingError(action: "create the folder of", path: path, reason: "\(error.action) \(error.path): \(error.reason)", hint: fix)
        }
        let probe = LocalPath.join(folder, ".canary-probe-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        let fd = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            throw RecordingError(action: "write", path: path, reason: "its folder \(folder) is not writable (\(reason))", hint: fix)
        }
        close(fd)
        unlink(probe)
    }
}

extension OutputFile {
    /// Writes a report atomically to `path` (a CI job never picks up half a file); `-` is stdout.
    public static func write(_ text: String, to path: String) throws {
        let bytes = Array(text.utf8)
        guard path == "-" else { return try FileIO.writeAtomically(bytes, to: path) }
        try FileIO.writeAll(STDOUT_FILENO, bytes, path: "stdout")
    }
}

extension OutputFile {
    /// Appends to `path`, creating it (GitHub's `$GITHUB_STEP_SUMMARY`, shared by a job's steps).
    public static func append(_ text: String, to path: String) throws(RecordingError) {
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw RecordingError("open", path) }
        defer { close(fd) }
        try FileIO.writeAll(fd, Array(text.utf8), path: path)
    }
}
