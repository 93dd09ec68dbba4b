import Foundation

/// How much the results folder keeps.
public struct RecordingOptions: Sendable {
    /// Run folders kept per canary; older ones are pruned.
    public var keep: Int
    /// Body bytes kept in snapshots and the HAR; assertions still see the whole body.
    public var maxSnapshotBytes: Int
    public init(keep: Int = 100, maxSnapshotBytes: Int = 1 << 20) {
        self.keep = keep
        self.maxSnapshotBytes = maxSnapshotBytes
    }
}

/// The results folder: `runs.jsonl`, and per run `<canary>/<runId>/` with `run.json`, `run.har`
/// and one snapshot per step. One writer per folder (see `ResultsLock`); everything reaches disk
/// redacted.
public actor ResultsStore {
    public nonisolated let directory: String
    private let options: RecordingOptions
    private let runsLog: Int32
    private let encoder: JSONEncoder
    private let prettyEncoder: JSONEncoder

    /// Creates the folder if needed and opens the append-only run log.
    public init(directory: String, options: RecordingOptions = RecordingOptions()) throws(RecordingError) {
        self.directory = directory
        self.options = options
        try FileIO.makeDirectory(directory)
        runsLog = try FileIO.openLog(directory + "/runs.jsonl")
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        prettyEncoder = JSONEncoder()
        prettyEncoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
    }

    /// Writes the run's folder, then appends its line to `runs.jsonl` (the line last: a run in
    /// the log always has its folder), then prunes the canary's oldest folders.
    public func record(_ result: RunResult) throws(RecordingError) {
        let redactor = Redactor(secrets: result.secrets)
        let record = redactor.redact(result.record)
        let canaryFolder = directory + "/" + record.canary
        let runFolder = canaryFolder + "/" + record.runId
        try FileIO.makeDirectory(runFolder)
        for exchange in result.exchanges {
            guard let step = result.record.steps.first(where: { $0.name == exchange.step }) else { continue }
            let snapshot = Snapshot(exchange: exchange, step: step, redactor: redactor, maxBodyBytes: options.maxSnapshotBytes)
            let (text, binary) = snapshot.render()
            try FileIO.writeAtomically(text, to: runFolder + "/" + snapshot.baseName + ".http", durable: false)
            if let binary {
                try FileIO.writeAtomically(binary, to: runFolder + "/" + snapshot.baseName + ".body", durable: false)
            }
        }
        let har = HAR.render(result.exchanges, steps: result.record.steps, redactor: redactor, maxBodyBytes: options.maxSnapshotBytes)
        try FileIO.writeAtomically(har, to: runFolder + "/run.har", durable: false)
        let pretty = try encode(record, with: prettyEncoder, path: runFolder + "/run.json")
        try FileIO.writeAtomically(pretty + [UInt8(ascii: "\n")], to: runFolder + "/run.json", durable: false)
        defer { prune(canaryFolder) }
        let line = try encode(record, with: encoder, path: directory + "/runs.jsonl")
        try FileIO.append(line + [UInt8(ascii: "\n")], to: runsLog, path: directory + "/runs.jsonl")
    }

    /// Keeps the newest `keep` run folders of a canary (run ids sort by time). Best effort: a
    /// folder that can't be removed now is tried again after the next run.
    private func prune(_ canaryFolder: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: canaryFolder), names.count > options.keep else { return }
        for name in names.sorted().dropLast(options.keep) {
            try? FileManager.default.removeItem(atPath: canaryFolder + "/" + name)
        }
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
