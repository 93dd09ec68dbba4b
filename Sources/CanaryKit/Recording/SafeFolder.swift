import Foundation

/// A folder inside the results folder, held open as a descriptor: everything in it is created,
/// renamed and removed relative to that descriptor (`openat`, `mkdirat`, `renameat`,
/// `unlinkat`), and nothing is followed through a symbolic link, so a link planted where a
/// canary's folder should be can't redirect a write or a prune outside the results folder.
final class SafeFolder {
    let fd: Int32
    /// The path as people know it, for messages.
    let path: String

    private init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    deinit {
        close(fd)
    }

    /// The folder at `path` (a symlink there is refused).
    static func open(_ path: String) throws(RecordingError) -> SafeFolder {
        let fd = Foundation.open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw RecordingError("open folder", path) }
        return SafeFolder(fd: fd, path: path)
    }

    /// The child folder `name`, made first when `create` (with the results folder mode);
    /// `exclusive` refuses one that already exists.
    func folder(_ name: String, create: Bool = true, exclusive: Bool = false) throws(RecordingError) -> SafeFolder {
        let shown = path + "/" + name
        if create {
            if mkdirat(fd, name, ResultsAccess.folderMode) == 0 {
                // The umask may have taken bits --results-mode asked for.
                let made = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                guard made >= 0 else { throw RecordingError("open folder", shown) }
                _ = fchmod(made, ResultsAccess.folderMode)
                return SafeFolder(fd: made, path: shown)
            }
            let code = errno
            if code != EEXIST || exclusive { throw RecordingError("create folder", shown, errno: code) }
        }
        let child = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard child >= 0 else {
            let code = errno
            if code == ELOOP || code == ENOTDIR {
                throw RecordingError(action: "use folder", path: shown, reason: "it is a symbolic link or not a folder",
                                     hint: "remove it; canary never follows links inside the results folder")
            }
            throw RecordingError("open folder", shown, errno: code)
        }
        return SafeFolder(fd: child, path: shown)
    }

    /// Writes a new file `name` (it must not exist yet); errors name `shownAs`.
    func writeNew(_ bytes: [UInt8], named name: String, shownAs: String) throws(RecordingError) {
        let file = openat(fd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, ResultsAccess.fileMode)
        guard file >= 0 else { throw RecordingError("write", shownAs) }
        defer { close(file) }
        _ = fchmod(file, ResultsAccess.fileMode)
        try FileIO.writeAll(file, bytes, path: shownAs)
    }

    func rename(_ name: String, to destination: String) throws(RecordingError) {
        guard renameat(fd, name, fd, destination) == 0 else { throw RecordingError("rename \(path)/\(name) to", path + "/" + destination) }
    }

    /// Names in the folder, without `.` and `..`.
    func names() -> [String] {
        let copy = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard copy >= 0, let stream = fdopendir(copy) else { return [] }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Whether `name` is a folder itself (not a link to one).
    func isFolder(_ name: String) -> Bool {
        var status = stat()
        return fstatat(fd, name, &status, AT_SYMLINK_NOFOLLOW) == 0 && status.st_mode & S_IFMT == S_IFDIR
    }

    /// Removes the folder `name` and everything in it, best effort. A link inside is removed
    /// itself; what it points to is never touched.
    func removeTree(_ name: String) {
        if let child = try? folder(name, create: false) {
            for entry in child.names() {
                if child.isFolder(entry) {
                    child.removeTree(entry)
                } else {
                    _ = unlinkat(child.fd, entry, 0)
                }
            }
        }
        _ = unlinkat(fd, name, AT_REMOVEDIR)
    }
}

@available(*, unavailable)
extension SafeFolder: Sendable {}
