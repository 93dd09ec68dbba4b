import Foundation
import Testing
@testable import CanaryKit

private let now = Date(timeIntervalSince1970: 1_795_000_000)

private func page(_ summaries: RunSummaries) -> String {
    HTMLReport.render(summaries, generatedAt: now, skippedLines: 0)
}

/// `runs/<name>.jsonl` of the folder, begun at minute `minute` of one hour.
private func segment(_ minute: Int) -> String {
    String(format: "runs/20261122T10%02d00Z-%04x.jsonl", minute, minute)
}

extension SummaryFolder {
    func writeSegment(_ minute: Int, _ records: [RunRecord]) throws {
        try FileManager.default.createDirectory(atPath: path + "/runs", withIntermediateDirectories: true)
        try write(try summaryLines(records), to: segment(minute))
    }
}

/// The report's summaries over the rotated run log: the fold position is a file and an offset,
/// files in log order (`runs.jsonl` of an earlier version first, then the segments by name).
@Suite("run summaries over run segments")
struct RunSummariesSegmentTests {
    let all = summaryHistory(300)

    @Test("a folder without summaries: every segment is folded, after a legacy runs.jsonl")
    func noSummaries() throws {
        let folder = try SummaryFolder()
        defer { folder.remove() }
        try folder.write(try summaryLines(Array(all.prefix(40))), to: ResultsLayout.runLog)
        try folder.writeSegment(1, Array(all[40..<200]))
        try folder.writeSegment(2, Array(all[200...]))
        let folded = RunSummaries.current(directory: folder.path)
        #expect(folded.changed && !folded.tornTail)
        #expect(folded.summaries.runCount == 300)
        #expect(folded.summaries.logPosition.file == segment(2))
        #expect(page(folded.summaries) == page(RunSummaries(records: all)))
    }

    @Test("records after the saved position, in the same segment and in a newer one, are folded once")
    func recordsAfterPosition() throws {
        let folder = try SummaryFolder()
        defer { folder.remove() }
        try folder.write(try summaryLines(Array(all.prefix(40))), to: ResultsLayout.runLog)
        try folder.writeSegment(1, Array(all[40..<120]))
        try RunSummaries.current(directory: folder.path).summaries.save(directory: folder.path)
        try folder.append(try summaryLines(Array(all[120..<200])), to: segment(1))
        try folder.writeSegment(2, Array(all[200...]))
        let next = RunSummaries.current(directory: folder.path)
        #expect(next.changed && next.summaries.runCount == 300)
        #expect(page(next.summaries) == page(RunSummaries(records: all)))
        try next.summaries.save(directory: folder.path)
        let again = RunSummaries.current(directory: folder.path)
        #expect(!again.changed && page(again.summaries) == page(next.summaries), "nothing new: nothing folded twice")
    }

    @Test("a segment deleted by retention after it was folded stays counted; later segments are folded from their start")
    func expiredSegment() throws {
        let folder = try SummaryFolder()
        defer { folder.remove() }
        try folder.writeSegment(1, Array(all[..<100]))
        try folder.writeSegment(2, Array(all[100..<150]))
        try RunSummaries.current(directory: folder.path).summaries.save(directory: folder.path)
        // Retention deletes the oldest segment, and the one the position is in; a new one begins.
        try FileManager.default.removeItem(atPath: folder.path + "/" + segment(1))
        try FileManager.default.removeItem(atPath: folder.path + "/" + segment(2))
        try folder.writeSegment(3, Array(all[150...]))
        let folded = RunSummaries.current(directory: folder.path)
        #expect(folded.summaries.runCount == 300)
        #expect(page(folded.summaries) == page(RunSummaries(records: all)))
        // Without saved summaries the same folder shows what it still holds.
        try FileManager.default.removeItem(atPath: folder.path + "/" + ResultsLayout.summaries)
        #expect(page(RunSummaries.current(directory: folder.path).summaries) == page(RunSummaries(records: Array(all[150...]))))
    }

    @Test("a segment shorter than the saved offset, or a position whose file is gone with nothing after it, is a refold from what exists")
    func replacedLog() throws {
        let folder = try SummaryFolder()
        defer { folder.remove() }
        try folder.writeSegment(1, Array(all[..<100]))
        try folder.writeSegment(2, Array(all[100...]))
        try RunSummaries.current(directory: folder.path).summaries.save(directory: folder.path)
        try folder.writeSegment(2, Array(all[100..<120]))
        let cut = RunSummaries.current(directory: folder.path)
        #expect(cut.changed && page(cut.summaries) == page(RunSummaries(records: Array(all[..<120]))))
        try cut.summaries.save(directory: folder.path)
        try FileManager.default.removeItem(atPath: folder.path + "/" + segment(2))
        let gone = RunSummaries.current(directory: folder.path)
        #expect(gone.changed && page(gone.summaries) == page(RunSummaries(records: Array(all[..<100]))))
    }

    @Test("a rolled segment: the writer's book folds lines arriving out of order across the roll, in log order")
    func bookAcrossRoll() throws {
        let folder = try SummaryFolder()
        defer { folder.remove() }
        let runs = Array(all.prefix(12))
        let encoded = try runs.map { try RecordJSON.bytes($0, pretty: false) + [UInt8(ascii: "\n")] }
        try FileManager.default.createDirectory(atPath: folder.path + "/runs", withIntermediateDirectories: true)
        try Data().write(to: URL(fileURLWithPath: folder.path + "/" + segment(1)))
        let book = RunSummaryBook(directory: folder.path)
        // Lines 0-5 in segment 1, 6-11 in segment 2 (begun when segment 1 rolled).
        var places: [StoredPlace] = []
        for (index, line) in encoded.enumerated() {
            let file = index < 6 ? segment(1) : segment(2)
            let offset = index < 6 ? encoded[..<index].reduce(0) { $0 + $1.count } : encoded[6..<index].reduce(0) { $0 + $1.count }
            places.append(StoredPlace(segment: file, offset: offset, length: line.count))
        }
        try folder.write(encoded[..<6].map { String(decoding: $0, as: UTF8.self) }.joined(), to: segment(1))
        try folder.write(encoded[6...].map { String(decoding: $0, as: UTF8.self) }.joined(), to: segment(2))
        for index in [6, 1, 0, 7, 2, 3, 4, 9, 8, 5, 11, 10] { book.fold(runs[index], line: encoded[index], at: places[index]) }
        book.close()
        let saved = try #require(RunSummaries.load(directory: folder.path))
        #expect(saved.runCount == 12)
        #expect(saved.logPosition == LogPosition(file: segment(2), offset: UInt64(LineReader.size(folder.path + "/" + segment(2)))))
        #expect(page(saved) == page(RunSummaries(records: runs)))
    }

    @Test("runs recorded through the store are in summaries.bin at close: the report then folds nothing")
    func writerKeepsSummaries() async throws {
        let folder = try SummaryFolder()
        defer { folder.remove() }
        let store = try ResultsStore(directory: folder.path, options: RecordingOptions(artifacts: .none))
        let runs = all.prefix(60).map { record -> RunRecord in
            var record = record
            record.inconclusive = nil
            return record
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for run in runs { group.addTask { try await store.record(RunResult(record: run, exchanges: [], secrets: [])) } }
            try await group.waitForAll()
        }
        store.close()
        let saved = try #require(RunSummaries.load(directory: folder.path), "the writer saved its summaries at close")
        #expect(saved.runCount == 60)
        let (records, _) = try ResultsReader(directory: folder.path).records()
        #expect(page(saved) == page(RunSummaries(records: records)))
        let report = RunSummaries.current(directory: folder.path)
        #expect(!report.changed, "the saved summaries cover the whole log")
    }

    @Test("the writer's book reads each alarm event of events.jsonl once: a save folds only the lines appended since the last")
    func bookFoldsEventsOnce() throws {
        let folder = try SummaryFolder()
        defer { folder.remove() }
        let encoder = JSONEncoder()
        func line(_ canary: String, _ minute: Int) throws -> String {
            let event = UptimeIncidentTests.event(canary, "2026-11-22T10:0\(minute):00Z", .alarm)
            return String(decoding: try encoder.encode(event), as: UTF8.self) + "\n"
        }
        try folder.write(try line("aaa", 1), to: "events.jsonl")
        let book = RunSummaryBook(directory: folder.path)
        book.save()
        // The line folded already is rewritten in place (same length, another canary): a save that
        // read events.jsonl from the start again would fold it anew.
        try folder.write(try line("bbb", 1), to: "events.jsonl")
        try folder.append(try line("ccc", 2), to: "events.jsonl")
        book.save()
        let saved = try #require(RunSummaries.load(directory: folder.path))
        #expect(saved.incidents.timeline.map(\.canary) == ["ccc", "aaa"])
    }
}
