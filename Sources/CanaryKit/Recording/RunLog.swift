import Dispatch
import Foundation
import Locking

/// One append-only log file (a run or exchange segment): one whole line per run, appended with a
/// single write on an O_APPEND descriptor (concurrent appenders never interleave inside a line),
/// and durable before `append` returns.
///
/// The fsyncs are shared (group commit): lines written while one fsync runs are covered by the
/// next, so a hundred runs ending together cost one or two fsyncs, not a hundred. The fsyncs run
/// on a Dispatch queue, never on a Swift concurrency thread, because they block.
final class RunLog: Sendable {
    let path: String
    private let fd: Int32
    private let writing = Locked<Void>(())
    private let waiting = Locked<Waiting>(Waiting())
    private let syncQueue = DispatchQueue(label: "canary.runs-log.fsync")

    private struct Waiting {
        var continuations: [CheckedContinuation<Result<Void, RecordingError>, Never>] = []
        var syncing = false
    }

    init(path: String) throws(RecordingError) {
        self.path = path
        fd = try FileIO.openLog(path)
    }

    /// Appends `line` (which ends in a newline) and returns once an fsync begun after the write
    /// has finished, with the offset the line starts at.
    @discardableResult
    func append(_ line: [UInt8]) async throws(RecordingError) -> Int {
        let offset = try write(line)
        try await synced()
        return offset
    }

    /// Writes `line` (which ends in a newline) without waiting for the disk; returns the offset
    /// the line starts at. `synced()` then waits until it is durable.
    func write(_ line: [UInt8]) throws(RecordingError) -> Int {
        // One append at a time: on a full disk FileIO.append cuts a half-written line back off,
        // which must not cut another run's line written in between.
        try writing.withLock { _ throws(RecordingError) in try FileIO.append(line, to: fd, path: path, durable: false) }
    }

    /// Returns once an fsync begun after this call has finished: every line written before is on disk.
    func synced() async throws(RecordingError) {
        let result = await withCheckedContinuation { continuation in
            let startSyncing = waiting.withLock { waiting in
                waiting.continuations.append(continuation)
                defer { waiting.syncing = true }
                return !waiting.syncing
            }
            if startSyncing { syncQueue.async { self.syncWhileWaited() } }
        }
        try result.get()
    }

    /// The file's size now.
    var size: Int {
        var info = stat()
        return fstat(fd, &info) == 0 ? Int(info.st_size) : 0
    }

    /// Takes everyone waiting, fsyncs once for all of them, and repeats until nobody waits.
    private func syncWhileWaited() {
        while true {
            let batch = waiting.withLock { waiting in
                let batch = waiting.continuations
                waiting.continuations = []
                if batch.isEmpty { waiting.syncing = false }
                return batch
            }
            if batch.isEmpty { return }
            let result: Result<Void, RecordingError> = fsync(fd) == 0 ? .success(()) : .failure(RecordingError("fsync", path))
            for continuation in batch { continuation.resume(returning: result) }
        }
    }

    func close() {
        Foundation.close(fd)
    }
}
