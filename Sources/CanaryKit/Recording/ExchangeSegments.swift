import Foundation
import Synchronization

/// When an exchange segment is closed and a new one begun: a pure rule, tested by tables.
struct SegmentRoll: Sendable, Equatable {
    /// A segment stops growing past this many bytes (a line is never split across two).
    var maxBytes: Int = 64 << 20
    /// ... or this many seconds after it was begun, so retention can free space by the hour.
    var maxAge: Double = 3600

    /// Whether a line of `adding` bytes goes into a new segment rather than the current one.
    func rolls(size: Int, adding: Int, age: Double) -> Bool {
        size > 0 && (size + adding > maxBytes || age >= maxAge)
    }
}

/// The exchange segments (`exchanges/<time>-<id>.jsonl`): each run's exchanges appended as one
/// line, durable (group commit, as `runs.jsonl`) before the run's record names their place. A
/// passing run costs two appends instead of a folder and four files.
///
/// Only the newest segment is ever written; a crash can tear only its last line, which opening it
/// again removes (`FileIO.openLog`). Older segments are whole and are only ever deleted whole.
final class ExchangeSegments: Sendable {
    private let directory: String
    private let roll: SegmentRoll
    private let retention: Retention
    private let current: Mutex<Segment>

    private struct Segment {
        var log: RunLog
        var name: String
        var size: Int
        var begun: Date
        /// The segment before, left open for appends still waiting for its fsync.
        var previous: RunLog?
    }

    init(directory: String, roll: SegmentRoll = SegmentRoll(), retention: Retention = Retention(), now: Date = Date()) throws(RecordingError) {
        self.directory = directory
        self.roll = roll
        self.retention = retention
        try FileIO.makeDirectory(directory + "/" + ResultsLayout.exchangesFolder)
        // The newest segment, repaired (a crash may have torn its last line), is continued while young.
        let newest = Self.segmentNames(directory: directory).last
        var segment: Segment?
        if let newest {
            let path = directory + "/" + ResultsLayout.exchangeSegment(named: newest)
            let log = try RunLog(path: path)
            let size = Self.size(of: path)
            let begun = RunID.date(fromCompact: String(newest.prefix(16))) ?? now
            if roll.rolls(size: size, adding: 0, age: now.timeIntervalSince(begun)) || size >= roll.maxBytes {
                log.close()
            } else {
                segment = Segment(log: log, name: newest, size: size, begun: begun)
            }
        }
        if segment == nil { segment = try Self.begin(directory: directory, at: now) }
        guard let segment else { throw RecordingError(action: "begin a segment in", path: directory, reason: "no segment") }
        current = Mutex(segment)
        sweep(now: now)
    }

    /// Deletes the segments retention says to (whole files; never the one being written). A
    /// record whose segment is gone still reads; `show` says its exchanges expired.
    func sweep(now: Date = Date()) {
        let folder = directory + "/" + ResultsLayout.exchangesFolder
        let segments = Self.segmentNames(directory: directory).compactMap { name -> Retention.Segment? in
            var info = stat()
            guard stat(folder + "/" + name + ResultsLayout.segmentSuffix, &info) == 0 else { return nil }
            return Retention.Segment(name: name, modified: Date(timeIntervalSince1970: Double(info.st_mtim.tv_sec)), bytes: Int(info.st_size))
        }
        for name in retention.expired(segments, current: currentName, now: now) {
            unlink(folder + "/" + name + ResultsLayout.segmentSuffix)
        }
    }

    /// Names of the segments (without folder or suffix), oldest first.
    static func segmentNames(directory: String) -> [String] {
        let folder = directory + "/" + ResultsLayout.exchangesFolder
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { ResultsLayout.isExchangeSegment(ResultsLayout.exchangesFolder + "/" + $0) }
            .map { String($0.dropLast(ResultsLayout.segmentSuffix.count)) }.sorted()
    }

    private static func begin(directory: String, at now: Date) throws(RecordingError) -> Segment {
        let name = RunID.make(at: now)
        let log = try RunLog(path: directory + "/" + ResultsLayout.exchangeSegment(named: name))
        return Segment(log: log, name: name, size: 0, begun: now)
    }

    private static func size(of path: String) -> Int {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : 0
    }

    /// Appends one run's line and returns its place once it is on disk.
    func append(_ line: [UInt8], now: Date = Date()) async throws(RecordingError) -> StoredPlace {
        let (log, name, rolled) = try current.withLock { segment throws(RecordingError) -> (RunLog, String, Bool) in
            var rolled = false
            if roll.rolls(size: segment.size, adding: line.count, age: now.timeIntervalSince(segment.begun)) {
                var next = try Self.begin(directory: directory, at: now)
                segment.previous?.close()
                next.previous = segment.log
                segment = next
                rolled = true
            }
            segment.size += line.count
            return (segment.log, segment.name, rolled)
        }
        if rolled { sweep(now: now) }
        let offset = try await log.append(line)
        return StoredPlace(segment: ResultsLayout.exchangeSegment(named: name), offset: offset, length: line.count)
    }

    /// The segment being written, which retention must leave alone.
    var currentName: String { current.withLock { $0.name } }

    func close() {
        current.withLock { segment in
            segment.previous?.close()
            segment.log.close()
        }
    }
}
