import Foundation
import Locking

/// The run folders `<canary>/<runId>/` of a results folder and the bytes each holds, so
/// `--max-bytes` counts them without listing every file: listed once when the store opens, then
/// kept up to date as run folders are written and removed.
final class FolderLedger: Sendable {
    private struct State {
        /// Bytes of each run folder, by canary folder (`ResultsLayout.canaryFolder`, or an earlier
        /// version's folder named by the canary) and run id.
        var folders: [String: [String: Int]] = [:]
        var total = 0
    }

    private let state = Locked(State())

    /// Lists the run folders in `directory` (the only full listing, once per open): every folder
    /// beside the store's own entries that holds folders named like a run.
    init(directory: String) {
        guard let results = try? SafeFolder.open(directory) else { return }
        var found = State()
        for canary in results.names() where ResultsStore.reservedReason(for: canary) == nil && results.isFolder(canary) {
            guard let folder = try? results.folder(canary, create: false) else { continue }
            for runId in folder.names() where RunID.isRunFolderName(runId) && !runId.hasPrefix(".") && folder.isFolder(runId) {
                let bytes = (try? folder.folder(runId, create: false))?.fileBytes() ?? 0
                found.folders[canary, default: [:]][runId] = bytes
                found.total += bytes
            }
        }
        state.withLock { $0 = found }
    }

    /// The bytes all run folders hold.
    var total: Int { state.withLock { $0.total } }

    /// Whether no run folder is known.
    var isEmpty: Bool { state.withLock { $0.folders.isEmpty } }

    func added(canary: String, runId: String, bytes: Int) {
        state.withLock { state in
            state.total += bytes - (state.folders[canary]?[runId] ?? 0)
            state.folders[canary, default: [:]][runId] = bytes
        }
    }

    func removed(canary: String, runId: String) {
        state.withLock { state in
            guard let bytes = state.folders[canary]?.removeValue(forKey: runId) else { return }
            state.total -= bytes
            if state.folders[canary]?.isEmpty == true { state.folders[canary] = nil }
        }
    }

    /// The oldest run folder (run ids begin with their start time), if any.
    func oldest() -> (canary: String, runId: String)? {
        state.withLock { state in
            var best: (canary: String, runId: String)?
            for (canary, runs) in state.folders {
                guard let runId = runs.keys.min() else { continue }
                if best.map({ runId < $0.runId }) ?? true { best = (canary, runId) }
            }
            return best
        }
    }
}

extension SafeFolder {
    /// The bytes of the files directly in this folder (a run folder holds no folders).
    func fileBytes() -> Int {
        names().reduce(0) { sum, name in
            var status = stat()
            guard fstatat(fd, name, &status, AT_SYMLINK_NOFOLLOW) == 0, status.st_mode & S_IFMT == S_IFREG else { return sum }
            return sum + Int(status.st_size)
        }
    }
}
