import Foundation

/// A problem writing results, naming the path and the system's reason.
public struct RecordingError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var action: String
    public var reason: String
    public var description: String { "cannot \(action) \(path): \(reason)" }

    init(_ action: String, _ path: String, errno code: Int32 = errno) {
        self.action = action
        self.path = path
        self.reason = String(cString: strerror(code))
    }
}

/// The one place files are written: whole files by temp file + rename, logs by append.
enum FileIO {
    /// Writes `bytes` to a temp file beside `path`, then renames it over `path`, so a reader or a
    /// crash sees the old file or the new one, never half of one. `durable` adds the fsyncs that
    /// make the rename survive a power loss too (file, then directory).
    static func writeAtomically(_ bytes: [UInt8], to path: String, durable: Bool = true) throws(RecordingError) {
        let temp = path + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw RecordingError("create", temp) }
        do throws(RecordingError) {
            try writeAll(fd, bytes, path: temp)
            if durable && fsync(fd) != 0 { throw RecordingError("fsync", temp) }
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

    /// Appends one whole line with a single write on an O_APPEND descriptor, then fsyncs, so
    /// concurrent appenders never interleave inside a line and a crash loses at most the last one.
    static func append(_ bytes: [UInt8], to fd: Int32, path: String, durable: Bool = true) throws(RecordingError) {
        try writeAll(fd, bytes, path: path)
        if durable && fsync(fd) != 0 { throw RecordingError("fsync", path) }
    }

    /// Writes a file that must not exist yet, inside a folder nobody reads until it is renamed
    /// into place whole (a run folder): no temp file of its own needed.
    static func writeNew(_ bytes: [UInt8], to path: String) throws(RecordingError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw RecordingError("create", path) }
        defer { close(fd) }
        try writeAll(fd, bytes, path: path)
    }

    /// One mkdir, for folders whose parent exists; `existing` says whether one already there is fine.
    static func makeFolder(_ path: String, existing: Bool = true) throws(RecordingError) {
        guard mkdir(path, 0o755) != 0 else { return }
        let code = errno
        if code == EEXIST && existing { return }
        throw RecordingError("create folder", path, errno: code)
    }

    static func rename(_ path: String, to destination: String) throws(RecordingError) {
        guard Foundation.rename(path, destination) == 0 else { throw RecordingError("rename \(path) to", destination) }
    }

    static func openLog(_ path: String) throws(RecordingError) -> Int32 {
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw RecordingError("open", path) }
        return fd
    }

    /// mkdir -p, with an error that names the folder that could not be made.
    static func makeDirectory(_ path: String) throws(RecordingError) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw RecordingError(action: "use results folder", path: path, reason: "it exists and is not a folder")
            }
            return
        }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw RecordingError(action: "create folder", path: path, reason: "\((error as NSError).localizedDescription)")
        }
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(RecordingError) {
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
        let directory = (path as NSString).deletingLastPathComponent
        let fd = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }
}

extension RecordingError {
    init(action: String, path: String, reason: String) {
        self.action = action
        self.path = path
        self.reason = reason
    }
}
