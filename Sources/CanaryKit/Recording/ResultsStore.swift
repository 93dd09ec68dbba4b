import Foundation
import Locking
import Synchronization

/// How much the results folder keeps.
public struct RecordingOptions: Sendable {
    /// Run folders kept per canary; older ones are pruned.
    public var keep: Int
    /// Body bytes kept in snapshots and the HAR; assertions still see the whole body.
    public var maxSnapshotBytes: Int
    /// Which runs get a browsable folder (`--artifacts`).
    public var artifacts: ArtifactPolicy
    /// How long and how many bytes of segments are kept (`--retain`, `--max-bytes`).
    public var retention: Retention
    public init(keep: Int = 100, maxSnapshotBytes: Int = 1 << 20, artifacts: ArtifactPolicy = .failed, retention: Retention = Retention()) {
        self.keep = keep
        self.maxSnapshotBytes = maxSnapshotBytes
        self.artifacts = artifacts
        self.retention = retention
    }
}

/// `--artifacts failed|all|none`: which runs get the folder `<canary>/<runId>/`. Every run's
/// exchanges go to the exchange segments unless `none`, which keeps only the record.
public enum ArtifactPolicy: String, Sendable, CaseIterable {
    case failed, all, none

    /// Whether a run gets its folder: every run (`all`); a run that did not pass, or that has
    /// files of its own such as screenshots (`failed`); none (`none`).
    func wantsFolder(passed: Bool, hasFiles: Bool) -> Bool {
        switch self {
        case .all: true
        case .failed: !passed || hasFiles
        case .none: false
        }
    }
}

/// The results folder: the run segments (`runs/`, one record per run), the exchange segments
/// (`exchanges/`, every attempt's exchanges per run), and for the runs `--artifacts` wants (by
/// default the failed ones) `<canary>/<runId>/` with `run.json`, `run.har` and one snapshot per
/// step. One process per folder (see `ResultsLock`); everything reaches disk redacted.
///
/// Runs are recorded concurrently: each run's folder is its own, so only the shared segment lines
/// go through `SegmentedLog`. A run folder is written under a hidden name and renamed into place
/// whole, so a crash leaves no half folder where readers look.
public final class ResultsStore: Sendable {
    public let directory: String
    private let options: RecordingOptions
    private let log: SegmentedLog
    private let segments: SegmentedLog?
    private let sweeper: StoreSweep
    /// The run folders and their bytes, which `--max-bytes` counts too.
    private let folders: FolderLedger
    /// The bytes the segments hold (`canary_results_bytes`): scanned when the store opens and at
    /// each sweep, plus what is appended in between.
    private let segmentBytes = Atomic<Int>(0)
    /// Runs recorded off their --jobs slot right now (see `recordsOffSlot`).
    private let offSlot = Locked<Set<String>>([])
    /// What `canary report` shows of each canary, folded as runs are logged (`RunSummaryBook`).
    private let summaries: RunSummaryBook

    /// Creates the folder if needed and opens the append-only run log.
    public init(directory: String, options: RecordingOptions = RecordingOptions()) throws(RecordingError) {
        self.directory = directory
        self.options = options
        try FileIO.makeDirectory(directory)
        try ResultsAccess.check(directory)
        let roll = SegmentRoll(retention: options.retention)
        log = try SegmentedLog(directory: directory, folder: ResultsLayout.runsFolder, roll: roll)
        summaries = RunSummaryBook(directory: directory)
        segments = options.artifacts == .none ? nil : try SegmentedLog(directory: directory, folder: ResultsLayout.exchangesFolder, roll: roll)
        folders = FolderLedger(directory: directory)
        sweeper = StoreSweep(directory: directory, retention: options.retention, ledger: folders)
        sweep()
    }

    /// Appends the run's exchanges to the current exchange segment, writes the run's folder when
    /// `--artifacts` wants one, then appends its record to the current run segment and waits until
    /// that line is on disk (the record last: a run in the log always has its exchanges and its
    /// folder), then prunes the canary's oldest folders. Returns the record as redacted (for the
    /// outputs, which would otherwise redact it again).
    @discardableResult
    public func record(_ result: RunResult) async throws(RecordingError) -> RunRecord {
        defer { offSlot.withLock { _ = $0.remove(result.record.runId) } }
        let redactor = Redactor(secrets: result.secrets)
        let redacted = redactor.redact(result.record)
        var record = redacted
        let runFolder = directory + "/" + ResultsLayout.runFolder(canary: record.canary, runId: record.runId)
        if let segments {
            let line = HAR.segmentLine(result, record: record, redactor: redactor, maxBodyBytes: options.maxSnapshotBytes)
            record.har = try await append(line, to: segments)
        }
        guard options.artifacts.wantsFolder(passed: record.passed, hasFiles: result.artifacts.contains { !$0.text && !$0.keptOnlyWithFolder }) else {
            var line = try encode(record, path: directory + "/" + ResultsLayout.runsFolder, pretty: false)
            line.append(UInt8(ascii: "\n"))
            try await log(record, line: line)
            return redacted
        }
        let json = try encode(record, path: runFolder + "/run.json")
        // Out of descriptors (the budget in DescriptorBudget is an estimate): wait for running
        // transfers to free some rather than lose the run; 50 ms doubling, about 3 s in all.
        var pause = 50.0
        var opened: SafeFolder?
        while true {
            do {
                // Opened anew for each run: a folder renamed or replaced meanwhile is never written through.
                let canaryFolder = try SafeFolder.open(directory).folder(ResultsLayout.canaryFolder(record.canary))
                opened = canaryFolder
                let written = try writeRunFolder(result, record: record, json: json, redactor: redactor, canaryFolder: canaryFolder, runFolder: runFolder)
                folders.added(canary: ResultsLayout.canaryFolder(record.canary), runId: record.runId, bytes: written)
                break
            } catch where (error.errnoCode == EMFILE || error.errnoCode == ENFILE) && pause < 3000 {
                try? await Task.sleep(for: .milliseconds(pause))
                pause *= 2
            }
        }
        guard let canaryFolder = opened else { return redacted }
        defer { prune(canaryFolder, canary: ResultsLayout.canaryFolder(record.canary)) }
        try await log(record, line: JSONWriter.compacted(json) + [UInt8(ascii: "\n")])
        return redacted
    }

    /// Appends the run's record to the run log and folds it into the report's summaries.
    private func log(_ record: RunRecord, line: [UInt8]) async throws(RecordingError) {
        summaries.fold(record, line: line, at: try await append(line, to: log))
    }

    /// Appends to one of the segment logs; a new segment begun is the moment to apply retention.
    private func append(_ line: [UInt8], to segments: SegmentedLog) async throws(RecordingError) -> StoredPlace {
        let (place, rolled) = try await segments.append(line)
        segmentBytes.add(line.count, ordering: .relaxed)
        // Past --max-bytes between two rolls (run folders count too): the oldest go now.
        if rolled || options.retention.maxBytes.map({ bytes > $0 }) == true { sweep() }
        return place
    }

    /// Deletes what `--retain` and `--max-bytes` say to (never a segment being written), and
    /// counts what is left.
    private func sweep() {
        let current = Set([log.currentPath] + (segments.map { [$0.currentPath] } ?? []))
        segmentBytes.store(sweeper.sweep(current: current), ordering: .relaxed)
    }

    /// The bytes the store holds now (`canary_results_bytes`): segments, `runs.jsonl` and run folders.
    public var bytes: Int { segmentBytes.load(ordering: .relaxed) + folders.total }

    /// Whether `result` may be recorded after its --jobs slot went to the next canary: true while
    /// fewer than `limit` runs are, and the run then counts until `record` returns. A run's
    /// record waits for two fsyncs (its exchanges, then its record); holding the slot meanwhile
    /// left the slots idle for most of a fast run. Past `limit` the run waits on its slot, which
    /// holds back the next canary, so the runs held in memory stay bounded.
    public func recordsOffSlot(_ result: RunResult, limit: Int) -> Bool {
        offSlot.withLock { runs in
            runs.count < limit && runs.insert(result.record.runId).inserted
        }
    }

    /// Writes the run's folder; returns the bytes of its files.
    private func writeRunFolder(
        _ result: RunResult, record: RunRecord, json: [UInt8], redactor: Redactor, canaryFolder: SafeFolder, runFolder: String
    ) throws(RecordingError) -> Int {
        let partialName = Self.partialPrefix + record.runId
        let partial = try canaryFolder.folder(partialName, exclusive: true)
        var written = 0
        func write(_ bytes: [UInt8], _ name: String) throws(RecordingError) {
            try partial.writeNew(bytes, named: name, shownAs: runFolder + "/" + name)
            written += bytes.count
        }
        do throws(RecordingError) {
            for exchange in result.exchanges {
                guard let step = result.record.steps.first(where: { $0.name == exchange.step }) else { continue }
                let snapshot = Snapshot(exchange: exchange, step: step, redactor: redactor, maxBodyBytes: options.maxSnapshotBytes)
                let (text, binary) = snapshot.render()
                try write(text, snapshot.baseName + ".http")
                if let binary {
                    try write(binary, snapshot.baseName + ".body")
                }
            }
            for exchange in result.probes {
                guard let step = result.record.steps.first(where: { $0.name == exchange.step }) else { continue }
                let snapshot = ProbeSnapshot(exchange: exchange, step: step, redactor: redactor, maxBytes: options.maxSnapshotBytes)
                try write(snapshot.render(), snapshot.fileName)
            }
            for artifact in result.artifacts {
                try write(artifact.text ? redactor.redact(bytes: artifact.bytes) : artifact.bytes, artifact.name)
            }
            let har = HAR.render(result, record: record, redactor: redactor, maxBodyBytes: options.maxSnapshotBytes)
            try write(har, "run.har")
            try write(json + [UInt8(ascii: "\n")], "run.json")
            try canaryFolder.rename(partialName, to: record.runId)
            return written
        } catch {
            canaryFolder.removeTree(partialName)
            throw error
        }
    }

    /// Folders being written (or left by a crash mid-write) start with this; readers skip them.
    static let partialPrefix = ".partial-"

    /// The folder's own files, beside the canaries' folders (`.lock` and partial folders start
    /// with '.', which no canary name may). A canary named like one would take its place.
    public static let ownFiles = ["runs.jsonl", ResultsLayout.runsFolder, ResultsLayout.exchangesFolder, "events.jsonl", StateFile.fileName, "metrics.prom", Outbox.fileName, StateRebuild.markFileName, ResultsLayout.summaries]

    /// Why `canaryName` can't be a folder here (it is, or starts like, one of the folder's own
    /// entries), or nil when it can.
    public static func reservedReason(for canaryName: String) -> String? {
        if canaryName.hasPrefix(".") {
            return "starts with '.', which the results folder keeps for its lock and unfinished run folders"
        }
        // Also their temp files while they are replaced (`metrics.prom.tmp-…`).
        if let file = ownFiles.first(where: { canaryName == $0 || canaryName.hasPrefix($0 + ".") }) {
            return "is taken by the results folder's own file \(file)"
        }
        return nil
    }

    /// Keeps the newest `keep` run folders of a canary (run ids sort by time), and removes partial
    /// folders a crash left. Best effort: what can't be removed now is tried after the next run.
    /// A canary never runs twice at once, so no partial folder here is still being written.
    /// Only folders named like a run are touched; anything else (a link, a file) is left alone.
    private func prune(_ canaryFolder: SafeFolder, canary: String) {
        let names = canaryFolder.names().filter { RunID.isRunFolderName($0) && canaryFolder.isFolder($0) }
        let partial = names.filter { $0.hasPrefix(Self.partialPrefix) }
        let runs = names.filter { !$0.hasPrefix(".") }
        let old = runs.count > options.keep ? runs.sorted().dropLast(options.keep) : []
        for name in partial + old {
            canaryFolder.removeTree(name)
            folders.removed(canary: canary, runId: name)
        }
    }

    /// Closes the log; the store can't be used afterwards.
    public func close() {
        summaries.close()
        log.close()
        segments?.close()
    }

    /// run.json's pretty text; runs.jsonl's line is the same, compacted.
    private func encode(_ record: RunRecord, path: String, pretty: Bool = true) throws(RecordingError) -> [UInt8] {
        do {
            return try RecordJSON.record(record, pretty: pretty)
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
        try ResultsAccess.check(directory)
        let path = directory + "/.lock"
        // 0600: another user who could open it could hold it, and every run would wait forever.
        let fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, ResultsAccess.fileMode)
        guard fd >= 0 else { throw RecordingError("open", path) }
        _ = fchmod(fd, ResultsAccess.fileMode)
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
