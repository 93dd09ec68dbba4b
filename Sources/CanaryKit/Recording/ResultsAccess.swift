import Foundation
import Locking

/// Who may read and write a results folder (issue 25 items 1 and 2). canary often runs as root
/// from cron: a folder another user can write would let them plant symlinks that turn its
/// writes and prunes against files elsewhere, so such a folder is refused unless
/// `--allow-shared-results` says otherwise. What canary creates is private by default (bodies and
/// HARs can hold personal data): files 0600, folders 0700, or `--results-mode`.
public enum ResultsAccess {
    private struct Settings {
        var fileMode: mode_t = 0o600
        var allowShared = false
    }

    private static let settings = Locked(Settings())

    /// Set once at start from `--results-mode` and `--allow-shared-results`.
    public static func configure(fileMode: mode_t?, allowShared: Bool) {
        settings.withLock { settings in
            if let fileMode { settings.fileMode = fileMode & 0o666 }
            settings.allowShared = allowShared
        }
    }

    /// Mode of files canary creates.
    static var fileMode: mode_t { settings.withLock { $0.fileMode } }

    /// Mode of folders: the file mode, searchable wherever readable, always 0700 for the owner.
    static var folderMode: mode_t {
        let file = fileMode
        return file | 0o700 | ((file & 0o044) >> 2)
    }

    /// `0640` → 0o640; nil when `text` is not an octal mode the owner can read and write.
    public static func parseMode(_ text: String) -> mode_t? {
        guard !text.isEmpty, text.count <= 4, let value = mode_t(text, radix: 8), value <= 0o666, value & 0o600 == 0o600 else { return nil }
        return value
    }

    /// Refuses `folder` when a user other than this one (or root) could write it or a folder
    /// above it: owned by someone else, group- or world-writable, or a symlink. A world-writable
    /// folder above is fine when it is sticky (`/tmp`): others can't rename what is in it.
    static func check(_ folder: String) throws(RecordingError) {
        guard !settings.withLock({ $0.allowShared }) else { return }
        let me = geteuid()
        var status = stat()
        guard lstat(folder, &status) == 0 else { throw RecordingError("check", folder) }
        if status.st_mode & S_IFMT == S_IFLNK {
            throw refusal(folder, "it is a symbolic link", fix: "pass the folder it points to with --results")
        }
        if status.st_uid != me && status.st_uid != 0 {
            throw refusal(folder, "it belongs to user \(status.st_uid), not to the user running canary (\(me))",
                          fix: "chown \(me) \(folder) (or let its owner run canary)")
        }
        if status.st_mode & 0o022 != 0 {
            throw refusal(folder, "other users can write it (mode \(String(status.st_mode & 0o7777, radix: 8)))", fix: "chmod go-w \(folder)")
        }
        var above = LocalPath.parent(of: absolute(folder))
        while true {
            guard stat(above, &status) == 0 else { break }
            let othersWrite = status.st_mode & 0o022 != 0 && status.st_mode & S_ISVTX == 0
            if (status.st_uid != me && status.st_uid != 0) || othersWrite {
                throw refusal(above, "a folder above the results folder can be changed by other users, who could swap the results folder for a link",
                              fix: "chown \(me) \(above) and chmod go-w \(above), or keep results in a folder only you can change")
            }
            let next = LocalPath.parent(of: above)
            if next == above { break }
            above = next
        }
    }

    private static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        return FileManager.default.currentDirectoryPath + "/" + path
    }

    private static func refusal(_ path: String, _ reason: String, fix: String) -> RecordingError {
        RecordingError(action: "use results folder", path: path, reason: reason,
                       hint: "\(fix); or pass --allow-shared-results if every user who can write it is trusted")
    }
}
