@testable import CanaryKit
import Foundation
import Testing

/// Run records in rotated segments (`runs/`), read across segments, after a `runs.jsonl` an
/// earlier version left; the state rebuild's position spans files.
@Suite("run segments")
struct RunSegmentsTests {
    let folder = FileManager.default.temporaryDirectory.path + "/run-segments-\(UUID().uuidString)"

    private func result(_ canary: String, runId: String, passed: Bool = true) -> RunResult {
        RunResult(record: AlarmTestRuns.run(passed: passed, canary: canary, runId: runId), exchanges: [], secrets: [])
    }

    private func line(_ record: RunRecord) throws -> String {
        String(decoding: try RecordJSON.bytes(record), as: UTF8.self) + "\n"
    }

    @Test("records go to runs/<time>-<id>.jsonl, never to runs.jsonl; one of an earlier version is read in place, first")
    func recordsInSegments() async throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let legacy = AlarmTestRuns.run(passed: false, canary: "old", runId: "20261122T142800Z-0001")
        try line(legacy).write(toFile: folder + "/runs.jsonl", atomically: true, encoding: .utf8)
        let store = try ResultsStore(directory: folder)
        try await store.record(result("new", runId: "20261122T142900Z-0002"))
        store.close()
        #expect(try String(contentsOfFile: folder + "/runs.jsonl", encoding: .utf8) == (try line(legacy)), "runs.jsonl is left as it was")
        let segments = try FileManager.default.contentsOfDirectory(atPath: folder + "/runs")
        #expect(segments.count == 1 && ResultsLayout.isSegment("runs/" + segments[0], in: "runs"), "\(segments)")
        let reader = try ResultsReader(directory: folder)
        #expect(try reader.records().records.map(\.canary) == ["old", "new"])
        #expect(try reader.record(canary: "old", runId: "20261122T142800Z-0001")?.passed == false)
        #expect(try reader.record(canary: "new", runId: "20261122T142900Z-0002")?.passed == true)
    }

    @Test("a segment rolls by size; the reader reads across segments, and finds a run from its id's time")
    func rollAndFind() async throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let start = AlarmTestRuns.time()
        var ids: [String] = []
        let log = try SegmentedLog(directory: folder, folder: ResultsLayout.runsFolder, roll: SegmentRoll(maxBytes: 1, maxAge: 3600), now: start)
        for index in 0..<6 {
            let now = start.addingTimeInterval(Double(index) * 60)
            let id = RunID.make(at: now)
            ids.append(id)
            let record = AlarmTestRuns.run(passed: index % 2 == 0, canary: "c\(index)", runId: id)
            _ = try await log.append(Array(try line(record).utf8), now: now)
        }
        log.close()
        let names = SegmentedLog.segmentNames(directory: folder, folder: ResultsLayout.runsFolder)
        #expect(names.count == 6, "1-byte segments hold one record each: \(names)")
        let reader = try ResultsReader(directory: folder)
        #expect(try reader.records().records.map(\.canary) == (0..<6).map { "c\($0)" })
        #expect(try reader.record(canary: "c4", runId: ids[4])?.passed == true)
        #expect(try reader.record(canary: "c5", runId: ids[5])?.passed == false)
        // Found from the newest segment back: c4's segment is never opened for c5, nor an older one for c4.
        try FileManager.default.removeItem(atPath: folder + "/runs/" + names[3] + ".jsonl")
        try FileManager.default.createDirectory(atPath: folder + "/runs/" + names[3] + ".jsonl", withIntermediateDirectories: false)
        #expect(try reader.record(canary: "c4", runId: ids[4])?.passed == true)
        #expect(throws: RecordingError.self) { try reader.record(canary: "c2", runId: ids[2]) }
    }

    @Test("a run is found in a segment begun in its own second before a newer one of that second")
    func sameSecond() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder + "/runs", withIntermediateDirectories: true)
        // Segment ids hold the millisecond (ms × 64 + random): begun at .100 and .500; the run
        // began at .300 and ended before .500, so its record is in the first.
        let run = AlarmTestRuns.run(passed: true, canary: "c", runId: "20261122T142900Z-4b00")
        try line(run).write(toFile: folder + "/runs/20261122T142900Z-1900.jsonl", atomically: true, encoding: .utf8)
        let later = AlarmTestRuns.run(passed: true, canary: "c", runId: "20261122T142900Z-7d10")
        try line(later).write(toFile: folder + "/runs/20261122T142900Z-7d00.jsonl", atomically: true, encoding: .utf8)
        let reader = try ResultsReader(directory: folder)
        #expect(try reader.record(canary: "c", runId: run.runId)?.runId == run.runId)
    }

    @Test("a torn last line of the newest run segment and of the newest exchange segment is cut when the store opens them again")
    func tornTail() async throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try ResultsStore(directory: folder)
        try await store.record(result("a", runId: "20261122T142900Z-0002"))
        store.close()
        var wholes: [(path: String, text: String)] = []
        for segments in [ResultsLayout.runsFolder, ResultsLayout.exchangesFolder] {
            let names = try FileManager.default.contentsOfDirectory(atPath: folder + "/" + segments)
            let path = folder + "/" + segments + "/" + (try #require(names.first, "no segment in \(segments)"))
            wholes.append((path, try String(contentsOfFile: path, encoding: .utf8)))
            let handle = try #require(FileHandle(forWritingAtPath: path))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(#"{"canary":"torn","ru"#.utf8))
            try handle.close()
        }
        #expect(try ResultsReader(directory: folder).records().skipped == 1)
        let again = try ResultsStore(directory: folder)
        again.close()
        for whole in wholes {
            #expect(try String(contentsOfFile: whole.path, encoding: .utf8) == whole.text, "\(whole.path)")
        }
    }

    @Test("the rebuild position spans runs.jsonl and the segments; a mark of an earlier version is an offset in runs.jsonl")
    func positions() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder + "/runs", withIntermediateDirectories: true)
        let first = try line(AlarmTestRuns.run(passed: true, canary: "a", runId: "20261122T142800Z-0001"))
        let second = try line(AlarmTestRuns.run(passed: false, canary: "a", runId: "20261122T142900Z-0002"))
        let third = try line(AlarmTestRuns.run(passed: false, canary: "a", runId: "20261122T143000Z-0003"))
        try (first + second).write(toFile: folder + "/runs.jsonl", atomically: true, encoding: .utf8)
        try third.write(toFile: folder + "/runs/20261122T142950Z-00aa.jsonl", atomically: true, encoding: .utf8)
        try "\(first.utf8.count)\n".write(toFile: folder + "/" + StateRebuild.markFileName, atomically: true, encoding: .utf8)
        let mark = StateRebuild.savedMark(directory: folder)
        #expect(mark == LogPosition(file: "runs.jsonl", offset: UInt64(first.utf8.count)))
        let end = StateRebuild.logSize(directory: folder)
        #expect(end == LogPosition(file: "runs/20261122T142950Z-00aa.jsonl", offset: UInt64(third.utf8.count)))
        let lines = StateRebuild.lines(directory: folder, from: mark, to: end)
        #expect(lines.map { String(decoding: $0, as: UTF8.self) + "\n" } == [second, third])
        try StateRebuild.saveMark(end, directory: folder)
        #expect(StateRebuild.savedMark(directory: folder) == end)
        #expect(StateRebuild.lines(directory: folder, from: end, to: end).isEmpty)
    }
}
