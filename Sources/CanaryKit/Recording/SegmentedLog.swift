import Foundation
import Locking

/// When a segment is closed and a new one begun: a pure rule, tested by tables.
struct SegmentRoll: Sendable, Equatable {
    /// A segment stops growing past this many bytes (a line is never split across two).
    var maxBytes: Int = 64 << 20
    /// ... or this many seconds after it was begun, so retention can free space by the hour.
    var maxAge: Double = 3600

    init(maxBytes: Int = 64 << 20, maxAge: Double = 3600) {
        self.maxBytes = maxBytes
        self.maxAge = maxAge
    }

    /// Segments small and young enough for `retention` to free space in steps: a segment is
    /// deleted whole once its last write is `--retain` old, so one rolled at a quarter of it
    /// (1 s to an hour) keeps the store to about 1.25 × `--retain` of runs; and at an eighth of
    /// `--max-bytes` (1 MiB to 64 MiB), so that bound is never short by a whole large segment.
    init(retention: Retention) {
        self.init()
        if let retain = retention.retain { maxAge = min(max(retain / 4, 1), 3600) }
        if let bound = retention.maxBytes { maxBytes = min(max(bound / 8, 1 << 20), 64 << 20) }
    }

    /// Whether a line of `adding` bytes goes into a new segment rather than the current one.
    func rolls(size: Int, adding: Int, age: Double) -> Bool {
        size > 0 && (size + adding > maxBytes || age >= maxAge)
    }
}

/// Append-only segments in one folder of the results folder (`runs/` for the records,
/// `exchanges/` for each run's exchanges): `<folder>/<time>-<id>.jsonl`, one whole line per run,
/// durable (group commit, see `RunLog`) before `append` returns.
///
/// Only the newest segment is ever written; a crash can tear only its last line, which opening it
/// again removes (`FileIO.openLog`). Older segments are whole and are only ever deleted whole.
final class SegmentedLog: Sendable {
    let directory: String
    /// `ResultsLayout.runsFolder` or `ResultsLayout.exchangesFolder`.
    let folder: String
    private let roll: SegmentRoll
    private let current: Locked<Segment>

    private struct Segment {
        var log: RunLog
        var name: String
        var size: Int
        var begun: Date
        /// The segment before, left open for appends still waiting for its fsync.
        var previous: RunLog?
    }

    init(directory: String, folder: String, roll: SegmentRoll = SegmentRoll(), now: Date = Date()) throws(RecordingError) {
        self.directory = directory
        self.folder = folder
        self.roll = roll
        try FileIO.makeDirectory(directory + "/" + folder)
        // A link planted in place of the folder would have segments written wherever it points.
        var info = stat()
        guard lstat(directory + "/" + folder, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
            throw RecordingError(action: "use folder", path: directory + "/" + folder, reason: "it is a symbolic link or not a folder",
                                 hint: "remove it; canary never follows links inside the results folder")
        }
        // The newest segment, repaired (a crash may have torn its last line), is continued while young.
        var segment: Segment?
        if let newest = Self.segmentNames(directory: directory, folder: folder).last {
            let log = try RunLog(path: directory + "/" + ResultsLayout.segment(in: folder, named: newest))
            let size = log.size
            let begun = RunID.date(fromCompact: String(newest.prefix(16))) ?? now
            if roll.rolls(size: size, adding: 0, age: now.timeIntervalSince(begun)) || size >= roll.maxBytes {
                log.close()
            } else {
                segment = Segment(log: log, name: newest, size: size, begun: begun)
            }
        }
        if segment == nil { segment = try Self.begin(directory: directory, folder: folder, at: now) }
        guard let segment else { throw RecordingError(action: "begin a segment in", path: directory + "/" + folder, reason: "no segment") }
        current = Locked(segment)
    }

    /// Names of the segments in `folder` (without folder or suffix), oldest first.
    static func segmentNames(directory: String, folder: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory + "/" + folder)) ?? []
        return names.filter { ResultsLayout.isSegment(folder + "/" + $0, in: folder) }
            .map { String($0.dropLast(ResultsLayout.segmentSuffix.count)) }.sorted()
    }

    private static func begin(directory: String, folder: String, at now: Date) throws(RecordingError) -> Segment {
        let name = RunID.make(at: now)
        let log = try RunLog(path: directory + "/" + ResultsLayout.segment(in: folder, named: name))
        return Segment(log: log, name: name, size: 0, begun: now)
    }

    /// Writes one line to the newest segment (beginning a new one when `roll` says so), then
    /// returns its place once it is on disk, and whether a new segment was begun for it.
    func append(_ line: [UInt8], now: Date = Date()) async throws(RecordingError) -> (place: StoredPlace, rolled: Bool) {
        // Written under the lock: the offset is exact, and no line goes to a segment after it was left.
        let (log, name, offset, rolled) = try current.withLock { segment throws(RecordingError) -> (RunLog, String, Int, Bool) in
            var rolled = false
            if roll.rolls(size: segment.size, adding: line.count, age: now.timeIntervalSince(segment.begun)) {
                var next = try Self.begin(directory: directory, folder: folder, at: now)
                segment.previous?.close()
                next.previous = segment.log
                segment = next
                rolled = true
            }
            let offset = try segment.log.write(line)
            segment.size = offset + line.count
            return (segment.log, segment.name, offset, rolled)
        }
        try await log.synced()
        return (StoredPlace(segment: ResultsLayout.segment(in: folder, named: name), offset: offset, length: line.count), rolled)
    }

    /// The path of the segment being written, which retention must leave alone.
    var currentPath: String { current.withLock { ResultsLayout.segment(in: folder, named: $0.name) } }

    func close() {
        current.withLock { segment in
            segment.previous?.close()
            segment.log.close()
        }
    }
}
