import Foundation

/// A problem writing results, naming the path, the system's reason and what to do about it.
public struct RecordingError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var action: String
    public var reason: String
    /// The likely fix, for the errors a person can fix (full disk, read-only, permissions).
    public var hint: String?
    /// The errno behind it, 0 when there is none.
    public var errnoCode: Int32 = 0
    public var description: String { "cannot \(action) \(path): \(reason)" + (hint.map { "; \($0)" } ?? "") }

    init(_ action: String, _ path: String, errno code: Int32 = errno) {
        self.action = action
        self.path = path
        self.reason = String(cString: strerror(code))
        hint = Self.hint(for: code)
        errnoCode = code
    }

    private static func hint(for code: Int32) -> String? {
        switch code {
        case ENOSPC, EDQUOT:
            return "free space on that disk, or pass --results with a folder on another disk"
        case EROFS:
            return "pass --results with a folder on a writable file system"
        case EACCES, EPERM:
            return "check the folder's owner and permissions, or pass --results with a writable folder"
        case ENAMETOOLONG:
            return "use a shorter --results path or canary name"
        default:
            return nil
        }
    }
}

/// The one place files are written: whole files by temp file + rename, logs by append.
public enum FileIO {
    /// Writes `bytes` to a temp file beside `path`, then renames it over `path`, so a reader or a
    /// crash sees the old file or the new one, never half of one. `durable` adds the fsyncs that
    /// make the rename survive a power loss too (file, then directory).
    /// Errors name `path`, not the temp file: that is the file the user knows and looks for.
    static func writeAtomically(_ bytes: [UInt8], to path: String, durable: Bool = true, mode: mode_t? = nil) throws(RecordingError) {
        try writeAtomically(to: path, durable: durable, mode: mode) { (out: inout ChunkedOutput) throws(RecordingError) in
            try out.append(bytes)
        }
    }

    /// The same, for a file produced piece by piece (`metrics.prom` and `state.json` of 10,000
    /// canaries are several MB each): pieces go out in 64 KB writes instead of one buffer.
    /// The file gets `mode`, or the results file mode (0600 unless `--results-mode`); the rename
    /// replaces whatever is at `path`, a symlink included, and never follows it.
    static func writeAtomically(
        to path: String, durable: Bool = true, mode: mode_t? = nil, _ produce: (inout ChunkedOutput) throws(RecordingError) -> Void
    ) throws(RecordingError) {
        let temp = path + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let mode = mode ?? ResultsAccess.fileMode
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
        guard fd >= 0 else { throw RecordingError("write", path) }
        _ = fchmod(fd, mode)
        do throws(RecordingError) {
            var out = ChunkedOutput(fd: fd, path: path)
            try produce(&out)
            try out.flush()
            if durable && fsync(fd) != 0 { throw RecordingError("fsync", path) }
        } catch {
            close(fd)
            unlink(temp)
            throw error
        }
        close(fd)
        guard Foundation.rename(temp, path) == 0 else {
            let code = errno
            unlink(temp)
            throw RecordingError("rename into", path, errno: code)
        }
        if durable { syncDirectory(of: path) }
    }

    /// Bytes on their way into a file, written whenever 64 KB have gathered.
    struct ChunkedOutput {
        fileprivate let fd: Int32
        fileprivate let path: String
        private var buffer: [UInt8] = []

        fileprivate init(fd: Int32, path: String) {
            self.fd = fd
            self.path = path
            buffer.reserveCapacity(1 << 16)
        }

        mutating func append(_ bytes: some Sequence<UInt8>) throws(RecordingError) {
            buffer.append(contentsOf: bytes)
            if buffer.count >= 1 << 16 { try flush() }
        }

        mutating func flush() throws(RecordingError) {
            try FileIO.writeAll(fd, buffer, path: path)
            buffer.removeAll(keepingCapacity: true)
        }
    }

    /// Appends one whole line with a single write on an O_APPEND descriptor, then fsyncs, so
    /// concurrent appenders never interleave inside a line and a crash loses at most the last one.
    /// A full disk can take the first pages of a line and refuse the rest: then the file is cut
    /// back to where it ended, so the log never keeps half a line. (Callers hold the results
    /// lock, so no other process appends meanwhile.)
    /// Returns the offset the line starts at.
    @discardableResult
    static func append(_ bytes: [UInt8], to fd: Int32, path: String, durable: Bool = true) throws(RecordingError) -> Int {
        let end = lseek(fd, 0, SEEK_END)
        do throws(RecordingError) {
            try writeAll(fd, bytes, path: path)
        } catch {
            if end >= 0 { _ = ftruncate(fd, end) }
            throw error
        }
        if durable && fsync(fd) != 0 { throw RecordingError("fsync", path) }
        return Int(max(0, end))
    }

    /// Opens an append-only log (the caller holds the results lock). A last line without its
    /// newline was cut short by a crash or a full disk before the lock was ours; it is removed,
    /// so every line stays whole JSON and the next one starts on a line of its own.
    /// A symlink at `path` is refused (O_NOFOLLOW), never appended through.
    static func openLog(_ path: String) throws(RecordingError) -> Int32 {
        let fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, ResultsAccess.fileMode)
        guard fd >= 0 else { throw RecordingError("open", path) }
        _ = fchmod(fd, ResultsAccess.fileMode)
        if let whole = endOfLastWholeLine(fd), ftruncate(fd, whole) != 0 {
            let code = errno
            close(fd)
            throw RecordingError("repair the torn last line of", path, errno: code)
        }
        return fd
    }

    /// The length the log should have when its last line is torn (no final newline), else nil.
    private static func endOfLastWholeLine(_ fd: Int32) -> off_t? {
        var status = stat()
        guard fstat(fd, &status) == 0, status.st_size > 0 else { return nil }
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var end = status.st_size
        var checkedLast = false
        while end > 0 {
            let start = max(0, end - off_t(chunk.count))
            let count = Int(end - start)
            let read = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, count, start) }
            guard read == count else { return nil }
            if !checkedLast {
                if chunk[count - 1] == UInt8(ascii: "\n") { return nil }
                checkedLast = true
            }
            if let newline = chunk[0..<count].lastIndex(of: UInt8(ascii: "\n")) { return start + off_t(newline) + 1 }
            end = start
        }
        return 0
    }

    /// mkdir -p, with an error that names the folder that could not be made and why.
    static func makeDirectory(_ path: String) throws(RecordingError) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw RecordingError(
                    action: "use results folder", path: path, reason: "it exists and is not a folder",
                    hint: "move that file away, or pass --results with a folder")
            }
            return
        }
        let parent = LocalPath.parent(of: path)
        if parent != path, parent != "." { try makeDirectory(parent) }
        guard mkdir(path, ResultsAccess.folderMode) == 0 else {
            if errno == EEXIST { return }
            throw RecordingError("create folder", path)
        }
        // The umask may have taken bits --results-mode asked for.
        _ = chmod(path, ResultsAccess.folderMode)
    }

    public static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(RecordingError) {
        let code: Int32 = bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return 0 }
            var offset = 0
            while offset < buffer.count {
                let written = write(fd, base + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += written
            }
            return 0
        }
        if code != 0 { throw RecordingError("write", path, errno: code) }
    }

    private static func syncDirectory(of path: String) {
        let fd = open(LocalPath.parent(of: path), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }
}

extension RecordingError {
    init(action: String, path: String, reason: String, hint: String? = nil) {
        self.action = action
        self.path = path
        self.reason = reason
        self.hint = hint
    }
}
