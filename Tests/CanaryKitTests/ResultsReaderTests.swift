@testable import CanaryKit
import Foundation
import Testing

/// The reader `report`, `show`, `diff` and the state rebuild go through, over a folder written by hand.
@Suite("results reader")
struct ResultsReaderTests {
    let folder = FileManager.default.temporaryDirectory.path + "/results-reader-\(UUID().uuidString)"

    private func write(_ records: [RunRecord], tail: String = "") throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let lines = try records.map { String(decoding: try RecordJSON.bytes($0), as: UTF8.self) + "\n" }
        try (lines.joined() + tail).write(toFile: folder + "/runs.jsonl", atomically: true, encoding: .utf8)
    }

    private func failed(_ runId: String, canary: String = "checkout", attempt: Int = 1) -> RunRecord {
        var record = AlarmTestRuns.run(passed: false, canary: canary, runId: runId)
        record.attempt = attempt
        return record
    }

    @Test("lists canaries, and runs oldest first with outcome and attempts; a torn last line is skipped")
    func listing() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var cancelled = AlarmTestRuns.run(passed: false, canary: "checkout", runId: "20261122T142900Z-0003")
        cancelled.cancelled = true
        var inconclusive = AlarmTestRuns.run(passed: false, canary: "search", runId: "20261122T142900Z-0004")
        inconclusive.inconclusive = true
        try write([
            AlarmTestRuns.run(passed: true, canary: "checkout", runId: "20261122T142800Z-0001"),
            failed("20261122T142850Z-0002", attempt: 3), inconclusive, cancelled,
        ], tail: "{\"canary\":\"zz\",\"runId\"")
        let reader = try ResultsReader(directory: folder)
        #expect(try reader.canaries() == ["checkout", "search"])
        let runs = try reader.runs(of: "checkout")
        #expect(runs.map(\.runId) == ["20261122T142800Z-0001", "20261122T142850Z-0002", "20261122T142900Z-0003"])
        #expect(runs.map(\.outcome) == [.passed, .failed, .cancelled])
        #expect(runs.map(\.attempts) == [1, 3, 1])
        #expect(runs[0].error == nil && runs[1].error == "status: expected 200, got 503")
        #expect(try reader.runs(of: "search").map(\.outcome) == [.inconclusive])
        #expect(try reader.runs(of: "nope").isEmpty)
        #expect(try reader.records().skipped == 1)
        #expect(try reader.record(canary: "checkout", runId: "20261122T142850Z-0002")?.attempt == 3)
        #expect(try reader.record(canary: "search", runId: "20261122T142850Z-0002") == nil)
    }

    @Test("a run's exchanges come back per attempt from its folder's HAR; a pruned folder is nil")
    func attempts() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let runId = "20261122T142850Z-0002"
        try write([failed(runId, attempt: 2), failed("20261122T142700Z-0001")])
        try FileManager.default.createDirectory(atPath: folder + "/checkout/" + runId, withIntermediateDirectories: true)
        let har = """
            {"log": {"version": "1.2", "entries": [
              {"pageref": "attempt-1", "request": {"url": "http://a/1"}},
              {"pageref": "attempt-2", "request": {"url": "http://a/2"}},
              {"pageref": "attempt-2", "request": {"url": "http://a/3"}}]}}
            """
        try har.write(toFile: folder + "/checkout/\(runId)/run.har", atomically: true, encoding: .utf8)
        let reader = try ResultsReader(directory: folder)
        let attempts = try #require(try reader.attempts(canary: "checkout", runId: runId))
        #expect(attempts.map(\.attempt) == [1, 2])
        #expect(attempts.map { $0.entries.compactMap { $0["request"]?["url"] } } == [[.string("http://a/1")], [.string("http://a/2"), .string("http://a/3")]])
        #expect(try reader.attempts(canary: "checkout", runId: "20261122T142700Z-0001") == nil)
        #expect(try reader.attempts(canary: "checkout", runId: "20990101T000000Z-0000") == nil)
    }

    @Test("entries without a page (folders written before attempts were kept) are the last attempt's")
    func legacyEntries() {
        let entries: [JSONValue] = [.object([("request", .object([]))])]
        #expect(ResultsReader.splitByAttempt(entries, lastAttempt: 3) == [StoredAttempt(attempt: 3, entries: entries)])
    }

    @Test("a missing folder is an error naming it and --results")
    func missingFolder() {
        #expect {
            try ResultsReader(directory: folder + "/none")
        } throws: { error in
            "\(error)".contains(folder + "/none") && "\(error)".contains("--results")
        }
    }
}
