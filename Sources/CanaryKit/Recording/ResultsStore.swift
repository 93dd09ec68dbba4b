import Foundation

/// The results folder: `runs.jsonl`, and `<canary>/<runId>/run.json` per run. One writer per
/// folder (see `ResultsLock`); records reach disk redacted.
public actor ResultsStore {
    public nonisolated let directory: String
    private let runsLog: Int32
    private let encoder: JSONEncoder
    private let prettyEncoder: JSONEncoder

    /// Creates the folder if needed and opens the append-only run log.
    public init(directory: String) throws(RecordingError) {
        self.directory = directory
        try FileIO.makeDirectory(directory)
        runsLog = try FileIO.openLog(directory + "/runs.jsonl")
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        prettyEncoder = JSONEncoder()
        prettyEncoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
    }

    /// Writes the run's folder, then appends its line to `runs.jsonl` (the line last: a run in
    /// the log always has its folder).
    public func record(_ result: RunResult) throws(RecordingError) {
        let redactor = Redactor(secrets: result.secrets)
        let record = redactor.redact(result.record)
        let runFolder = directory + "/" + record.canary + "/" + record.runId
        try FileIO.makeDirectory(runFolder)
        let pretty = try encode(record, with: prettyEncoder, path: runFolder + "/run.json")
        try FileIO.writeAtomically(pretty + [UInt8(ascii: "\n")], to: runFolder + "/run.json", durable: false)
        let line = try encode(record, with: encoder, path: directory + "/runs.jsonl")
        try FileIO.append(line + [UInt8(ascii: "\n")], to: runsLog, path: directory + "/runs.jsonl")
    }

    /// Closes the log; the store can't be used afterwards.
    public func close() {
        Foundation.close(runsLog)
    }

    private func encode(_ record: RunRecord, with encoder: JSONEncoder, path: String) throws(RecordingError) -> [UInt8] {
        do {
            return Array(try encoder.encode(record))
        } catch {
            throw RecordingError(action: "encode a record for", path: path, reason: "\(error)")
        }
    }
}

/// An exclusive lock on a results folder, so two `canary run`s never interleave their records.
public final class ResultsLock: Sendable {
    private let fd: Int32

    /// Blocks until the lock is ours, or with `wait: false` returns nil when another process holds it.
    public init?(directory: String, wait: Bool) throws(RecordingError) {
        try FileIO.makeDirectory(directory)
        let path = directory + "/.lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw RecordingError("open", path) }
        while flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0 {
            if errno == EINTR { continue }
            let code = errno
            close(fd)
            if code == EWOULDBLOCK { return nil }
            throw RecordingError("lock", path, errno: code)
        }
        self.fd = fd
    }

    deinit {
        close(fd)
    }
}
