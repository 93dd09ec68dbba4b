import Foundation

/// Applies `Retention` to a results folder: deletes whole run segments (first the folders
/// `<canary>/<runId>/` of the runs they recorded, which their records name) and whole exchange
/// segments, oldest first, never one being written. Lists only the two segment folders, never
/// every file; returns the bytes the segments hold afterwards (`canary_results_bytes`).
struct StoreSweep: Sendable {
    let directory: String
    let retention: Retention

    /// The segments of both folders as retention sees them.
    func segments() -> [Retention.Segment] {
        [ResultsLayout.runsFolder, ResultsLayout.exchangesFolder].flatMap { folder in
            SegmentedLog.segmentNames(directory: directory, folder: folder).compactMap { name -> Retention.Segment? in
                let path = ResultsLayout.segment(in: folder, named: name)
                var info = stat()
                guard stat(directory + "/" + path, &info) == 0 else { return nil }
                return Retention.Segment(name: path, modified: Date(timeIntervalSince1970: Double(info.st_mtim.tv_sec)), bytes: Int(info.st_size))
            }
        }
    }

    /// Deletes what retention says to; `current` are the paths of the segments being written.
    /// Returns the bytes left in the segments.
    @discardableResult
    func sweep(current: Set<String>, now: Date = Date()) -> Int {
        let all = segments()
        let doomed = retention.expired(all, current: current, now: now)
        for path in doomed {
            if path.hasPrefix(ResultsLayout.runsFolder + "/") { removeRunFolders(recordedIn: path) }
            unlink(directory + "/" + path)
        }
        let gone = Set(doomed)
        return all.filter { !gone.contains($0.name) }.reduce(0) { $0 + $1.bytes }
    }

    /// The run folders named by the records of the run segment at `path`, removed (those that
    /// exist: by default only failed runs have one). Links are never followed.
    private func removeRunFolders(recordedIn path: String) {
        guard let data = FileManager.default.contents(atPath: directory + "/" + path),
              let results = try? SafeFolder.open(directory) else { return }
        var byCanary: [String: [String]] = [:]
        for run in Self.runs(in: data) { byCanary[run.canary, default: []].append(run.runId) }
        for (canary, runIds) in byCanary where ResultsStore.reservedReason(for: canary) == nil && !canary.contains("/") {
            guard let folder = try? results.folder(canary, create: false) else { continue }
            for runId in runIds where RunID.isRunFolderName(runId) && !runId.hasPrefix(".") {
                folder.removeTree(runId)
            }
        }
    }

    /// The canary and run id of each whole line of a run segment.
    static func runs(in data: Data) -> [(canary: String, runId: String)] {
        struct Names: Decodable { var canary: String; var runId: String }
        let decoder = JSONDecoder()
        return data.split(separator: UInt8(ascii: "\n")).compactMap { line in
            (try? decoder.decode(Names.self, from: Data(line))).map { ($0.canary, $0.runId) }
        }
    }
}
