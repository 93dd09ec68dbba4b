import Foundation

/// Applies `Retention` to a results folder: deletes whole run segments (first the folders
/// `<canary>/<runId>/` of the runs they recorded, which their records name), whole exchange
/// segments, the `runs.jsonl` of earlier versions, and for `--max-bytes` the oldest run folders,
/// oldest first, never a segment being written. Lists only the two segment folders, never every
/// file (the run folders' bytes are in the `FolderLedger`); returns the bytes the segments and
/// `runs.jsonl` hold afterwards.
struct StoreSweep: Sendable {
    let directory: String
    let retention: Retention
    let ledger: FolderLedger

    /// The segments of both folders, and `runs.jsonl` when there is one, as retention sees them.
    func segments() -> [Retention.Segment] {
        let paths = [ResultsLayout.runLog] + [ResultsLayout.runsFolder, ResultsLayout.exchangesFolder].flatMap { folder in
            SegmentedLog.segmentNames(directory: directory, folder: folder).map { ResultsLayout.segment(in: folder, named: $0) }
        }
        return paths.compactMap { path -> Retention.Segment? in
            var info = stat()
            guard lstat(directory + "/" + path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
            return Retention.Segment(name: path, modified: Date(timeIntervalSince1970: Double(info.st_mtim.tv_sec)), bytes: Int(info.st_size))
        }
    }

    /// Deletes what retention says to; `current` are the paths of the segments being written.
    /// Returns the bytes left in the segments.
    @discardableResult
    func sweep(current: Set<String>, now: Date = Date()) -> Int {
        let all = segments()
        let expired = retention.expired(all, current: current, now: now), doomed = Set(expired)
        for path in expired { delete(path) }
        var left = all.filter { !doomed.contains($0.name) }.sorted { ($0.age, $0.name) < ($1.age, $1.name) }
        var bytes = left.reduce(0) { $0 + $1.bytes }
        guard let bound = retention.maxBytes else { return bytes }
        // Over the bound with the run folders counted: the oldest of either goes first.
        left.removeAll { current.contains($0.name) }
        while bytes + ledger.total > bound {
            let folder = ledger.oldest()
            if let folder, left.first.map({ folder.runId < $0.age }) ?? true {
                removeRunFolder(folder: folder.canary, runId: folder.runId)
            } else if let segment = left.first {
                delete(segment.name)
                bytes -= segment.bytes
                left.removeFirst()
            } else {
                break
            }
        }
        return bytes
    }

    private func delete(_ path: String) {
        if path == ResultsLayout.runLog || path.hasPrefix(ResultsLayout.runsFolder + "/") { removeRunFolders(recordedIn: path) }
        unlink(directory + "/" + path)
    }

    /// The run folders named by the records of the run segment at `path`, removed (those that
    /// exist: by default only failed runs have one). Links are never followed.
    private func removeRunFolders(recordedIn path: String) {
        // With no run folder at all (every run passed) the segment needs no reading.
        guard !ledger.isEmpty,
              let data = try? Data(contentsOf: URL(fileURLWithPath: directory + "/" + path), options: .alwaysMapped) else { return }
        for run in Self.runs(in: data) {
            // Where it is written now, and where an earlier version wrote it (`Api_v2`).
            let folders = [ResultsLayout.canaryFolder(run.canary)] + (ResultsLayout.legacyCanaryFolder(run.canary).map { [$0] } ?? [])
            for folder in folders { removeRunFolder(folder: folder, runId: run.runId) }
        }
    }

    /// `folder`: a canary's folder (a slug, or a name an earlier version used as one).
    private func removeRunFolder(folder canary: String, runId: String) {
        ledger.removed(canary: canary, runId: runId)
        guard ResultsStore.reservedReason(for: canary) == nil, !canary.contains("/"), RunID.isRunFolderName(runId), !runId.hasPrefix("."),
              let folder = try? SafeFolder.open(directory).folder(canary, create: false) else { return }
        folder.removeTree(runId)
    }

    /// The canary and run id of each whole line of a run segment.
    static func runs(in data: Data) -> [(canary: String, runId: String)] {
        struct Names: Decodable { var canary: String; var runId: String }
        let decoder = JSONDecoder()
        var runs: [(canary: String, runId: String)] = []
        var start = data.startIndex
        while start < data.endIndex {
            let end = data[start...].firstIndex(of: UInt8(ascii: "\n")) ?? data.endIndex
            if end > start, let names = try? decoder.decode(Names.self, from: data[start..<end]) { runs.append((names.canary, names.runId)) }
            start = end + 1
        }
        return runs
    }
}
