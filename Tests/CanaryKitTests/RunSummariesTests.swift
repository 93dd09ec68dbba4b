import CurlEngine
import Foundation
import Testing
@testable import CanaryKit

/// Runs of three canaries over two hours, one in five failing, with varied timings.
func summaryHistory(_ count: Int, from first: Int = 0) -> [RunRecord] {
    (first..<(first + count)).map { index in
        let canary = ["api", "checkout", "search"][index % 3]
        let time = Date(timeIntervalSince1970: 1_795_000_000 - 7200 + Double(index) * 30)
        let start = RunID.iso8601(time)
        let passed = index % 5 != 3
        let timings = Timings(dns: 1, connect: 2, tls: 3, firstByte: 20 + Double(index % 7), transfer: 5, total: 25 + Double(index % 7))
        let step = StepRecord(name: "get", outcome: passed ? .passed : .failed, statusCode: passed ? 200 : 503, timings: timings,
                              failures: passed ? [] : [AssertionFailure(assertion: "status", expected: "200", actual: "503", message: "status: expected 200, got 503 (\(index))")],
                              error: nil, errorKind: nil, request: RequestSummary(method: "GET", url: "http://example.test/"), response: nil)
        return RunRecord(canary: canary, runId: String(format: "20261122T1400%02dZ-%04x", index % 60, index), start: start, end: start,
                         durationMs: timings.total, passed: passed, attempt: 1, tags: [:], error: passed ? nil : "status", file: "\(canary).json",
                         steps: [step], inconclusive: index % 11 == 10 ? true : nil)
    }
}

private let now = Date(timeIntervalSince1970: 1_795_000_000)

func summaryLines(_ records: [RunRecord]) throws -> String {
    try records.map { String(decoding: try RecordJSON.bytes($0, pretty: false), as: UTF8.self) + "\n" }.joined()
}

/// The page the report would make of `records` read whole (the reference every fold must equal).
private func page(_ summaries: RunSummaries, skipped: Int = 0) -> String {
    HTMLReport.render(summaries, generatedAt: now, skippedLines: skipped)
}

struct SummaryFolder {
    let path = FileManager.default.temporaryDirectory.path + "/summaries-\(UUID().uuidString)"
    init() throws { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
    func write(_ text: String, to name: String) throws { try text.write(toFile: path + "/" + name, atomically: false, encoding: .utf8) }
    func append(_ text: String, to name: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path + "/" + name))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
        try handle.close()
    }
    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

@Suite("run summaries: the report's incremental fold")
struct RunSummariesTests {
    let all = summaryHistory(300)

    @Test("summaries saved part-way plus a fold of the records after their position give the page of the whole log")
    func recordsAfterPosition() throws {
        let folder = try SummaryFolder()
        defer { folder.remove() }
        try folder.write(try summaryLines(Array(all.prefix(120))), to: "runs.jsonl")
        let first = RunSummaries.current(directory: folder.path)
        #expect(first.changed && !first.tornTail)
        try first.summaries.save(directory: folder.path)
        try folder.append(try summaryLines(Array(all.dropFirst(120))), to: "runs.jsonl")
        let next = RunSummaries.current(directory: folder.path)
        #expect(next.changed)
        #expect(next.summaries.runCount == 300)
        #expect(page(next.summaries) == page(RunSummaries(records: all)))
        #expect(page(next.summaries) == HTMLReport.render(records: all, generatedAt: now))
    }

    @Test("a crash while writing the summaries (a left temp file, a cut or damaged file) costs a fold, never a wrong page")
    func crashMidWrite() throws {
        let folder = try SummaryFolder()
        defer { folder.remove() }
        try folder.write(try summaryLines(all), to: "runs.jsonl")
        let whole = RunSummaries.current(directory: folder.path).summaries
        let bytes = whole.encoded()
        let reference = page(RunSummaries(records: all))
        for damaged in [Array(bytes.prefix(bytes.count / 2)), Array(bytes.dropLast()), bytes + [0], Array("garbage".utf8), []] {
            try Data(damaged).write(to: URL(fileURLWithPath: folder.path + "/" + ResultsLayout.summaries))
            try folder.write("half a file", to: ResultsLayout.summaries + ".tmp-1-2")
            #expect(RunSummaries.load(directory: folder.path) == nil)
            let folded = RunSummaries.current(directory: folder.path)
            #expect(folded.changed && page(folded.summaries) == reference)
        }
    }

    @Test("summaries written while runs were in flight (a canary folded past the saved position) count no run twice")
    func noDoubleCount() throws {
        let folder = try SummaryFolder()
        defer { folder.remove() }
        let text = try summaryLines(all)
        try folder.write(text, to: "runs.jsonl")
        var ahead = RunSummaries.current(directory: folder.path).summaries
        // As a writer saves while lines before its last fold are not folded yet.
        ahead.logPosition = LogPosition(file: ResultsLayout.runLog, offset: UInt64(text.utf8.count / 2))
        try ahead.save(directory: folder.path)
        let folded = RunSummaries.current(directory: folder.path)
        #expect(folded.summaries.runCount == 300)
        #expect(page(folded.summaries) == page(RunSummaries(records: all)))
    }

    @Test("a torn last line is counted, not folded, and folded once it is whole; a replaced shorter log is folded anew")
    func tornTailAndReplacedLog() throws {
        let folder = try SummaryFolder()
        defer { folder.remove() }
        let last = try summaryLines([all[299]])
        try folder.write(try summaryLines(Array(all.prefix(299))) + "not json\n" + String(last.prefix(30)), to: "runs.jsonl")
        let torn = RunSummaries.current(directory: folder.path)
        #expect(torn.tornTail && torn.summaries.runCount == 299 && torn.summaries.skipped == 1)
        try torn.summaries.save(directory: folder.path)
        try folder.append(String(last.dropFirst(30)), to: "runs.jsonl")
        let whole = RunSummaries.current(directory: folder.path)
        #expect(!whole.tornTail && whole.summaries.runCount == 300 && whole.summaries.skipped == 1)
        try whole.summaries.save(directory: folder.path)
        try folder.write(try summaryLines(Array(all.prefix(10))), to: "runs.jsonl")
        #expect(RunSummaries.current(directory: folder.path).summaries.runCount == 10)
    }

    @Test("the file round-trips: every field read back as written")
    func roundTrip() throws {
        var summaries = RunSummaries(records: all)
        summaries.incidents.fold(UptimeIncidentTests.event("api", "2026-11-22T10:00:00Z", .alarm))
        let back = try #require(RunSummaries(encoded: summaries.encoded()))
        #expect(back.encoded() == summaries.encoded(), "the bytes differ")
        #expect(page(back) == page(summaries))
    }

    @Test("uptime by the hour equals uptime over the runs when windows start on the hour's runs")
    func uptimeBuckets() {
        let runs = [1.0, 2, 3, 48, 24 * 20, 24 * 40].enumerated().map { index, hours in
            UptimeIncidentTests.record(hoursAgo: hours, passed: [true, false, false, false, true, false][index], inconclusive: index == 2)
        }
        let summary = RunSummaries(records: runs.reversed()).canaries["c"]
        #expect(summary?.uptime(now: UptimeIncidentTests.now) == Uptime(runs: runs, now: UptimeIncidentTests.now))
        #expect(summary?.uptime(now: UptimeIncidentTests.now) == Uptime(day: 0.5, week: 1.0 / 3, month: 0.5))
    }

    @Test("incidents fold from events.jsonl in pieces as they do whole, with the count of older ones")
    func incidentsFold() throws {
        let folder = try SummaryFolder()
        defer { folder.remove() }
        let encoder = JSONEncoder()
        let events = (0..<230).map { index in
            UptimeIncidentTests.event("c\(index % 7)", RunID.iso8601(now.addingTimeInterval(Double(index - 230) * 60)).prefix(19) + "Z",
                                      index % 2 == 0 ? .alarm : .ok)
        }
        let text = try events.map { String(decoding: try encoder.encode($0), as: UTF8.self) + "\n" }
        try folder.write(text.prefix(100).joined(), to: "events.jsonl")
        let first = RunSummaries.current(directory: folder.path)
        try first.summaries.save(directory: folder.path)
        try folder.append(text.dropFirst(100).joined(), to: "events.jsonl")
        let folded = RunSummaries.current(directory: folder.path).summaries.incidents
        let whole = Incident.timeline(events)
        #expect(folded.total == whole.count)
        #expect(folded.timeline == Array(whole.prefix(HTMLReport.maximumIncidents)))
    }

    @Test("a page of many canaries lists failing ones first and gives cards only to them; passing ones are rows")
    func largeFleetPage() {
        let records = (0..<150).map { index in
            var record = summaryHistory(1, from: index * 5)[0]
            record.canary = String(format: "c%03d", index)
            record.passed = index != 7 && index != 120
            record.inconclusive = nil
            return record
        }
        let html = HTMLReport.render(records: records, generatedAt: now)
        #expect(html.contains("148 passing, 2 failing"))
        #expect(html.components(separatedBy: "<section class=\"canary").count - 1 == 2)
        #expect(html.components(separatedBy: "<svg class=\"chart\"").count - 1 == 2)
        #expect(html.contains("<section class=\"canary fail\" id=\"canary-c007\">") && html.contains("<section class=\"canary fail\" id=\"canary-c120\">"))
        #expect(html.contains("<tr class=\"pass\" id=\"canary-c000\">"), "a row without a card holds its anchor")
        let rows = html.components(separatedBy: "<tr class=\"").dropFirst().map { $0.prefix(4) }
        #expect(rows.prefix(2).allSatisfy { $0 == "fail" } && rows.dropFirst(2).allSatisfy { $0 == "pass" })
    }

    @Test("runs that reach the writer's book out of log order (the same canary's included) are folded in log order")
    func outOfOrderFolds() throws {
        let folder = try SummaryFolder()
        defer { folder.remove() }
        let book = RunSummaryBook(directory: folder.path)
        let runs = summaryHistory(30).filter { $0.canary == "api" }
        let encoded = try runs.map { try RecordJSON.bytes($0, pretty: false) + [UInt8(ascii: "\n")] }
        try folder.write(encoded.map { String(decoding: $0, as: UTF8.self) }.joined(), to: "runs.jsonl")
        let offsets = encoded.indices.map { index in encoded[..<index].reduce(0) { $0 + $1.count } }
        for index in [1, 0, 3, 2, 4, 6, 5, 9, 8, 7] {
            book.fold(runs[index], line: encoded[index], at: StoredPlace(segment: ResultsLayout.runLog, offset: offsets[index], length: encoded[index].count))
        }
        book.close()
        let saved = try #require(RunSummaries.load(directory: folder.path))
        #expect(saved.runCount == 10 && saved.logPosition == LogPosition(file: ResultsLayout.runLog, offset: UInt64(LineReader.size(folder.path + "/runs.jsonl"))))
        #expect(page(saved) == page(RunSummaries(records: runs)))
    }
}
